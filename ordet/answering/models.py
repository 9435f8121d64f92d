"""A response and its answers. On purpose: no IP, no device, no time of day, no invitation."""

from datetime import date

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db

DRAFT, PARTIAL, COMPLETE = "draft", "partial", "complete"
KIOSK, LINK = "kiosk", "link"


class Response(db.Model):
    __table_args__ = (Index("ix_response_round_tilbud_status", "round_id", "tilbud_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"))
    tilbud_id: Mapped[int] = mapped_column(ForeignKey("tilbud.id"), index=True)
    questionnaire: Mapped[str] = mapped_column(String(40))
    questionnaire_version: Mapped[int]
    channel: Mapped[str] = mapped_column(String(10))
    language: Mapped[str] = mapped_column(String(8))
    # The answer to "Fik du hjælp til at svare?", copied here so results can be split by it.
    assisted: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default=DRAFT)
    # The Monday of the ISO week of the last change: never a day, never a time of day.
    answered_week: Mapped[date]
    # Hash of the secret that lets the respondent's own session (or link) resume the draft;
    # cleared when the response is closed, so nothing can reopen it.
    draft_key_hash: Mapped[str | None] = mapped_column(String(64), unique=True)

    answers: Mapped[list["Answer"]] = relationship(
        back_populates="response", cascade="all, delete-orphan", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<Response {self.id} {self.status}>"


class Answer(db.Model):
    __table_args__ = (UniqueConstraint("response_id", "question_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"))
    question_key: Mapped[str] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(Text)

    response: Mapped[Response] = relationship(back_populates="answers")
