"""What staff pages read about the tablets' outboxes, and what they may do with it."""

from sqlalchemy import delete, func, select

from ..extensions import db
from .models import OfflineKept


def kept_count(tilbud_id: int) -> int:
    """Responses from this tilbud's tablets the server kept instead of storing."""
    found = select(func.count()).where(OfflineKept.tilbud_id == tilbud_id)
    return db.session.scalar(found) or 0


def discard_kept(tilbud_id: int) -> int:
    """Delete the responses kept (held back) from this tilbud's tablets; returns how many.
    They were never counted: results do not change."""
    gone = db.session.execute(delete(OfflineKept).where(OfflineKept.tilbud_id == tilbud_id))
    return gone.rowcount
