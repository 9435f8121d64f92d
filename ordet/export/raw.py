"""Comments and raw-data sheets: streamed from the database, only groups at the threshold."""

from collections.abc import Iterator

from sqlalchemy import select

from ..answering.models import COMPLETE, PARTIAL, Answer, Response
from ..extensions import db
from ..results.aggregate import RoundResults
from ..results.queries import comments
from ..results.units import TILBUD
from ..rounds.models import Round
from .rows import VARIANT_NAMES
from .writer import DATE, INTEGER, Sheet


def comments_sheet(round_: Round, all_results, groups: dict[str, list[int]]) -> Sheet:
    """Redacted text as stored (originals are never kept), newest first."""

    def rows():
        for results, _views in all_results:
            names = {u.id: u for u in results.tree.units.values() if u.kind == TILBUD}
            for answer, response, redacted in comments(
                round_.id, results.variant, groups.get(results.variant, []), limit=100_000
            ):
                unit = names[response.tilbud_id]
                area = results.tree.units[results.tree.parent[unit.key]].name
                yield [
                    VARIANT_NAMES.get(results.variant),
                    area,
                    unit.name,
                    response.answered_on,
                    answer.question_key,
                    answer.value,
                    "ja" if redacted else "nej",
                ]

    headers = ["Skema", "Specialområde", "Tilbud", "Dato", "Spørgsmål", "Kommentar", "Redigeret"]
    return Sheet("Kommentarer", headers, rows(), {3: DATE}, [12, 30, 34, 12, 14, 90, 10])


def _eligible(results: RoundResults, allowed: set[int]) -> list[int]:
    """Tilbud in scope whose group reaches the threshold (smaller groups are left out)."""
    return [
        t
        for t in allowed
        if (cell := results.responses.get((TILBUD, t))) is not None and cell.n >= results.threshold
    ]


def raw_sheets(round_: Round, all_results, allowed: set[int]) -> list[Sheet]:
    sheets = []
    legend: list[list] = []
    for results, _views in all_results:
        questions = [q for q in results.questionnaire.questions if not q.is_text]
        keys = [q.key for q in questions]
        headers = [
            "Nr.",
            "Specialområde",
            "Tilbud",
            "Version",
            "Kanal",
            "Sprog",
            "Status",
            "Dato",
            *keys,
        ]
        tilbud = _eligible(results, allowed)
        sheets.append(
            Sheet(
                f"Rådata {VARIANT_NAMES.get(results.variant, results.variant)}"[:31],
                headers,
                _raw_rows(round_, results, tilbud, keys),
                {0: INTEGER, 3: INTEGER, 7: DATE},
                [8, 30, 34, 8, 8, 8, 10, 12] + [14] * len(keys),
            )
        )
        for q in questions:
            for option in q.options:
                legend.append(
                    [
                        VARIANT_NAMES.get(results.variant),
                        q.key,
                        q.label("da"),
                        option.code,
                        option.label("da"),
                        option.score,
                    ]
                )
    sheets.append(
        Sheet(
            "Forklaring",
            ["Skema", "Nøgle", "Spørgsmål", "Kode", "Betydning", "Point"],
            legend,
            {5: INTEGER},
            [12, 22, 50, 18, 40, 8],
        )
    )
    return sheets


def _raw_rows(
    round_: Round, results: RoundResults, tilbud: list[int], keys: list[str]
) -> Iterator[list]:
    """One row per finished response, streamed in id order (bounded memory)."""
    tree = results.tree
    index = {key: i for i, key in enumerate(keys)}
    query = (
        select(
            Response.id,
            Response.tilbud_id,
            Response.questionnaire_version,
            Response.channel,
            Response.language,
            Response.status,
            Response.answered_on,
            Answer.question_key,
            Answer.value,
        )
        .join(Answer, Answer.response_id == Response.id)
        .where(
            Response.round_id == round_.id,
            Response.questionnaire == results.variant,
            Response.tilbud_id.in_(tilbud),
            Response.status.in_((COMPLETE, PARTIAL)),
        )
        .order_by(Response.id)
        .execution_options(yield_per=5000)
    )
    current, row, number = None, None, 0
    for rid, tilbud_id, version, channel, lang, status, day, key, value in db.session.execute(
        query
    ):
        if rid != current:
            if row is not None:
                yield row
            number += 1
            current = rid
            unit = tree.units[(TILBUD, tilbud_id)]
            area = tree.units[tree.parent[unit.key]].name
            row = [number, area, unit.name, version, channel, lang, status, day]
            row += [None] * len(keys)
        if key in index:
            row[8 + index[key]] = value
    if row is not None:
        yield row
