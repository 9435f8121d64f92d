"""Invitations are staff-side records of *who was asked*; they never point at a response.

An invitation records only *whether* it was answered (reminders skip those who did), never
when, nor after how many reminders: joined with a response's date, tilbud and channel, either
had singled out one person's answers. What the pilot view needs about the reminders' effect
is counted per list instead (``InvitationTally``), in the transaction that marks the answer.

Dates kept, and why each is set at a time unrelated to answering: ``invited_on`` (the import),
the reminder dates (the day the list's reminder run passed this invitation, whether or not it
had answered by then), ``opted_out_on``, ``bounced_on`` and ``purged_on``.
``tests/test_no_join.py`` holds the list and fails on a new date column or a key to a response.

Nor do the links and mails keep the count: each mail had its own token, so ``mark_answered``
deletes all of an answered invitation's tokens, and the outbox forgets a message once it is
delivered (``ordet/mail.py``).
"""

import secrets
from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
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
    # The list's reminders this invitation has passed, and the days they ran. Set for answered
    # invitations too (they just get no mail), so that these say nothing about when it was
    # answered; the mail went only to those who had not answered by then.
    reminders_sent: Mapped[int] = mapped_column(default=0)
    first_reminder_on: Mapped[date | None]
    second_reminder_on: Mapped[date | None]
    answered: Mapped[bool] = mapped_column(default=False)
    opted_out_on: Mapped[date | None]
    bounced_on: Mapped[date | None]
    purged_on: Mapped[date | None]

    tokens: Mapped[list["InvitationToken"]] = relationship(
        back_populates="invitation", cascade="all, delete-orphan", passive_deletes=True
    )


def random_token_id() -> int:
    """A random positive 63-bit key: collisions are negligible at any list size."""
    return secrets.randbits(63) or 1


class InvitationToken(db.Model):
    """The hash of one emailed link. Each mail carries a fresh random token; all stay valid
    until the invitation is answered, when ``mark_answered`` deletes every one of them.

    The key is random, not a sequence: the tokens of those who have not answered stay, and
    with sequential keys the gaps the deleted ones leave between them would tell which
    reminders an answered invitation had got. (On SQLite the column is the rowid itself,
    so no hidden sequence is left either.)
    """

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"),
        primary_key=True,
        autoincrement=False,
        default=random_token_id,
    )
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


class InvitationTally(db.Model):
    """Per round and tilbud (one invitation list): counts only, never per invitation.

    How many answered before any reminder, after the first and after the second (counted in
    the transaction that marks an invitation answered), and how many reminder mails went out.
    """

    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), primary_key=True)
    tilbud_id: Mapped[int] = mapped_column(ForeignKey("tilbud.id"), primary_key=True)
    answered_before_reminders: Mapped[int] = mapped_column(default=0)
    answered_after_first: Mapped[int] = mapped_column(default=0)
    answered_after_second: Mapped[int] = mapped_column(default=0)
    first_reminders: Mapped[int] = mapped_column(default=0)
    second_reminders: Mapped[int] = mapped_column(default=0)


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
