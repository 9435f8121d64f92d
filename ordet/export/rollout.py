"""The Udrulning (rollout tracking) sheet: one row per tilbud in scope.

Status rule (also written in the sheet):
- "ikke startet": no finished response this round;
- "implementeret": a kiosk enrolled and a response rate of at least 50 %: complete kiosk
  responses from at least half the borgere served (or, when borgere served is unknown, at
  least the anonymity threshold of complete kiosk responses);
- "i gang": everything in between.

"Svarprocent" is the results overview's: complete kiosk responses over borgere served
(``results.queries.response_rate``); partial responses have their own column, and a rate above
100 % gets a written warning in "Bemærkning".
"""

from collections.abc import Iterable

from sqlalchemy import func, select

from ..answering.models import COMPLETE, PARTIAL, Response
from ..extensions import db
from ..invitations.queries import invited_and_answered
from ..kiosk.models import Device
from ..results.aggregate import RoundResults
from ..results.queries import (
    borgere_served,
    kiosk_complete,
    over_full,
    participation,
    response_rate,
)
from ..results.units import TILBUD
from ..rounds.models import Round, RoundQuestionnaire
from ..weeks import week_label
from .writer import INTEGER, PERCENT, Sheet

NOT_STARTED, STARTED, DONE = "ikke startet", "i gang", "implementeret"
RULE = (
    "Status: 'ikke startet' = ingen besvarelser i runden; 'implementeret' = mindst én kiosk "
    "tilmeldt og færdige kioskbesvarelser fra mindst halvdelen af de borgere, tilbuddet har "
    "(uden kendt antal borgere: mindst anonymitetsgrænsen); ellers 'i gang'. "
    "Svarprocent = færdige kioskbesvarelser / borgere; delvise besvarelser står for sig."
)
OVER_FULL = "Over 100 %: tjek antallet af borgere"


def invitation_counts(round_id: int, tilbud_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """{tilbud: (invited, answered)} for the pårørende pilot."""
    return invited_and_answered(round_id, list(tilbud_ids))


def _previous_round(round_: Round) -> Round | None:
    return db.session.scalar(
        select(Round)
        .where(Round.organisation_id == round_.organisation_id, Round.opens_on < round_.opens_on)
        .order_by(Round.opens_on.desc())
        .limit(1)
    )


def status(responses: int, kiosk: int, served: int | None, kiosks: int, threshold: int) -> str:
    """``kiosk``: complete kiosk responses (the numerator of the response rate)."""
    if responses == 0:
        return NOT_STARTED
    enough = kiosk * 2 >= served if served else kiosk >= threshold
    return DONE if kiosks and enough else STARTED


def rollout_sheet(round_: Round, results: RoundResults, tilbud_ids: list[int]) -> Sheet:
    counts = participation(round_.id, tilbud_ids)
    earlier = _previous_round(round_)
    before = participation(earlier.id, tilbud_ids) if earlier else {}
    served = borgere_served(round_.id, tilbud_ids)
    dates = dict(
        (t, (first, last))
        for t, first, last in db.session.execute(
            select(
                Response.tilbud_id,
                func.min(Response.answered_week),
                func.max(Response.answered_week),
            )
            .where(
                Response.round_id == round_.id,
                Response.tilbud_id.in_(tilbud_ids),
                Response.status.in_((COMPLETE, PARTIAL)),
            )
            .group_by(Response.tilbud_id)
        )
    )
    kiosks = dict(
        db.session.execute(
            select(Device.tilbud_id, func.count())
            .where(Device.tilbud_id.in_(tilbud_ids), Device.revoked_on.is_(None))
            .group_by(Device.tilbud_id)
        ).all()
    )
    invited = invitation_counts(round_.id, tilbud_ids)
    variants = set(
        db.session.scalars(
            select(RoundQuestionnaire.variant).where(RoundQuestionnaire.round_id == round_.id)
        )
    )
    tree = results.tree
    headers = [
        "Organisation",
        "Specialområde",
        "Tilbud",
        "Skemaer",
        "Første svar (uge)",
        "Seneste svar (uge)",
        "Svar denne runde",
        "Heraf delvise",
        "Svar sidste runde",
        "Borgere",
        "Svarprocent (færdige kioskbesvarelser / borgere)",
        "Pårørende inviteret",
        "Pårørende svar",
        "Svarprocent pårørende",
        "Kiosker tilmeldt",
        "Status",
        "Bemærkning",
    ]
    rows = []
    for key, unit in tree.units.items():
        if unit.kind != TILBUD or unit.id not in tilbud_ids:
            continue
        now = counts.get(unit.id, {})
        total = sum(sum(s.values()) for s in now.values())
        partial = sum(s.get(PARTIAL, 0) for s in now.values())
        kiosk = kiosk_complete(now)
        rate = response_rate(kiosk, served.get(unit.id))
        previous = sum(sum(s.values()) for s in before.get(unit.id, {}).values())
        inv, answered = invited.get(unit.id, (0, 0))
        first, last = dates.get(unit.id, (None, None))
        area = tree.units[tree.parent[key]].name
        active = sorted(v for v in now if v in variants)
        rows.append(
            [
                tree.root.name,
                area,
                unit.name,
                ", ".join(active),
                week_label(first) if first else None,
                week_label(last) if last else None,
                total,
                partial,
                previous if earlier else None,
                served.get(unit.id),
                rate,
                inv,
                answered,
                answered / inv if inv else None,
                kiosks.get(unit.id, 0),
                status(
                    total, kiosk, served.get(unit.id), kiosks.get(unit.id, 0), results.threshold
                ),
                OVER_FULL if over_full(rate) else None,
            ]
        )
    rows.sort(key=lambda r: (r[1], r[2]))
    formats = {
        6: INTEGER,
        7: INTEGER,
        8: INTEGER,
        9: INTEGER,
        10: PERCENT,
        11: INTEGER,
        12: INTEGER,
        13: PERCENT,
        14: INTEGER,
    }
    widths = [30, 30, 34, 18, 12, 12, 10, 10, 10, 10, 16, 12, 12, 12, 10, 14, 36]
    return Sheet("Udrulning", headers, rows, formats, widths, notes=[[], [RULE]])
