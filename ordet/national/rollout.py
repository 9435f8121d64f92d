"""Rollout tracking 2025-2027: per institution, its planned start, rounds held, responses and
status. (A first version: the rollout engineer owns and refines this module.)"""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..org.models import Organisation, Specialomraade, Tilbud
from .models import Institution

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


def rollout_rows(today: date) -> list[RolloutRow]:
    """Every institution of the rollout, by operator and name."""
    rows = db.session.execute(
        select(Institution, Tilbud.name, Organisation.name)
        .join(Tilbud, Tilbud.id == Institution.tilbud_id)
        .join(Specialomraade, Specialomraade.id == Tilbud.specialomraade_id)
        .join(Organisation, Organisation.id == Specialomraade.organisation_id)
        .order_by(Organisation.name, Tilbud.name)
    ).all()
    return [
        RolloutRow(
            institution.tilbud_id,
            name,
            operator,
            institution.planned_year,
            institution.planned_quarter,
            0,
            None,
            PLANNED,
        )
        for institution, name, operator in rows
    ]
