"""Kept-up-to-date answer counts (so result pages never scan the answers) and comment redactions."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

# Pseudo question keys/values in the counts table. Real keys start with a letter.
RESPONSES_KEY = "_besvarelser"  # value = the response status (complete/partial)
TEXT_VALUE = "_tekst"  # free text is counted, never stored as a value here


class ResultCount(db.Model):
    """How many finished (complete or partial) responses gave ``value`` to ``question_key``.

    One row per (round, tilbud, variant, version, question, value, assisted). ``assisted`` is the
    answer to "Fik du hjælp til at svare?" or "" when unanswered (not NULL, so the row is unique
    and ``INSERT ... ON CONFLICT`` can add to it).
    """

    __table_args__ = (Index("ix_result_count_round_variant", "round_id", "questionnaire"),)

    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), primary_key=True)
    tilbud_id: Mapped[int] = mapped_column(ForeignKey("tilbud.id"), primary_key=True)
    questionnaire: Mapped[str] = mapped_column(String(40), primary_key=True)
    questionnaire_version: Mapped[int] = mapped_column(primary_key=True)
    question_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(40), primary_key=True)
    assisted: Mapped[str] = mapped_column(String(20), primary_key=True, default="")
    count: Mapped[int] = mapped_column(default=0)


class CommentRedaction(db.Model):
    """A free-text answer whose identifying text was replaced. The original is not kept."""

    answer_id: Mapped[int] = mapped_column(
        ForeignKey("answer.id", ondelete="CASCADE"), primary_key=True
    )
    redacted_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    redacted_at: Mapped[datetime]
