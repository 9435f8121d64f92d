"""The national workbook (``export-national`` and the download on the national page).

Sheets: "Landsplan" (the national figure per core theme and question), "Institutioner" and
"Driftsherrer" (one row per institution / operator, positive share and answers on the scale per
theme and question), "Udrulning" (the rollout). Every figure comes from ``national_results``:
a hidden cell is the text "For få svar" in every column it has, never a number.
"""

from datetime import date
from pathlib import Path

from ..audit import record_event
from ..export.rows import SUPPRESSED
from ..export.writer import DATE, INTEGER, PERCENT, Formatted, Sheet, write_workbook
from ..results.aggregate import NodeKey
from .figures import NationalResults, national_results
from .models import NationalRound
from .presentation import QUESTION, Column, all_columns, institutions, operators
from .releases import ensure_national_release
from .rollout import RolloutRow, rollout_rows

SHARE, ANSWERS = "andel positive", "svar på skalaen"
RESPONSES = "Besvarelser"
NOT_RELEASED = "Ikke offentliggjort endnu"


def _figures(column: Column, node: NodeKey) -> list:
    """Positive share and answers on the scale, or the suppressed text in both."""
    stats = column.at(node)
    if stats.hidden:
        return [SUPPRESSED, SUPPRESSED]
    return [stats.positive_share, stats.scale_n]


def _responses(results: NationalResults, node: NodeKey):
    stats = results.responses.get(node)
    return SUPPRESSED if stats is None or stats.hidden else stats.n


def _column_names(columns: list[Column]) -> list[str]:
    names: list[str] = []
    for column in columns:
        label = column.label if column.kind == QUESTION else f"Tema {column.label}"
        if any(name.startswith(f"{label}: ") for name in names):  # two questions, one text
            label = f"{label} ({column.key})"
        names += [f"{label}: {SHARE}", f"{label}: {ANSWERS}"]
    return names


def landsplan_sheet(results: NationalResults, columns: list[Column]) -> Sheet:
    headers = ["Type", "Tema", "Nøgle", "Tema eller spørgsmål", "Andel positive", ANSWERS]
    themes = {c.key: c.label for c in columns if c.kind != QUESTION}

    def rows():
        for column in columns:
            kind = "Spørgsmål" if column.kind == QUESTION else "Tema"
            yield [
                kind,
                themes.get(column.theme, ""),
                column.key,
                column.label,
                *_figures(column, results.root),
            ]

    release = results.release
    updated = Formatted(release.published_on, DATE) if release else "–"
    notes = [
        [],
        [RESPONSES, None, None, None, None, _responses(results, results.root)],
        ["Opdateret", None, None, None, None, updated],
        ["Grænse for at vise et resultat (svar)", None, None, None, None, results.threshold],
    ]
    return Sheet(
        "Landsplan",
        headers,
        rows(),
        {4: PERCENT, 5: INTEGER},
        [12, 28, 22, 60, 14, 14],
        notes=notes,
    )


def units_sheet(title: str, results: NationalResults, columns: list[Column], units) -> Sheet:
    """One row per unit: ``units`` is [(leading cells, node)]."""
    lead = ["Driftsherre", "Institution"] if title == "Institutioner" else ["Driftsherre"]
    headers = [*lead, RESPONSES, *_column_names(columns)]
    # Shares as percentages; counts stay General (whole numbers show the same, and a
    # styled cell each would cost a tenth of the workbook's time at 2,400 institutions).
    first = len(lead) + 1
    formats = {first + 2 * i: PERCENT for i in range(len(columns))}

    def rows():
        for cells, node in units:
            row = [*cells, _responses(results, node)]
            for column in columns:
                row += _figures(column, node)
            yield row

    widths = [30] * len(lead) + [12] + [16] * (2 * len(columns))
    return Sheet(title, headers, rows(), formats, widths)


def rollout_sheet(rows: list[RolloutRow]) -> Sheet:
    """The rollout as the rollout page shows it (``rollout_rows``)."""
    headers = [
        "Driftsherre",
        "Institution",
        "Planlagt start: år",
        "Planlagt start: kvartal",
        "Landsrunde",
        "Runder holdt",
        RESPONSES,
        "Status",
        "Forsinket",
    ]

    def responses(row: RolloutRow):
        if row.responses is not None:
            return row.responses
        if row.released:
            return SUPPRESSED
        return NOT_RELEASED if row.rounds_held else None

    def values():
        for row in rows:
            yield [
                row.operator,
                row.institution,
                row.planned_year,
                row.planned_quarter,
                row.national_round or "",
                row.rounds_held,
                responses(row),
                row.status_label,
                "Ja: planlagt start er passeret uden en runde" if row.overdue else "",
            ]

    widths = [30, 34, 12, 12, 30, 10, 14, 14, 30]
    return Sheet("Udrulning", headers, values(), {}, widths)


def national_sheets(results: NationalResults, today: date) -> list[Sheet]:
    columns = all_columns(results)
    by_operator = [([u.name], u.key) for u in operators(results)]
    by_institution = [([o.name, u.name], u.key) for o, u in institutions(results)]
    return [
        landsplan_sheet(results, columns),
        units_sheet("Institutioner", results, columns, by_institution),
        units_sheet("Driftsherrer", results, columns, by_operator),
        rollout_sheet(rollout_rows(today, {results.national_round.id: results})),
    ]


def export_national(
    national_round: NationalRound, out: Path, user_id: int | None, user_name: str, today: date
) -> NationalResults:
    """Write the national workbook to ``out`` (atomically), a due national release published
    first, and audit it (in the caller's transaction)."""
    ensure_national_release(national_round, today)
    results = national_results(national_round)
    title = f"Ordet er dit, landsplan: {national_round.name}"
    write_workbook(out, national_sheets(results, today), title, user_name)
    record_event(
        user_id,
        "export.national",
        f"national:{national_round.slug}",
        {
            "release": results.release.number if results.release else None,
            "institutions": len(institutions(results)),
        },
        organisation_id=None,
    )
    return results
