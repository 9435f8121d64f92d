"""What staff pages read about the tablets' outboxes."""

from sqlalchemy import func, select

from ..extensions import db
from .models import OfflineKept


def kept_count(tilbud_id: int) -> int:
    """Responses from this tilbud's tablets the server kept instead of storing."""
    found = select(func.count()).where(OfflineKept.tilbud_id == tilbud_id)
    return db.session.scalar(found) or 0
