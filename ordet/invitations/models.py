"""Invitations are staff-side records of *who was asked*; they never point at a response.

Dates kept, and why: ``invited_on`` and the reminder dates (when mail was queued), and the
*week* an invitation was answered plus how many reminders it had had by then. That is what
the pilot view needs (rate over time and before/after each reminder); a week rather than a
day makes it harder to line an invitation up with a response's date.
"""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class Invitation(db.Model):
    __table_args__ = (
        UniqueConstraint("round_id", "tilbud_id", "email"),
        Index("ix_invitation_round_tilbud", "round_id", "tilbud_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"))
    tilbud_id: Mapped[int] = mapped_column(ForeignKey("tilbud.id"))
    # Personal data: emptied by ``purge`` when the round's retention ends.
    email: Mapped[str | None] = mapped_column(String(254))
    name: Mapped[str | None] = mapped_column(String(200))
    relation: Mapped[str | None] = mapped_column(String(100))
    invited_on: Mapped[date]
    reminders_sent: Mapped[int] = mapped_column(default=0)
    first_reminder_on: Mapped[date | None]
    second_reminder_on: Mapped[date | None]
    answered_week: Mapped[date | None]  # the Monday of the week it was answered
    answered_after_reminders: Mapped[int | None]
    opted_out_on: Mapped[date | None]
    bounced_on: Mapped[date | None]
    purged_on: Mapped[date | None]

    tokens: Mapped[list["InvitationToken"]] = relationship(
        back_populates="invitation", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def answered(self) -> bool:
        return self.answered_week is not None


class InvitationToken(db.Model):
    """The hash of one emailed link. Each mail carries a fresh random token; all stay valid."""

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("invitation.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)

    invitation: Mapped[Invitation] = relationship(back_populates="tokens")


class InvitationPlan(db.Model):
    """Per round and tilbud: who pårørende may contact, and the reminder dates staff chose."""

    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), primary_key=True)
    tilbud_id: Mapped[int] = mapped_column(ForeignKey("tilbud.id"), primary_key=True)
    contact: Mapped[str] = mapped_column(String(300), default="")
    first_reminder_on: Mapped[date | None]
    second_reminder_on: Mapped[date | None]


class InvitationUpload(db.Model):
    """A parsed list between preview and "Importér", kept on the server, never in the form.

    Only its uploader may import it, within ``UPLOAD_HOURS``; import deletes it, and
    ``purge`` removes any left behind.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"))
    tilbud_id: Mapped[int] = mapped_column(ForeignKey("tilbud.id"))
    created_at: Mapped[datetime]
    filename: Mapped[str] = mapped_column(String(200), default="")
    rows_json: Mapped[str] = mapped_column(Text)
