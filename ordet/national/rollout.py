"""Rollout tracking 2025-2027: per institution, its planned start, rounds held, responses and
status.

- Rounds held: its organisation's rounds that take part in a national round, include the
  institution and have opened (by ``today``).
- Status: "i gang" while such a round is open today; "gennemført" when at least one has
  opened and none is open now (all closed); "planlagt" while none has opened yet.
- Overdue: still "planlagt" after the planned quarter has ended.
- Responses: the respondents the newest national release of the institution's newest
  national round shows; None when that release hides them or there is none. Never a raw
  count: every number published goes through the anonymity model.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..org.models import Organisation, Specialomraade, Tilbud
from ..rounds.models import OPEN, Round, RoundTilbud
from .figures import NationalResults, national_results
from .models import Institution, NationalRound

PLANNED, RUNNING, DONE = "planlagt", "i_gang", "gennemfoert"
STATUS_LABELS = {PLANNED: _l("Planlagt"), RUNNING: _l("I gang"), DONE: _l("Gennemført")}


@dataclass(frozen=True)
class RolloutRow:
    tilbud_id: int
    institution: str
    operator: str
    planned_year: int
    planned_quarter: int
    rounds_held: int
    # Respondents as the newest national release shows them; None when it hides them.
    responses: int | None
    status: str
    # Still planned after the planned quarter ended.
    overdue: bool = False
    # The national round the responses are from (its name), if any.
    national_round: str | None = None
    # Whether a national release covers the institution (responses None and released: hidden).
    released: bool = False

    @property
    def planned_label(self) -> str:
        return planned_label(self.planned_year, self.planned_quarter)

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


def planned_label(year: int, quarter: int) -> str:
    """ "2025, 3. kvartal"."""
    return str(_l("%(year)s, %(quarter)s. kvartal", year=year, quarter=quarter))


def quarter_end(year: int, quarter: int) -> date:
    if quarter == 4:
        return date(year, 12, 31)
    return date(year, 3 * quarter + 1, 1) - timedelta(days=1)


def status_of(statuses: list[str]) -> str:
    """The institution's status from the statuses today of its rounds that have opened."""
    if OPEN in statuses:
        return RUNNING
    return DONE if statuses else PLANNED


def _rounds_by_tilbud(today: date) -> dict[int, list[Round]]:
    """Per institution, its organisation's taking-part rounds that include it and opened."""
    rows = db.session.execute(
        select(RoundTilbud.tilbud_id, Round)
        .join(Round, Round.id == RoundTilbud.round_id)
        .join(Tilbud, Tilbud.id == RoundTilbud.tilbud_id)
        .join(Specialomraade, Specialomraade.id == Tilbud.specialomraade_id)
        .join(Institution, Institution.tilbud_id == RoundTilbud.tilbud_id)
        .where(
            Round.national_round_id.is_not(None),
            Round.organisation_id == Specialomraade.organisation_id,
            Round.opens_on <= today,
        )
        .order_by(Round.opens_on, Round.id)
    ).all()
    found: dict[int, list[Round]] = {}
    for tilbud_id, round_ in rows:
        found.setdefault(tilbud_id, []).append(round_)
    return found


def _newest(rounds: list[Round], nationals: dict[int, NationalRound]) -> NationalRound | None:
    taking_part = [nationals[r.national_round_id] for r in rounds]
    return max(taking_part, key=lambda n: (n.year, n.id), default=None)


def _responses(national: NationalResults | None, tilbud_id: int) -> tuple[int | None, bool]:
    """(respondents shown, whether a national release covers the institution)."""
    if national is None or national.release is None:
        return None, False
    stats = national.responses.get(("tilbud", tilbud_id))
    if stats is None:
        return None, False
    return (None if stats.hidden else stats.n), True


def rollout_rows(today: date, known: dict[int, NationalResults] | None = None) -> list[RolloutRow]:
    """Every institution of the rollout, by operator and name. ``known``: national results
    the caller already has, by national round id (every institution's)."""
    rows = db.session.execute(
        select(Institution, Tilbud.name, Organisation.name)
        .join(Tilbud, Tilbud.id == Institution.tilbud_id)
        .join(Specialomraade, Specialomraade.id == Tilbud.specialomraade_id)
        .join(Organisation, Organisation.id == Specialomraade.organisation_id)
        .order_by(Organisation.name, Tilbud.name)
    ).all()
    held = _rounds_by_tilbud(today)
    nationals = {n.id: n for n in db.session.scalars(select(NationalRound))}
    figures: dict[int, NationalResults] = dict(known or {})
    out = []
    for institution, name, operator in rows:
        rounds = held.get(institution.tilbud_id, [])
        status = status_of([r.status(today) for r in rounds])
        national = _newest(rounds, nationals)
        if national is not None and national.id not in figures:
            figures[national.id] = national_results(national)
        responses, released = _responses(
            figures.get(national.id) if national else None, institution.tilbud_id
        )
        out.append(
            RolloutRow(
                institution.tilbud_id,
                name,
                operator,
                institution.planned_year,
                institution.planned_quarter,
                len(rounds),
                responses,
                status,
                overdue=status == PLANNED
                and today > quarter_end(institution.planned_year, institution.planned_quarter),
                national_round=national.name if national else None,
                released=released,
            )
        )
    return out
