"""What changes invitations. Plain functions: they flush, the caller commits once."""

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update

from ..extensions import db
from ..mail import OutboxMessage
from ..org.models import Tilbud
from ..rounds.models import CLOSED, Round
from ..security import hash_secret
from . import upload as parsing
from .mailing import queue_invitation_mail
from .models import (
    Invitation,
    InvitationPlan,
    InvitationTally,
    InvitationToken,
    InvitationUpload,
)

UPLOAD_HOURS = 2


class InvitationError(ValueError):
    """A request the invitation rules refuse; the message is shown to staff."""


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def find_by_token(token: str) -> Invitation | None:
    """The invitation a link belongs to. Always one indexed hash lookup, whatever the token."""
    return db.session.scalar(
        select(Invitation)
        .join(InvitationToken, InvitationToken.invitation_id == Invitation.id)
        .where(InvitationToken.token_hash == hash_secret(token[:200]))
    )


def invited_emails(round_id: int, tilbud_id: int, emails: set[str]) -> set[str]:
    taken: set[str] = set()
    chunk = sorted(emails)
    for start in range(0, len(chunk), 500):
        taken |= set(
            db.session.scalars(
                select(Invitation.email).where(
                    Invitation.round_id == round_id,
                    Invitation.tilbud_id == tilbud_id,
                    Invitation.email.in_(chunk[start : start + 500]),
                )
            )
        )
    return taken


def store_upload(
    user_id: int, round_: Round, tilbud: Tilbud, filename: str, data: bytes
) -> tuple[InvitationUpload, list[parsing.Row]]:
    """Parse a list and keep it on the server for the preview; ``UploadError`` if unreadable."""
    if round_.status(date.today()) == CLOSED:
        raise InvitationError(_l("Runden er lukket."))
    rows = parsing.parse(data, lambda emails: invited_emails(round_.id, tilbud.id, emails))
    db.session.execute(
        delete(InvitationUpload).where(
            InvitationUpload.created_at < _now() - timedelta(hours=UPLOAD_HOURS)
        )
    )
    stored = InvitationUpload(
        user_id=user_id,
        round_id=round_.id,
        tilbud_id=tilbud.id,
        created_at=_now(),
        filename=filename[:200],
        rows_json=json.dumps([row.as_dict() for row in rows], ensure_ascii=False),
    )
    db.session.add(stored)
    db.session.flush()
    return stored, rows


def load_upload(upload_id: int, user_id: int) -> tuple[InvitationUpload, list[parsing.Row]]:
    stored = db.session.get(InvitationUpload, upload_id)
    if (
        stored is None
        or stored.user_id != user_id
        or stored.created_at < _now() - timedelta(hours=UPLOAD_HOURS)
    ):
        raise InvitationError(_l("Listen er udløbet. Upload filen igen."))
    return stored, [parsing.Row(**row) for row in json.loads(stored.rows_json)]


def plan_for(round_id: int, tilbud_id: int) -> InvitationPlan | None:
    return db.session.get(InvitationPlan, (round_id, tilbud_id))


def import_upload(stored: InvitationUpload, rows: list[parsing.Row], today: date) -> int:
    """Create an invitation and queue its mail for every valid row, then drop the upload."""
    round_ = db.session.get(Round, stored.round_id)
    tilbud = db.session.get(Tilbud, stored.tilbud_id)
    if not round_.is_open(today):
        raise InvitationError(_l("Runden er ikke åben. Invitationer kan sendes, mens den er åben."))
    valid = [row for row in rows if row.status == parsing.VALID]
    # Someone may have imported the same people since the preview.
    taken = invited_emails(round_.id, tilbud.id, {row.email for row in valid})
    plan = plan_for(round_.id, tilbud.id)
    tally_for(round_.id, tilbud.id)
    created = 0
    for row in valid:
        if row.email in taken:
            continue
        invitation = Invitation(
            round_id=round_.id,
            tilbud_id=tilbud.id,
            email=row.email,
            name=row.name or None,
            relation=row.relation or None,
            invited_on=today,
        )
        db.session.add(invitation)
        db.session.flush()
        queue_invitation_mail(invitation, round_, tilbud, plan, "invitation")
        created += 1
    db.session.delete(stored)
    db.session.flush()
    return created


def save_plan(
    round_: Round,
    tilbud: Tilbud,
    contact: str,
    first: date | None,
    second: date | None,
    today: date,
) -> InvitationPlan:
    """Reminder dates (one or two, within the round) and the contact named in every mail.

    A new or moved date must be today or later: a date already past would never send (or
    send at once). A past date that is kept as it was (its reminder has run) stays.
    """
    if second and not first:
        first, second = second, None
    for day in (first, second):
        if day and not round_.opens_on <= day <= round_.closes_on:
            raise InvitationError(_l("Påmindelser skal ligge, mens runden er åben."))
    if first and second and second <= first:
        raise InvitationError(_l("Anden påmindelse skal ligge efter den første."))
    plan = plan_for(round_.id, tilbud.id)
    kept = {plan.first_reminder_on, plan.second_reminder_on} if plan else set()
    if any(day and day < today and day not in kept for day in (first, second)):
        raise InvitationError(
            _l("En påmindelse kan ikke ligge før i dag. Vælg i dag eller en senere dato.")
        )
    if plan is None:
        plan = InvitationPlan(round_id=round_.id, tilbud_id=tilbud.id)
        db.session.add(plan)
    plan.contact, plan.first_reminder_on, plan.second_reminder_on = contact.strip(), first, second
    db.session.flush()
    return plan


def reminders_over(plan: InvitationPlan, today: date) -> bool:
    """Whether the plan has reminders and all of them have run: a list imported now gets none."""
    days = [d for d in (plan.first_reminder_on, plan.second_reminder_on) if d]
    return bool(days) and all(day < today for day in days)


@dataclass(frozen=True)
class ReminderReport:
    first: int
    second: int
    # Per organisation: [first, second] reminders mailed (each organisation's audit log).
    by_organisation: dict[int, list[int]] = field(default_factory=dict, compare=False)


def tally_for(round_id: int, tilbud_id: int) -> InvitationTally:
    """The list's counters, made when its first invitation is imported."""
    tally = db.session.get(InvitationTally, (round_id, tilbud_id))
    if tally is None:
        tally = InvitationTally(round_id=round_id, tilbud_id=tilbud_id)
        db.session.add(tally)
        db.session.flush()
    return tally


def queue_due_reminders(today: date) -> ReminderReport:
    """Queue reminders whose date has come, to invitations neither answered nor opted out.

    A reminder passes every invitation of the list invited before its date, answered or not,
    and mails only those who have not answered: so an invitation's reminder columns say
    nothing about when it was answered. The mails are counted on the list's tally.

    An invitation gets the latest reminder that is due for it, once: one imported after the
    first reminder's date gets the second (and none the day after its invitation), and a run
    that finds both dates passed sends one mail, not two.
    """
    counts = {1: 0, 2: 0}
    by_organisation: dict[int, list[int]] = {}
    plans = db.session.scalars(select(InvitationPlan)).all()
    for plan in plans:
        round_ = db.session.get(Round, plan.round_id)
        if not round_.is_open(today):
            continue
        tilbud = db.session.get(Tilbud, plan.tilbud_id)
        for number, due in ((2, plan.second_reminder_on), (1, plan.first_reminder_on)):
            if due is None or due > today:
                continue
            passed = db.session.scalars(
                select(Invitation)
                .where(
                    Invitation.round_id == plan.round_id,
                    Invitation.tilbud_id == plan.tilbud_id,
                    Invitation.reminders_sent < number,
                    Invitation.invited_on < due,
                    Invitation.opted_out_on.is_(None),
                    Invitation.bounced_on.is_(None),
                    Invitation.purged_on.is_(None),
                )
                .order_by(Invitation.id)
            ).all()
            mailed = 0
            for invitation in passed:
                invitation.reminders_sent = number
                if number == 1:
                    invitation.first_reminder_on = today
                else:
                    invitation.second_reminder_on = today
                if not invitation.answered:
                    queue_invitation_mail(invitation, round_, tilbud, plan, "reminder")
                    mailed += 1
            if mailed:
                _count_reminders(plan.round_id, plan.tilbud_id, number, mailed)
            counts[number] += mailed
            by_organisation.setdefault(round_.organisation_id, [0, 0])[number - 1] += mailed
    db.session.flush()
    return ReminderReport(counts[1], counts[2], by_organisation)


def _count_reminders(round_id: int, tilbud_id: int, number: int, mailed: int) -> None:
    tally_for(round_id, tilbud_id)
    column = InvitationTally.first_reminders if number == 1 else InvitationTally.second_reminders
    db.session.execute(
        update(InvitationTally)
        .where(InvitationTally.round_id == round_id, InvitationTally.tilbud_id == tilbud_id)
        .values({column: column + mailed})
    )


def opt_out(invitation: Invitation, today: date) -> None:
    """No more mail to this person; unsent reminders to them are deleted. Idempotent.

    (A message already claimed by ``send-mail`` is on its way and goes when delivered.)
    """
    if invitation.opted_out_on is None:
        invitation.opted_out_on = today
    db.session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.ref == f"invitation:{invitation.id}",
            OutboxMessage.failed_at.is_(None),
            OutboxMessage.claimed_at.is_(None),
        )
    )
    db.session.flush()


def note_bounces(today: date) -> int:
    """Invitations whose mail was given up (refused for good) are marked bounced.

    The given-up messages are deleted once the bounce is recorded: their recipient, ``ref``
    and times would tell, like a sent one's, which mail this person got before answering.
    """
    given_up = (
        OutboxMessage.ref.like("invitation:%"),
        OutboxMessage.failed_at.is_not(None),
    )
    refs = db.session.scalars(select(OutboxMessage.ref).where(*given_up)).all()
    ids = {int(ref.split(":", 1)[1]) for ref in refs}
    if not ids:
        return 0
    result = db.session.execute(
        update(Invitation)
        .where(Invitation.id.in_(ids), Invitation.bounced_on.is_(None))
        .values(bounced_on=today)
    )
    db.session.execute(delete(OutboxMessage).where(*given_up, OutboxMessage.ref.in_(set(refs))))
    db.session.flush()
    return result.rowcount or 0
