"""The audit log: who did what and when. Rows are only added, never changed; the retention
deletes them when it is set.

Every event belongs to the organisation it concerns, fixed when it is recorded: an admin's
log shows the events of their organisations, whoever did them (a user whose roles were
withdrawn since, a tablet, the command line). An event that concerns several organisations
(deactivating a user with roles in two) is recorded once for each. Events never carry
respondent data. ``AUDIT_RETENTION_DAYS`` (unset: kept) limits how long events are shown
and, through ``flask purge``, kept.
"""

import json
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ForeignKey, String, Text, delete, func, select
from sqlalchemy.orm import Mapped, mapped_column

from .extensions import db


class AuditEvent(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # Staff actions carry a time of day; respondents' actions are never audited.
    at: Mapped[datetime] = mapped_column(index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    # None only for an event that concerns no organisation (a password set by a user
    # without roles) or one recorded before organisations were stored and not derivable.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[str] = mapped_column(Text, default="")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def record_event(
    user_id: int | None,
    action: str,
    target: str = "",
    detail: dict[str, Any] | None = None,
    *,
    organisation_id: int | None,
) -> AuditEvent:
    """Add an entry in the current transaction: it is kept exactly when the change is.

    ``organisation_id`` is required, so no caller can forget whose log the event is in.
    """
    event = AuditEvent(
        at=_now(),
        user_id=user_id,
        organisation_id=organisation_id,
        action=action,
        target=target[:200],
        detail=json.dumps(detail or {}, ensure_ascii=False, sort_keys=True),
    )
    db.session.add(event)
    db.session.flush()
    return event


def record_for_each(
    organisation_ids: Iterable[int],
    user_id: int | None,
    action: str,
    target: str = "",
    detail: dict[str, Any] | None = None,
) -> None:
    """The same event in each organisation's log; once without one if there are none."""
    for organisation_id in sorted(set(organisation_ids)) or [None]:
        record_event(user_id, action, target, detail, organisation_id=organisation_id)


def kept_since(retention_days: int | None, now: datetime | None = None) -> datetime | None:
    """The oldest time an event is still kept (and shown); None when there is no limit."""
    if retention_days is None:
        return None
    return (now or _now()) - timedelta(days=retention_days)


def purge_events(retention_days: int | None, now: datetime | None = None) -> Counter:
    """Delete events older than the retention; how many went, per organisation."""
    cutoff = kept_since(retention_days, now)
    if cutoff is None:
        return Counter()
    old = AuditEvent.at < cutoff
    counts = Counter(
        dict(
            db.session.execute(
                select(AuditEvent.organisation_id, func.count())
                .where(old)
                .group_by(AuditEvent.organisation_id)
            ).all()
        )
    )
    db.session.execute(delete(AuditEvent).where(old))
    db.session.flush()
    return counts
