"""After a round's retention ends, pårørende emails and names go; only counts remain."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import delete, select, update

from ..extensions import db
from ..mail import OutboxMessage
from ..rounds.models import Round
from .models import Invitation, InvitationToken, InvitationUpload


@dataclass(frozen=True)
class PurgeReport:
    rounds: int
    invitations: int
    # Invitations purged per organisation (each organisation's audit log).
    by_organisation: dict[int, int] = field(default_factory=dict)


def purge(today: date, retention_days: int) -> PurgeReport:
    """Empty email, name and relation of invitations in rounds closed ``retention_days`` ago.

    Their link hashes and every outbox message to them go too, and any upload left
    between preview and import. The rows stay, so invited/answered counts still add up.
    """
    cutoff = today - timedelta(days=retention_days)
    rounds = db.session.scalars(select(Round).where(Round.closes_on < cutoff)).all()
    round_ids = [round_.id for round_ in rounds]
    count = 0
    by_organisation: dict[int, int] = {}
    if round_ids:
        organisation_of = {round_.id: round_.organisation_id for round_ in rounds}
        found = db.session.execute(
            select(Invitation.id, Invitation.round_id).where(
                Invitation.round_id.in_(round_ids), Invitation.purged_on.is_(None)
            )
        ).all()
        ids = [invitation_id for invitation_id, _round in found]
        for _id, round_id in found:
            organisation = organisation_of[round_id]
            by_organisation[organisation] = by_organisation.get(organisation, 0) + 1
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            db.session.execute(
                delete(InvitationToken).where(InvitationToken.invitation_id.in_(chunk))
            )
            db.session.execute(
                delete(OutboxMessage).where(
                    OutboxMessage.ref.in_([f"invitation:{i}" for i in chunk])
                )
            )
            db.session.execute(
                update(Invitation)
                .where(Invitation.id.in_(chunk))
                .values(email=None, name=None, relation=None, purged_on=today)
            )
        count = len(ids)
        db.session.execute(delete(InvitationUpload).where(InvitationUpload.round_id.in_(round_ids)))
    stale = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=1)
    db.session.execute(delete(InvitationUpload).where(InvitationUpload.created_at < stale))
    db.session.flush()
    return PurgeReport(len(round_ids), count, by_organisation)
