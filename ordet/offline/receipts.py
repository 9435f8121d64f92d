"""Let go of the receipts of outbox ids once they can no longer matter (``flask purge``).

A receipt (``OfflineReceipt``) exists so that a resend of a response already stored adds
nothing. A resend can be stored only while its round takes responses: until it closes plus
``KIOSK_OFFLINE_GRACE_DAYS``, and never after a round closed early (``intake``). After that, a
resend is kept for staff, not counted, so the receipt is deleted. This needs no date on the
receipt: it names the round the response named, as every response of the round does.
Receipts from before rounds were noted (``round_id`` None) are kept.
"""

from datetime import date, timedelta

from sqlalchemy import delete, select

from ..extensions import db
from ..rounds.models import Round
from .models import OfflineReceipt


def prune(today: date, grace_days: int) -> int:
    """Delete the receipts no resend can need any more; returns how many."""
    taking = select(Round.id).where(
        Round.closed_early.is_(False), Round.closes_on >= today - timedelta(days=grace_days)
    )
    gone = db.session.execute(
        delete(OfflineReceipt).where(
            OfflineReceipt.round_id.is_not(None), OfflineReceipt.round_id.not_in(taking)
        )
    )
    return gone.rowcount
