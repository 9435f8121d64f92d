"""The Oversigt sheet: the round, the anonymity rule, the releases shown, what every figure
of the workbook means, and the totals (over the user's tilbud when that is not everything)."""

from datetime import datetime

from ..results.models import Release
from ..results.presentation import UnitView
from ..results.units import AREA, ORGANISATION
from ..rounds.models import Round
from ..weeks import week_label
from .rows import ALL_ANSWERS, CHANGE, SCALE_ANSWERS, SUPPRESSED, THEME_ANSWERS, VARIANT_NAMES
from .writer import DATE, Formatted, Sheet

# What each figure of the workbook means, in the words of its headers (the Oversigt sheet).
DEFINITIONS = [
    ["Definitioner", None],
    ["Besvarelser", "Personer, der har svaret: færdige og delvise besvarelser."],
    [ALL_ANSWERS, "Alle svar på spørgsmålet, også »Ved ikke« og »Vil ikke svare«."],
    [SCALE_ANSWERS, "Svarene på spørgsmålets skala, uden »Ved ikke« og »Vil ikke svare«."],
    [
        THEME_ANSWERS,
        "For et tema: svarene på skalaen lagt sammen over temaets spørgsmål. Én person giver "
        "et svar pr. spørgsmål, så tallet er svar, ikke personer.",
    ],
    [
        "Andel: <svar>",
        f"Antallet med svaret delt med {SCALE_ANSWERS.lower()}. Andelene på skalaen giver "
        "tilsammen 100 %.",
    ],
    ["Andel positive", f"De positive svar delt med {SCALE_ANSWERS.lower()} (samme nævner)."],
    [
        "Andel af alle svar: <svar>",
        f"»Ved ikke« og »Vil ikke svare«: antallet med svaret delt med {ALL_ANSWERS.lower()}.",
    ],
    ["Gennemsnit", "Gennemsnittet af svarenes point på skalaen (kun skalaer med point)."],
    [
        CHANGE,
        "Andel positive nu minus andel positive i sidste runde, i procentpoint "
        "(fx 62,5 % − 50 % = 12,5).",
    ],
    [
        "Svarprocent",
        "Færdige besvarelser fra borgernes egne skemaer (på tablet) delt med antallet af "
        "borgere i tilbuddet. Delvise besvarelser tælles for sig og er ikke med. Over 100 % "
        "betyder, at antallet af borgere skal tjekkes.",
    ],
]


def week_text(release: Release) -> str:
    return f"svar til og med {week_label(release.through_week)}"


def release_text(release: Release | None) -> str:
    """ "nr. 3: svar til og med uge 12 2025, foreløbig (udgivet 24-03-2025)"."""
    if release is None:
        return "Ingen udgivelse endnu"
    kind = "endelig" if release.final else "foreløbig"
    published = release.published_on.strftime("%d-%m-%Y")
    return f"nr. {release.number}: {week_text(release)}, {kind} (udgivet {published})"


def rule_text(threshold: int, releases: list[Release | None]) -> str:
    """The anonymity rule and the release model, in plain Danish."""
    text = (
        f"Grupper med færre end {threshold} svar vises ikke (der står »{SUPPRESSED}«). "
        "Andre tal skjules også, så ingen skjult gruppe kan regnes ud af de viste tal "
        "(heller ikke på tværs af enheder, hjælp-filtre og tidligere udgivelser)."
    )
    published = [r for r in releases if r is not None]
    weeks = {week_text(r) for r in published}
    if not published:
        return text + " Der er endnu ingen udgivelse, så der vises ingen resultater."
    if all(r.final for r in published):
        return text + " Resultaterne er endelige: runden er lukket, og alle svar er med."
    if len(weeks) == 1:
        return (
            text + f" Resultaterne er en udgivelse med {weeks.pop()}; "
            "de opdateres højst én gang om ugen."
        )
    return (
        text + " Resultaterne er en udgivelse pr. skema med svar til og med den uge, der står "
        "ud for skemaet under Udgivelse; de opdateres højst én gang om ugen."
    )


def _top_views(unit_views: list[UnitView]) -> list[UnitView]:
    """The widest units among the views: the organisation, or a user's areas and tilbud."""
    keys = {view.unit.key for view in unit_views}
    tree = unit_views[0].results.tree if unit_views else None
    return [v for v in unit_views if tree.parent.get(v.unit.key) not in keys]


def overview_sheet(
    round_: Round,
    all_results,
    participation_rows,
    user_name: str,
    threshold: int,
    generated: datetime,
    whole: bool = True,
) -> Sheet:
    """The first sheet: the round, the rule, the releases, the definitions and the totals.
    ``whole``: the user sees the whole organisation; if not, the totals say "(dine tilbud)"."""
    mine = "" if whole else " (dine tilbud)"
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
        ["Regel", rule_text(threshold, [r.release for r, _v in all_results])],
    ]
    rows += [
        [f"Udgivelse: {VARIANT_NAMES.get(r.variant, r.variant)}", release_text(r.release)]
        for r, _v in all_results
    ]
    rows += [[None, None], *DEFINITIONS, [None, None], [f"Besvarelser i alt pr. skema{mine}", None]]
    for results, unit_views in all_results:
        name = VARIANT_NAMES.get(results.variant, results.variant)
        tops = _top_views(unit_views)
        if not tops:  # no unit of the user's has an answer to this questionnaire
            rows.append([name, 0])
        for view in tops:
            label = name if view.unit.kind == ORGANISATION else f"{name}: {view.unit.name}"
            rows.append([label, SUPPRESSED if view.responses.hidden else view.responses.n])
    rows += [[None, None], [f"Deltagelse pr. specialområde{mine}", None]]
    rows += [
        [r["unit"].name + ("" if r["whole"] else " (dine tilbud)"), r["complete"] + r["partial"]]
        for r in participation_rows
        if r["unit"].kind == AREA
    ]
    return Sheet("Oversigt", ["Felt", "Værdi"], rows, {}, [34, 70], filter=False)
