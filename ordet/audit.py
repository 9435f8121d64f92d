"""The audit log: who did what and when. Rows are only ever added, never changed."""

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .extensions import db


class AuditEvent(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # Staff actions carry a time of day; respondents' actions are never audited.
    at: Mapped[datetime] = mapped_column(index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[str] = mapped_column(Text, default="")


def record_event(
    user_id: int | None, action: str, target: str = "", detail: dict[str, Any] | None = None
) -> AuditEvent:
    """Add an entry in the current transaction: it is kept exactly when the change is."""
    event = AuditEvent(
        at=datetime.now(UTC).replace(tzinfo=None),
        user_id=user_id,
        action=action,
        target=target[:200],
        detail=json.dumps(detail or {}, ensure_ascii=False, sort_keys=True),
    )
    db.session.add(event)
    db.session.flush()
    return event
