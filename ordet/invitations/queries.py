"""Counts for staff: invited, answered, opted out, bounced — never who answered what.

Every function takes the ``tilbud_ids`` SELECT from ``Scope.tilbud_ids`` and filters on it.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, case, func, select

from ..answering.models import COMPLETE, LINK, Response
from ..extensions import db
from ..org.models import Specialomraade, Tilbud
from ..rounds.models import Round, RoundTilbud
from .models import Invitation, InvitationTally

# Counts the answered invitations (``count`` skips the NULL of the other rows).
ANSWERED = func.count(case((Invitation.answered, 1)))


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
        ANSWERED,
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
        select(Invitation.tilbud_id, func.count(Invitation.id), ANSWERED)
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
    """Per tilbud with invitations: answers by reminder stage and by week (the rollout question).

    The stages come from the list's tally and the weeks from the link responses themselves:
    an invitation records neither when it was answered nor after how many reminders.
    """
    invited = dict(
        db.session.execute(
            select(Invitation.tilbud_id, func.count())
            .where(Invitation.round_id == round_id, Invitation.tilbud_id.in_(tilbud_ids))
            .group_by(Invitation.tilbud_id)
        ).all()
    )
    tallies = {
        tilbud_id: counts
        for tilbud_id, *counts in db.session.execute(
            select(
                InvitationTally.tilbud_id,
                InvitationTally.first_reminders,
                InvitationTally.second_reminders,
                InvitationTally.answered_before_reminders,
                InvitationTally.answered_after_first,
                InvitationTally.answered_after_second,
            ).where(InvitationTally.round_id == round_id, InvitationTally.tilbud_id.in_(tilbud_ids))
        )
    }
    weeks = _link_answers_by_week(round_id, tilbud_ids)
    names = dict(
        db.session.execute(select(Tilbud.id, Tilbud.name).where(Tilbud.id.in_(list(invited)))).all()
    )
    rows = [
        PilotRow(
            name,
            invited[tilbud_id],
            *tallies.get(tilbud_id, (0, 0, 0, 0, 0)),
            dict(sorted(weeks.get(tilbud_id, {}).items())),
        )
        for tilbud_id, name in names.items()
    ]
    return sorted(rows, key=lambda row: row.tilbud)


def _link_answers_by_week(round_id: int, tilbud_ids: Select) -> dict[int, dict[date, int]]:
    """{tilbud id: {Monday: finished link responses that week}}."""
    found: dict[int, dict[date, int]] = {}
    query = (
        select(Response.tilbud_id, Response.answered_week, func.count())
        .where(
            Response.round_id == round_id,
            Response.tilbud_id.in_(tilbud_ids),
            Response.channel == LINK,
            Response.status == COMPLETE,
        )
        .group_by(Response.tilbud_id, Response.answered_week)
    )
    for tilbud_id, week, n in db.session.execute(query):
        found.setdefault(tilbud_id, {})
        found[tilbud_id][week] = found[tilbud_id].get(week, 0) + n
    return found


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
