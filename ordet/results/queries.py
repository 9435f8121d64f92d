"""Reads for the results pages: rounds a user may see, and the live participation."""

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import func, select

from ..answering.models import COMPLETE, PARTIAL
from ..extensions import db
from ..rounds.models import Round, RoundTilbud
from .models import RESPONSES_KEY, ResultCount

PAAROERENDE = "paaroerende"  # the one questionnaire not answered by the borgere


def visible_rounds(organisation_ids: Iterable[int]) -> list[Round]:
    ids = list(organisation_ids)
    return list(
        db.session.scalars(
            select(Round).where(Round.organisation_id.in_(ids)).order_by(Round.opens_on.desc())
        )
    )


def participation(round_id: int, tilbud_select) -> dict[int, dict[str, dict[str, int]]]:
    """{tilbud id: {variant: {"complete": n, "partial": n}}} within ``tilbud_select`` (scope)."""
    rows = db.session.execute(
        select(
            ResultCount.tilbud_id,
            ResultCount.questionnaire,
            ResultCount.value,
            func.sum(ResultCount.count),
        )
        .where(
            ResultCount.round_id == round_id,
            ResultCount.question_key == RESPONSES_KEY,
            ResultCount.tilbud_id.in_(tilbud_select),
        )
        .group_by(ResultCount.tilbud_id, ResultCount.questionnaire, ResultCount.value)
    )
    found: dict[int, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for tilbud_id, variant, status, n in rows:
        found[tilbud_id][variant][status] = int(n)
    return found


def borgere_served(round_id: int, tilbud_select) -> dict[int, int | None]:
    rows = db.session.execute(
        select(RoundTilbud.tilbud_id, RoundTilbud.borgere_served).where(
            RoundTilbud.round_id == round_id, RoundTilbud.tilbud_id.in_(tilbud_select)
        )
    )
    return {tilbud_id: served for tilbud_id, served in rows}


def overview_rows(round_: Round, visible, scope, permission: str) -> list[dict]:
    """Participation per specialområde and tilbud (within scope), with response rates."""
    from .units import org_tree

    tree = org_tree(round_.organisation_id)
    counts = participation(round_.id, visible)
    served = borgere_served(round_.id, visible)
    rows: list[dict] = []
    for area_key in tree.children[tree.root.key]:
        tilbud_rows = []
        for key in tree.children[area_key]:
            if key[1] not in served and key[1] not in counts:
                continue
            by_variant = counts.get(key[1], {})
            tilbud_rows.append(_row(tree.units[key], by_variant, served.get(key[1])))
        if not tilbud_rows:
            continue
        area = _sum_rows(tree.units[area_key], tilbud_rows)
        area["whole"] = scope.allows_specialomraade(area_key[1], permission)
        rows.append(area)
        rows.extend(tilbud_rows)
    return rows


def kiosk_complete(by_variant: dict) -> int:
    """Complete responses to the borgere's own questionnaires (the kiosk ones, not pårørende):
    the numerator of the response rate."""
    return sum(s.get(COMPLETE, 0) for v, s in by_variant.items() if v != PAAROERENDE)


def response_rate(complete: int, served: int | None) -> float | None:
    """Svarprocent: complete kiosk responses over the borgere the tilbud serves. Partial
    responses are not in it (they are counted on their own); above 1 the number of borgere is
    probably wrong, and the pages say so (``over_full``)."""
    return complete / served if served else None


def over_full(rate: float | None) -> bool:
    return rate is not None and rate > 1


def _row(unit, by_variant: dict, served: int | None) -> dict:
    per_variant = {v: sum(s.values()) for v, s in by_variant.items()}
    complete = sum(s.get(COMPLETE, 0) for s in by_variant.values())
    partial = sum(s.get(PARTIAL, 0) for s in by_variant.values())
    rate = response_rate(kiosk_complete(by_variant), served)
    return {
        "unit": unit,
        "variants": per_variant,
        "complete": complete,
        "partial": partial,
        "served": served,
        "kiosk_complete": kiosk_complete(by_variant),
        "rate": rate,
        "over_full": over_full(rate),
    }


def _sum_rows(unit, rows: list[dict]) -> dict:
    """An area's row: sums of its tilbud; its rate only over the tilbud whose borgere are known
    (a tilbud without that number would add answers and no borgere)."""
    variants: dict[str, int] = defaultdict(int)
    for row in rows:
        for v, n in row["variants"].items():
            variants[v] += n
    known = [r for r in rows if r["served"]]
    served = sum(r["served"] for r in known)
    rate = response_rate(sum(r["kiosk_complete"] for r in known), served)
    return {
        "unit": unit,
        "variants": dict(variants),
        "complete": sum(r["complete"] for r in rows),
        "partial": sum(r["partial"] for r in rows),
        "served": served or None,
        "kiosk_complete": sum(r["kiosk_complete"] for r in rows),
        "rate": rate,
        "over_full": over_full(rate),
    }
