"""Danish labels the staff templates show: dates, grants, round status."""

from datetime import UTC, date, datetime

from flask_babel import format_date, format_time, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..auth.models import NATIONAL_ANALYST, Grant
from ..extensions import db
from ..org.models import Organisation, Specialomraade, Tilbud
from ..rounds.models import CLOSED, OPEN, Round

STATUS = {OPEN: _l("Åben"), CLOSED: _l("Lukket"), "planlagt": _l("Planlagt")}
VARIANTS = {"borger": _l("Borgere"), "unge": _l("Unge"), "paaroerende": _l("Pårørende")}


# One way to write a date on every page, from Babel's locale data ("1. januar 2026").
DATE_FORMAT = "long"


def staff_date(value: date | None) -> str:
    return format_date(value, DATE_FORMAT) if value else ""


def staff_datetime(value: datetime | None) -> str:
    """The date as ``staff_date`` writes it, then the time: "1. januar 2026 14:03:27"."""
    if not value:
        return ""
    return f"{format_date(value, DATE_FORMAT)} {format_time(value, 'HH:mm:ss')}"


def staff_clock() -> str:
    """The time now, in the organisation's time zone: "14:03"."""
    return format_time(datetime.now(UTC), "HH:mm")


def staff_week(monday: date | None) -> str:
    """ "uge 48, 2026": a week, by its Monday."""
    if monday is None:
        return ""
    iso = monday.isocalendar()
    return _("uge %(week)s, %(year)s", week=iso.week, year=iso.year)


def limit_flag(week: date, hits: int) -> str:
    """A tablet refused a response sent too soon after the last (``kiosk.pace``), in ``week``
    (its Monday), ``hits`` times that week."""
    iso = week.isocalendar()
    return ngettext(
        "Ramte grænsen for svar i uge %(week)s, %(year)s (%(num)s gang)",
        "Ramte grænsen for svar i uge %(week)s, %(year)s (%(num)s gange)",
        hits,
        week=iso.week,
        year=iso.year,
    )


def grant_label(grant: Grant) -> str:
    from ..auth.users import ROLE_NAMES

    unit = None
    if grant.organisation_id is not None:
        unit = db.session.get(Organisation, grant.organisation_id)
    elif grant.specialomraade_id is not None:
        unit = db.session.get(Specialomraade, grant.specialomraade_id)
    elif grant.tilbud_id is not None:
        unit = db.session.get(Tilbud, grant.tilbud_id)
    if unit is None and grant.role == NATIONAL_ANALYST:
        return str(ROLE_NAMES[NATIONAL_ANALYST])  # the national level, no organisation
    return f"{ROLE_NAMES.get(grant.role, grant.role)}: {unit.name if unit else '?'}"


def status_label(round_: Round, today: date) -> str:
    return str(STATUS[round_.status(today)])


def variant_name(variant: str) -> str:
    return str(VARIANTS.get(variant, variant))
