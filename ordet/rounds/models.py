"""A round ("Ordet er dit 2025") and what takes part in it."""

from datetime import date

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db

PLANNED, OPEN, CLOSED = "planlagt", "aaben", "lukket"


def status_on(today: date, opens_on: date, closes_on: date, closed_early: bool) -> str:
    """A round's status from its dates (also for the answering hot path, which reads no ORM)."""
    if closed_early or today > closes_on:
        return CLOSED
    return OPEN if today >= opens_on else PLANNED


class Round(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    opens_on: Mapped[date]
    closes_on: Mapped[date]
    # Closing early keeps the planned dates for the record.
    closed_early: Mapped[bool] = mapped_column(default=False)
    # The national round this round takes part in (its core questions count nationally).
    national_round_id: Mapped[int | None] = mapped_column(
        ForeignKey("national_round.id"), index=True
    )

    questionnaires: Mapped[list["RoundQuestionnaire"]] = relationship(
        back_populates="round", cascade="all, delete-orphan"
    )
    participants: Mapped[list["RoundTilbud"]] = relationship(
        back_populates="round", cascade="all, delete-orphan"
    )

    def status(self, today: date) -> str:
        return status_on(today, self.opens_on, self.closes_on, self.closed_early)

    def is_open(self, today: date) -> bool:
        return self.status(today) == OPEN

    def version_of(self, variant: str) -> int | None:
        return next((q.version for q in self.questionnaires if q.variant == variant), None)

    def __repr__(self) -> str:
        return f"<Round {self.slug}>"


class RoundQuestionnaire(db.Model):
    """The questionnaire version a round uses for one variant (borger, unge, paaroerende)."""

    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), primary_key=True)
    variant: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int]

    round: Mapped[Round] = relationship(back_populates="questionnaires")


class RoundTilbud(db.Model):
    """A tilbud in a round, with the number of borgere it serves (for response rates)."""

    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), primary_key=True)
    tilbud_id: Mapped[int] = mapped_column(ForeignKey("tilbud.id"), primary_key=True, index=True)
    borgere_served: Mapped[int | None]

    round: Mapped[Round] = relationship(back_populates="participants")
