"""A tablet's allowance of responses: the server's own bound, whatever the tablet says.

A response from a tablet's offline outbox arrives long after it was answered, with a batch of
others, so the server cannot see when it was answered, and what the tablet says about that
cannot be trusted (anyone holding its device cookie can write it). So each tablet has an
allowance kept on its ``Device`` row, a token bucket: it refills at the online rate, one
response per ``KIOSK_MIN_SECONDS_BETWEEN_RESPONSES``, up to ``KIOSK_PACE_ALLOWANCE``, and every
response the tablet stores spends one, online or offline (so switching between them cannot
double the rate). With none left, an offline response is held back for staff and an online one
waits ("Vent et øjeblik"), and the tablet is flagged as for the online limit.

One column holds it (the generic cell rate algorithm): ``pace_full_at``, the moment at which the
allowance is full again; what is left is ``size - (full_at - now) / interval``. One UPDATE
spends only where one is left, in the caller's transaction: a second request at the same time
waits for the first's row lock and then reads what the first left (PostgreSQL re-reads the row
before it writes), so two cannot both spend the last one. A response that is not stored in the
end rolls its spending back with it.

Like the online limit, it is off when the interval is 0 or rate limits are disabled.
"""

import time

from flask import current_app
from sqlalchemy import case, select, update

from ..extensions import db
from .models import Device

DEVICE = Device.__table__


def spend(device_id: int, now: int | None = None) -> int | None:
    """Spend one response of the allowance of tablet ``device_id``. Returns None if spent (or
    there is no limit), else the seconds until one is left again (at least 1)."""
    interval, size = _settings()
    if interval <= 0:
        return None
    now = int(time.time()) if now is None else now
    full_at = DEVICE.c.pace_full_at
    # A full allowance (None, or a moment past) spends from now.
    base = case((full_at > now, full_at), else_=now)
    spent = db.session.execute(
        update(DEVICE)
        .where(DEVICE.c.id == device_id, base + interval <= now + size * interval)
        .values(pace_full_at=base + interval)
    )
    if spent.rowcount:
        return None
    found = db.session.scalar(select(full_at).where(DEVICE.c.id == device_id))
    if found is None:
        return interval
    return max(1, found + interval - now - size * interval)


def forget_full(now: int | None = None) -> int:
    """Clear the moment of every allowance that is full again (``purge``): it would only tell
    when the tablet last stored a response. Returns how many were cleared."""
    now = int(time.time()) if now is None else now
    cleared = db.session.execute(
        update(DEVICE).where(DEVICE.c.pace_full_at <= now).values(pace_full_at=None)
    )
    return cleared.rowcount


def _settings() -> tuple[int, int]:
    config = current_app.config
    if not config.get("RATELIMIT_ENABLED", True):
        return 0, 0
    interval = int(config["KIOSK_MIN_SECONDS_BETWEEN_RESPONSES"])
    return interval, max(1, int(config["KIOSK_PACE_ALLOWANCE"]))
