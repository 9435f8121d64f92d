"""Plain rows for the results workbook, from the results functions (the same suppressed cells).

Nothing here formats or writes: ``writer.py`` does that. Every number comes from
``round_results`` / ``unit_view``, so the workbook and the pages hide exactly the same cells.
"""

from datetime import datetime

from ..results.aggregate import RoundResults
from ..results.presentation import UnitView, unit_view
from ..results.units import AREA, ORGANISATION, TILBUD, Unit
from ..rounds.models import Round
from .writer import DATE, DECIMAL, INTEGER, PERCENT, ChartSpec, Formatted, Sheet

SUPPRESSED = "For få svar"
LEVELS = {ORGANISATION: "Organisation", AREA: "Specialområde", TILBUD: "Tilbud"}
VARIANT_NAMES = {"borger": "Borgere", "unge": "Unge", "paaroerende": "Pårørende"}


def area_of(results: RoundResults, unit: Unit) -> str:
    if unit.kind == ORGANISATION:
        return ""
    key = unit.key if unit.kind == AREA else results.tree.parent[unit.key]
    return results.tree.units[key].name


def views(results: RoundResults, units: list[Unit]) -> list[UnitView]:
    """The units in scope that have responses to this variant (plus the organisation)."""
    kept = [
        unit
        for unit in units
        if unit.kind == ORGANISATION
        or results.responses.get(unit.key)
        and results.responses[unit.key].n > 0
    ]
    return [unit_view(results, unit, kept) for unit in kept]


def _options(results: RoundResults) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for question in results.scale_questions():
        for option in question.options:
            seen.setdefault(option.code, option.label("da"))
    return list(seen.items())


def results_sheet(results: RoundResults, unit_views: list[UnitView]) -> Sheet:
    """Per unit × question: n, counts and shares per option, share positive, mean, trend."""
    options = _options(results)
    headers = ["Niveau", "Enhed", "Specialområde", "Nøgle", "Spørgsmål", "Tema", "Antal svar"]
    headers += [f"Antal: {label}" for _c, label in options]
    headers += [f"Andel: {label}" for _c, label in options]
    headers += ["Andel positive", "Gennemsnit", "Sidste runde: andel positive", "Ændring"]
    first_share = 7 + len(options)
    formats = {6: INTEGER}
    formats |= {i: INTEGER for i in range(7, first_share)}
    formats |= {i: PERCENT for i in range(first_share, first_share + len(options) + 1)}
    formats |= {first_share + len(options) + 1: DECIMAL}
    formats |= {first_share + len(options) + 2: PERCENT, first_share + len(options) + 3: PERCENT}

    def rows():
        for view in unit_views:
            for question, cell in view.questions:
                row = [
                    LEVELS[view.unit.kind],
                    view.unit.name,
                    area_of(results, view.unit),
                    question.key,
                    question.label("da"),
                    results.questionnaire.theme_label(question.theme, "da"),
                ]
                stats = cell.stats
                if stats.hidden:
                    row += [SUPPRESSED] * (1 + 2 * len(options) + 4)
                else:
                    row.append(stats.n)
                    row += [stats.counts.get(code, 0) for code, _l in options]
                    row += [stats.share(code) for code, _l in options]
                    row += [stats.positive_share, stats.mean, *_previous(cell)]
                yield row

    widths = [14, 34, 30, 20, 44, 22, 10] + [12] * (2 * len(options)) + [12, 12, 14, 10]
    return Sheet(
        f"Resultater {VARIANT_NAMES.get(results.variant, results.variant)}"[:31],
        headers,
        rows(),
        formats,
        widths,
    )


def _previous(cell) -> list:
    if cell.previous is None:
        return [None, None]
    if cell.previous.hidden:
        return [SUPPRESSED, None]
    return [cell.previous.positive_share, cell.change]


def themes_sheet(all_results: list[tuple[RoundResults, list[UnitView]]]) -> Sheet:
    headers = [
        "Skema",
        "Niveau",
        "Enhed",
        "Specialområde",
        "Tema",
        "Antal svar",
        "Andel positive",
        "Gennemsnit",
        "Sidste runde: andel positive",
        "Ændring",
    ]
    formats = {5: INTEGER, 6: PERCENT, 7: DECIMAL, 8: PERCENT, 9: PERCENT}

    def rows():
        for results, unit_views in all_results:
            for view in unit_views:
                for _key, label, cell in view.themes:
                    row = [
                        VARIANT_NAMES.get(results.variant, results.variant),
                        LEVELS[view.unit.kind],
                        view.unit.name,
                        area_of(results, view.unit),
                        label,
                    ]
                    if cell.hidden:
                        row += [SUPPRESSED] * 5
                    else:
                        row += [
                            cell.stats.n,
                            cell.stats.positive_share,
                            cell.stats.mean,
                            *_previous(cell),
                        ]
                    yield row

    widths = [12, 14, 34, 30, 28, 10, 12, 12, 14, 10]
    return Sheet("Temaer", headers, rows(), formats, widths)


def questions_sheet(all_results: list[tuple[RoundResults, list[UnitView]]]) -> Sheet:
    headers = ["Skema", "Version", "Nøgle", "Type", "Tema", "Spørgsmål (dansk)", "Svarmuligheder"]

    def rows():
        for results, _views in all_results:
            q = results.questionnaire
            for question in q.questions:
                yield [
                    VARIANT_NAMES.get(q.key, q.key),
                    q.version,
                    question.key,
                    question.type,
                    q.theme_label(question.theme, "da"),
                    question.label("da"),
                    ", ".join(f"{o.code} = {o.label('da')}" for o in question.options),
                ]

    return Sheet("Spørgsmål", headers, rows(), {1: INTEGER}, [12, 8, 22, 10, 26, 60, 80])


def charts_sheet(all_results: list[tuple[RoundResults, list[UnitView]]]) -> Sheet:
    """Share positive per theme for each specialområde in scope, each with a bar chart beside."""
    rows: list[list] = []
    charts: list[ChartSpec] = []
    for results, unit_views in all_results:
        for view in unit_views:
            if view.unit.kind != AREA:
                continue
            first = len(rows) + 2
            for _key, label, cell in view.themes:
                share = None if cell.hidden else cell.stats.positive_share
                rows.append(
                    [
                        f"{view.unit.name} ({VARIANT_NAMES.get(results.variant)})",
                        label,
                        share,
                        SUPPRESSED if cell.hidden else "",
                    ]
                )
            if len(rows) + 2 > first:
                title = f"{view.unit.name}: {VARIANT_NAMES.get(results.variant)}"
                anchor = f"F{first}"
                charts.append(ChartSpec(title, first, len(rows) + 1, anchor))
            rows.append(["", "", None, ""])
            rows.extend([["", "", None, ""]] * 12)  # room for the chart
    return Sheet(
        "Diagrammer",
        ["Specialområde", "Tema", "Andel positive", "Bemærkning"],
        rows,
        {2: PERCENT},
        [40, 28, 14, 14],
        charts,
        filter=False,
    )


def overview_sheet(
    round_: Round,
    all_results,
    participation_rows,
    user_name: str,
    threshold: int,
    generated: datetime,
) -> Sheet:
    rows: list[list] = [
        ["Runde", round_.name],
        ["Åbner", Formatted(round_.opens_on, DATE)],
        ["Lukker", Formatted(round_.closes_on, DATE)],
        [
            "Spørgeskemaer",
            ", ".join(
                f"{VARIANT_NAMES.get(r.variant)} v{r.questionnaire.version}"
                for r, _v in all_results
            ),
        ],
        ["Dannet", Formatted(generated, "dd-mm-yyyy hh:mm")],
        ["Dannet af", user_name],
        ["Anonymitetsgrænse", threshold],
        [
            "Regel",
            f'Grupper med færre end {threshold} svar vises som "{SUPPRESSED}"; '
            "er én gruppe skjult, skjules også den mindste anden gruppe.",
        ],
        [None, None],
        ["Besvarelser i alt pr. skema", None],
    ]
    for results, unit_views in all_results:
        top = unit_views[0].responses if unit_views else None
        n = top.n if top and not top.hidden else SUPPRESSED
        rows.append([VARIANT_NAMES.get(results.variant, results.variant), n])
    rows += [[None, None], ["Deltagelse pr. specialområde", None]]
    rows += [
        [r["unit"].name, r["complete"] + r["partial"]]
        for r in participation_rows
        if r["unit"].kind == AREA
    ]
    return Sheet("Oversigt", ["Felt", "Værdi"], rows, {}, [34, 70], filter=False)
