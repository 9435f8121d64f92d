"""What the staff home and the live overview read. Every query filters through ``Scope``."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func

from ..answering.models import COMPLETE, KIOSK, LINK, PARTIAL, Response
from ..audit import AuditEvent, kept_since
from ..auth.models import User
from ..auth.permissions import AUDIT_READ, RESULTS_READ
from ..auth.scope import Scope
from ..extensions import db
from ..org.models import Specialomraade, Tilbud
from ..results.presentation import rounded
from ..rounds.models import Round, RoundTilbud


@dataclass
class Line:
    name: str
    served: int = 0
    kiosk: int = 0
    link: int = 0
    unknown_served: bool = False
    tilbud_id: int | None = None
    tilbud: list["Line"] = field(default_factory=list)

    @property
    def rate(self) -> int | None:
        """Kiosk answers per borger served, in whole percent; None when not known."""
        if self.unknown_served or not self.served:
            return None
        return int(rounded(100 * self.kiosk / self.served))  # half up: 1 of 8 is 13 %


def rounds_in_scope(scope: Scope, today: date) -> list[Round]:
    """Rounds of the user's organisations; open ones first, newest first."""
    orgs = scope.organisation_ids(RESULTS_READ) or {-1}
    found = db.session.scalars(
        db.select(Round).where(Round.organisation_id.in_(orgs)).order_by(Round.opens_on.desc())
    ).all()
    return sorted(found, key=lambda r: not r.is_open(today))


def live_overview(scope: Scope, round_: Round) -> list[Line]:
    """Per specialområde, its visible tilbud in the round: answers so far (counts only)."""
    done = Response.status.in_((COMPLETE, PARTIAL))
    counts = (
        db.select(
            Response.tilbud_id,
            func.sum(case((Response.channel == KIOSK, 1), else_=0)).label("kiosk"),
            func.sum(case((Response.channel == LINK, 1), else_=0)).label("link"),
        )
        .where(Response.round_id == round_.id, done)
        .group_by(Response.tilbud_id)
        .subquery()
    )
    rows = db.session.execute(
        db.select(
            Specialomraade.name,
            Tilbud.id,
            Tilbud.name,
            RoundTilbud.borgere_served,
            func.coalesce(counts.c.kiosk, 0),
            func.coalesce(counts.c.link, 0),
        )
        .join(Tilbud, Tilbud.id == RoundTilbud.tilbud_id)
        .join(Specialomraade, Specialomraade.id == Tilbud.specialomraade_id)
        .outerjoin(counts, counts.c.tilbud_id == Tilbud.id)
        .where(
            RoundTilbud.round_id == round_.id,
            RoundTilbud.tilbud_id.in_(scope.tilbud_ids(RESULTS_READ)),
        )
        .order_by(Specialomraade.name, Tilbud.name)
    ).all()
    areas: dict[str, Line] = {}
    for area_name, tilbud_id, name, served, kiosk, link in rows:
        line = Line(name, served or 0, int(kiosk), int(link), served is None, tilbud_id)
        area = areas.setdefault(area_name, Line(area_name))
        area.tilbud.append(line)
        area.served += line.served
        area.kiosk += line.kiosk
        area.link += line.link
        area.unknown_served = area.unknown_served or line.unknown_served
    return list(areas.values())


def audit_events(
    scope: Scope, page: int, retention_days: int | None, per_page: int = 50
) -> tuple[list, bool]:
    """The events of the admin's organisations within the retention, whoever did them (a
    tablet or the command line too), newest first, with the user's email (None without a
    user); and whether there is a next page."""
    query = (
        db.select(AuditEvent, User.email)
        .outerjoin(User, User.id == AuditEvent.user_id)
        .where(AuditEvent.organisation_id.in_(scope.organisation_ids(AUDIT_READ) or {-1}))
    )
    since = kept_since(retention_days)
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    rows = db.session.execute(
        query.order_by(AuditEvent.id.desc())
        .offset((max(page, 1) - 1) * per_page)
        .limit(per_page + 1)
    ).all()
    return rows[:per_page], len(rows) > per_page
