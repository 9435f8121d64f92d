"""Kept-up-to-date answer counts (so result pages never scan the answers) and comment redactions."""

import json
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

# Pseudo question keys/values in the counts table. Real keys start with a letter.
RESPONSES_KEY = "_besvarelser"  # value = the response status (complete/partial)
TEXT_VALUE = "_tekst"  # free text is counted, never stored as a value here


class ResultCount(db.Model):
    """How many finished (complete or partial) responses gave ``value`` to ``question_key``.

    One row per (round, tilbud, variant, version, question, value, assisted, week).
    ``assisted`` is the answer to "Fik du hjælp til at svare?" or "" when unanswered (not NULL,
    so the row is unique and ``INSERT ... ON CONFLICT`` can add to it). ``answered_week`` is the
    week the response was finished in: a release counts the weeks up to its cutoff.
    """

    __table_args__ = (Index("ix_result_count_round_variant", "round_id", "questionnaire"),)

    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), primary_key=True)
    tilbud_id: Mapped[int] = mapped_column(ForeignKey("tilbud.id"), primary_key=True)
    questionnaire: Mapped[str] = mapped_column(String(40), primary_key=True)
    questionnaire_version: Mapped[int] = mapped_column(primary_key=True)
    question_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(40), primary_key=True)
    assisted: Mapped[str] = mapped_column(String(20), primary_key=True, default="")
    answered_week: Mapped[date] = mapped_column(primary_key=True)
    count: Mapped[int] = mapped_column(default=0)


class CommentRedaction(db.Model):
    """A free-text answer whose identifying text was replaced. The original is not kept."""

    answer_id: Mapped[int] = mapped_column(
        ForeignKey("answer.id", ondelete="CASCADE"), primary_key=True
    )
    redacted_by: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    redacted_at: Mapped[datetime]


class Release(db.Model):
    """A frozen, audited publication of one questionnaire's results in a round.

    Pages and exports show the newest release: the counts of the responses finished in the
    weeks up to ``through_week``, with the cells ``hidden`` lists (per pattern: the
    respondents, and each theme) hidden. Those counts never change afterwards: a response is
    always finished in the week it carries, and a release only takes weeks that are over (the
    final one, at close, all).
    """

    __tablename__ = "result_release"
    __table_args__ = (UniqueConstraint("round_id", "questionnaire", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    questionnaire: Mapped[str] = mapped_column(String(40))
    number: Mapped[int]
    through_week: Mapped[date]  # the Monday of the last week included
    final: Mapped[bool] = mapped_column(default=False)
    published_on: Mapped[date]
    threshold: Mapped[int]
    respondents: Mapped[int]
    hidden_json: Mapped[str] = mapped_column(Text, default="[]")

    @property
    def hidden(self) -> dict[str, set[tuple[tuple[str, int], str]]]:
        """{pattern: {((unit kind, unit id), group)}} of the cells this release hides."""
        found: dict[str, set[tuple[tuple[str, int], str]]] = {}
        for part, kind, unit_id, group in json.loads(self.hidden_json):
            found.setdefault(part, set()).add(((kind, unit_id), group))
        return found


class ReleaseCount(db.Model):
    """What a release shows, frozen: its weeks' counts per tilbud, question, value and help
    group, summed over versions and weeks (a page reads a few thousand rows, however many
    responses the round has)."""

    release_id: Mapped[int] = mapped_column(
        ForeignKey("result_release.id", ondelete="CASCADE"), primary_key=True
    )
    tilbud_id: Mapped[int] = mapped_column(ForeignKey("tilbud.id"), primary_key=True)
    question_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(40), primary_key=True)
    help_group: Mapped[str] = mapped_column(String(20), primary_key=True)
    count: Mapped[int]
