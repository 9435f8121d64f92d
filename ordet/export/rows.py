"""Plain rows for the results workbook, from the results functions (the same suppressed cells).

Nothing here formats or writes: ``writer.py`` does that. Every number comes from
``round_results`` / ``unit_view``, so the workbook and the pages hide exactly the same cells.
"""

from ..results.aggregate import RoundResults
from ..results.presentation import UnitView, national_cell, unit_view
from ..results.units import AREA, ORGANISATION, TILBUD, Unit
from .writer import DECIMAL, INTEGER, PERCENT, POINTS, ChartSpec, Sheet

SUPPRESSED = "For få svar"
ALL_ANSWERS = "Antal svar i alt"
SCALE_ANSWERS = "Antal svar på skalaen"
THEME_ANSWERS = "Antal svar på skalaen (svar, ikke personer)"
CHANGE = "Ændring (procentpoint)"
LEVELS = {ORGANISATION: "Organisation", AREA: "Specialområde", TILBUD: "Tilbud"}
VARIANT_NAMES = {"borger": "Borgere", "unge": "Unge", "paaroerende": "Pårørende"}
LANDSPLAN = "Landsplan: andel positive"


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


def _options(results: RoundResults) -> list[tuple[str, str, bool]]:
    """(code, Danish label, special) of every option of the scale questions, in order."""
    seen: dict[str, tuple[str, str, bool]] = {}
    for question in results.scale_questions():
        for option in question.options:
            seen.setdefault(option.code, (option.code, option.label("da"), option.special))
    return list(seen.values())


def _columns(columns: list[tuple[str, str | None, int]]) -> tuple[list, dict, list]:
    """Headers, formats and widths from (header, number format or None, width)."""
    formats = {i: fmt for i, (_h, fmt, _w) in enumerate(columns) if fmt}
    return [h for h, _f, _w in columns], formats, [w for _h, _f, w in columns]


def landsplan_value(national, kind: str, key: str):
    """The national share positive of a core question ("q") or theme ("t"), the suppressed
    text when the national release hides it, None for an organisation's own question."""
    stats = national_cell(national, kind, key)
    if stats is None:
        return None
    return SUPPRESSED if stats.hidden else stats.positive_share


def results_sheet(results: RoundResults, unit_views: list[UnitView], national=None) -> Sheet:
    """Per unit × question: answers in all and on the scale, counts per option, shares of the
    answers on the scale (the options on it, "Andel positive") and of all answers (the special
    answers), mean, trend in percentage points; with ``national`` (``presentation.landsplan``)
    the national share positive ("Landsplan") last."""
    options = _options(results)
    scale = [(code, label) for code, label, special in options if not special]
    specials = [(code, label) for code, label, special in options if special]
    headers, formats, widths = _columns(
        [
            ("Niveau", None, 14),
            ("Enhed", None, 34),
            ("Specialområde", None, 30),
            ("Nøgle", None, 20),
            ("Spørgsmål", None, 44),
            ("Tema", None, 22),
            (ALL_ANSWERS, INTEGER, 10),
            (SCALE_ANSWERS, INTEGER, 12),
            *((f"Antal: {label}", INTEGER, 12) for _c, label, _s in options),
            *((f"Andel: {label}", PERCENT, 12) for _c, label in scale),
            *((f"Andel af alle svar: {label}", PERCENT, 14) for _c, label in specials),
            ("Andel positive", PERCENT, 12),
            ("Gennemsnit", DECIMAL, 12),
            ("Sidste runde: andel positive", PERCENT, 14),
            (CHANGE, POINTS, 12),
            *([(LANDSPLAN, PERCENT, 14)] if national else []),
        ]
    )
    own = len(headers) - (1 if national else 0)  # the columns of the unit's own figures

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
                    row += [SUPPRESSED] * (own - len(row))
                else:
                    row += [stats.n, stats.scale_n]
                    row += [stats.counts.get(code, 0) for code, _l, _s in options]
                    row += [stats.scale_share(code) for code, _l in scale]
                    row += [stats.share_of_all(code) for code, _l in specials]
                    row += [stats.positive_share, stats.mean, *_previous(cell)]
                if national:
                    row.append(landsplan_value(national, "q", question.key))
                yield row

    return Sheet(
        f"Resultater {VARIANT_NAMES.get(results.variant, results.variant)}"[:31],
        headers,
        rows(),
        formats,
        widths,
    )


def _previous(cell) -> list:
    """Last round's share positive and the change since, in percentage points."""
    if cell.previous is None:
        return [None, None]
    if cell.previous.hidden:
        return [SUPPRESSED, None]
    return [cell.previous.positive_share, cell.change_points]


def themes_sheet(
    all_results: list[tuple[RoundResults, list[UnitView]]], national: dict | None = None
) -> Sheet:
    """Per questionnaire × unit × theme. A theme's count is the count behind its share: the
    answers on the scale summed over its questions (answers, not people). ``national``:
    {variant: ``presentation.landsplan``} adds the national share positive ("Landsplan")."""
    national = {variant: n for variant, n in (national or {}).items() if n is not None}
    headers, formats, widths = _columns(
        [
            ("Skema", None, 12),
            ("Niveau", None, 14),
            ("Enhed", None, 34),
            ("Specialområde", None, 30),
            ("Tema", None, 28),
            (THEME_ANSWERS, INTEGER, 14),
            ("Andel positive", PERCENT, 12),
            ("Gennemsnit", DECIMAL, 12),
            ("Sidste runde: andel positive", PERCENT, 14),
            (CHANGE, POINTS, 12),
            *([(LANDSPLAN, PERCENT, 14)] if national else []),
        ]
    )

    def rows():
        for results, unit_views in all_results:
            for view in unit_views:
                for key, label, cell in view.themes:
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
                            cell.stats.scale_n,
                            cell.stats.positive_share,
                            cell.stats.mean,
                            *_previous(cell),
                        ]
                    if national:
                        row.append(landsplan_value(national.get(results.variant), "t", key))
                    yield row

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
