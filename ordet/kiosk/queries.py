"""What staff pages read about tablets."""

from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import Select, func

from ..extensions import db
from .models import Device


def limit_hits(
    tilbud_ids: Iterable[int] | Select, first_day: date | None = None, last_day: date | None = None
) -> dict[int, tuple[date, int]]:
    """Per tilbud (``tilbud_ids``: ids or a scope's select), the latest week (its Monday) in
    which a tablet of it was refused a response sent too soon after the last (``kiosk.pace``),
    with its tablets' refusals that week. Given days, only weeks that overlap ``first_day`` to
    ``last_day`` (e.g. a round's).

    Revoked tablets count: the flag is about what happened at the tilbud.
    """
    week = Device.limit_week
    query = (
        db.select(Device.tilbud_id, week, func.sum(Device.limit_hits))
        .where(Device.tilbud_id.in_(tilbud_ids), week.is_not(None))
        .group_by(Device.tilbud_id, week)
    )
    if first_day is not None:
        query = query.where(week >= first_day - timedelta(days=first_day.weekday()))
    if last_day is not None:
        query = query.where(week <= last_day)
    found: dict[int, tuple[date, int]] = {}
    for tilbud_id, monday, hits in db.session.execute(query):
        if tilbud_id not in found or monday > found[tilbud_id][0]:
            found[tilbud_id] = (monday, int(hits))
    return found
