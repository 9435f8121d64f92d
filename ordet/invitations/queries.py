"""Counts for staff: invited, answered, opted out, bounced — never who answered what.

Every function takes the ``tilbud_ids`` SELECT from ``Scope.tilbud_ids`` and filters on it.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select

from ..extensions import db
from ..org.models import Specialomraade, Tilbud
from ..rounds.models import Round, RoundTilbud
from .models import Invitation


@dataclass(frozen=True)
class Counts:
    label: str
    invited: int
    answered: int
    opted_out: int
    bounced: int
    slug: str = ""

    @property
    def rate(self) -> float | None:
        return self.answered / self.invited if self.invited else None


def _totals():
    return (
        func.count(Invitation.id),
        func.count(Invitation.answered_week),
        func.count(Invitation.opted_out_on),
        func.count(Invitation.bounced_on),
    )


def counts_by_tilbud(round_id: int, tilbud_ids: Select) -> list[Counts]:
    """Every visible tilbud in the round, with zeros where nobody was invited yet."""
    invited = (
        select(Invitation.tilbud_id, *_totals())
        .where(Invitation.round_id == round_id, Invitation.tilbud_id.in_(tilbud_ids))
        .group_by(Invitation.tilbud_id)
    )
    found = {row[0]: row[1:] for row in db.session.execute(invited)}
    units = db.session.execute(
        select(Tilbud.id, Tilbud.name, Tilbud.slug)
        .join(RoundTilbud, RoundTilbud.tilbud_id == Tilbud.id)
        .where(RoundTilbud.round_id == round_id, Tilbud.id.in_(tilbud_ids))
        .order_by(Tilbud.name)
    ).all()
    return [Counts(name, *found.get(tid, (0, 0, 0, 0)), slug=slug) for tid, name, slug in units]


def invited_and_answered(round_id: int, tilbud_ids: list[int]) -> dict[int, tuple[int, int]]:
    """{tilbud id: (invited, answered)}; tilbud nobody was invited from are left out."""
    rows = db.session.execute(
        select(
            Invitation.tilbud_id, func.count(Invitation.id), func.count(Invitation.answered_week)
        )
        .where(Invitation.round_id == round_id, Invitation.tilbud_id.in_(tilbud_ids))
        .group_by(Invitation.tilbud_id)
    )
    return {tilbud_id: (int(invited), int(answered)) for tilbud_id, invited, answered in rows}


def counts_by_specialomraade(round_id: int, tilbud_ids: Select) -> list[Counts]:
    query = (
        select(Specialomraade.name, *_totals())
        .join(Tilbud, Tilbud.id == Invitation.tilbud_id)
        .join(Specialomraade, Specialomraade.id == Tilbud.specialomraade_id)
        .where(Invitation.round_id == round_id, Invitation.tilbud_id.in_(tilbud_ids))
        .group_by(Specialomraade.name)
        .order_by(Specialomraade.name)
    )
    return [Counts(*row) for row in db.session.execute(query)]


def tilbud_counts(round_id: int, tilbud_id: int) -> Counts:
    row = db.session.execute(
        select(*_totals()).where(Invitation.round_id == round_id, Invitation.tilbud_id == tilbud_id)
    ).one()
    return Counts("", *row)


@dataclass(frozen=True)
class PilotRow:
    tilbud: str
    invited: int
    reminded_once: int
    reminded_twice: int
    before_first: int
    after_first: int
    after_second: int
    by_week: dict[date, int]


def pilot(round_id: int, tilbud_ids: Select) -> list[PilotRow]:
    """Answers per tilbud by reminder stage and by week: the region's rollout question."""
    query = (
        select(
            Tilbud.name,
            Invitation.reminders_sent,
            Invitation.answered_after_reminders,
            Invitation.answered_week,
            func.count(),
        )
        .join(Tilbud, Tilbud.id == Invitation.tilbud_id)
        .where(Invitation.round_id == round_id, Invitation.tilbud_id.in_(tilbud_ids))
        .group_by(
            Tilbud.name,
            Invitation.reminders_sent,
            Invitation.answered_after_reminders,
            Invitation.answered_week,
        )
    )
    table: dict[str, dict] = {}
    for name, reminders, after, week, n in db.session.execute(query):
        row = table.setdefault(name, {"invited": 0, "r1": 0, "r2": 0, "a": [0, 0, 0], "w": {}})
        row["invited"] += n
        row["r1"] += n if reminders >= 1 else 0
        row["r2"] += n if reminders >= 2 else 0
        if week is not None:
            row["a"][min(after or 0, 2)] += n
            row["w"][week] = row["w"].get(week, 0) + n
    return [
        PilotRow(name, r["invited"], r["r1"], r["r2"], *r["a"], dict(sorted(r["w"].items())))
        for name, r in sorted(table.items())
    ]


def rounds_with_invitations(tilbud_ids: Select) -> list[Round]:
    """Rounds that use the pårørende questionnaire and include a visible tilbud."""
    from ..rounds.models import RoundQuestionnaire

    return list(
        db.session.scalars(
            select(Round)
            .join(RoundQuestionnaire, RoundQuestionnaire.round_id == Round.id)
            .join(RoundTilbud, RoundTilbud.round_id == Round.id)
            .where(
                RoundQuestionnaire.variant == "paaroerende", RoundTilbud.tilbud_id.in_(tilbud_ids)
            )
            .distinct()
            .order_by(Round.opens_on.desc())
        )
    )
