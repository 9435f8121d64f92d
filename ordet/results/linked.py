"""A round's results as one linked table: units x help groups x releases.

The help groups partition the respondents completely: "Svarede selv", "Fik hjælp" and "Ikke
oplyst" (the special answers to the help question, and those who did not answer it). They
never overlap: overlapping filters give groups that no view shows and that subtraction finds.
"""

from collections import defaultdict
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from ..disclosure import Dimension, LinkedTable
from ..disclosure.table import Cell
from ..extensions import db
from ..questionnaires.model import Questionnaire
from .models import RESPONSES_KEY, ResultCount
from .units import OrgTree

ALL = "alle"
SELF, HELPED, NOT_STATED = "selv", "hjaelp", "ikke_oplyst"
GROUPS: dict[str, tuple[object, tuple[str, ...]]] = {
    SELF: (_l("Svarede selv"), ("nej",)),
    HELPED: (_l("Fik hjælp"), ("medarbejder", "paaroerende", "anden")),
    NOT_STATED: (_l("Ikke oplyst"), ()),  # everything else, unanswered included
}
RESPONDENTS = "respondenter"


def group_of(assisted: str | None) -> str:
    """The help group of an answer to "Fik du hjælp til at svare?" (None: unanswered)."""
    return next((g for g, (_l, codes) in GROUPS.items() if (assisted or "") in codes), NOT_STATED)


def group_column():
    """SQL: the help group of a ``ResultCount`` row."""
    return case(
        *[
            (ResultCount.assisted.in_(codes), name)
            for name, (_l2, codes) in GROUPS.items()
            if codes
        ],
        else_=NOT_STATED,
    )


def unit_dimension(tree: OrgTree) -> Dimension:
    return Dimension(
        "enhed",
        tree.root.key,
        {key: tuple(kids) for key, kids in tree.children.items()},
        {key: unit.name for key, unit in tree.units.items()},
    )


FILTER_DIMENSION = Dimension(
    "hjælp", ALL, {ALL: tuple(GROUPS)}, {ALL: "alle", **{g: g for g in GROUPS}}
)


def time_dimension(releases: int) -> Dimension:
    """Release k shows S<k> = S<k-1> + B<k>: the respondents up to it, and those new in it.
    S1 is a leaf: the respondents of the first release."""
    children = {f"S{k}": (f"S{k - 1}", f"B{k}") for k in range(2, releases + 1)}
    labels = {f"S{k}": f"udgivelse {k}" for k in range(1, releases + 1)}
    labels |= {f"B{k}": f"nye i udgivelse {k}" for k in range(2, releases + 1)}
    return Dimension("udgivelse", f"S{releases}", children, labels)


def parts(questionnaire: Questionnaire) -> dict[str, list[str]]:
    """The patterns of a release: one for the respondents (their number, the comments and the
    raw rows), one per theme for its scale questions and the theme row (a theme sums its
    questions, which links them: ``shared/ANONYMITY.md`` §3). Patterns share no published
    number, so each is a table of its own."""
    found: dict[str, list[str]] = {RESPONDENTS: []}
    for question in questionnaire.questions:
        if question.has_scale:
            found.setdefault(question.theme, []).append(question.key)
    return found


def cell(unit: tuple[str, int], group: str, release: int, releases: int) -> Cell:
    """The table cell of ``unit`` and ``group`` in release ``release`` (1-based)."""
    return (unit, group) if releases == 1 else (unit, group, f"S{release}")


def round_table(
    round_id: int,
    variant: str,
    questionnaire: Questionnaire,
    tree: OrgTree,
    weeks: list[date],
    questions: list[str],
) -> LinkedTable:
    """The table of releases through ``weeks`` (each release's last week, in order). Its
    measures: respondents, and the answers on the scale of each of ``questions`` (each is a
    group of people the threshold protects)."""
    names = [RESPONDENTS, *questions]
    position = {key: i for i, key in enumerate(names)}
    scale = {
        q.key: {o.code for o in q.options if not o.special}
        for q in questionnaire.questions
        if q.key in questions
    }
    group = group_column()
    rows = db.session.execute(
        select(
            ResultCount.tilbud_id,
            ResultCount.question_key,
            ResultCount.value,
            group,
            ResultCount.answered_week,
            func.sum(ResultCount.count),
        )
        .where(
            ResultCount.round_id == round_id,
            ResultCount.questionnaire == variant,
            ResultCount.answered_week <= weeks[-1],
            ResultCount.question_key.in_([RESPONSES_KEY, *questions]),
        )
        .group_by(
            ResultCount.tilbud_id,
            ResultCount.question_key,
            ResultCount.value,
            group,
            ResultCount.answered_week,
        )
    )
    releases = len(weeks)
    atoms: dict[Cell, list[int]] = defaultdict(lambda: [0] * len(names))
    for tilbud_id, key, value, group_name, week, n in rows:
        unit = ("tilbud", tilbud_id)
        if unit not in tree.units:
            continue
        batch = next(k for k, last in enumerate(weeks, start=1) if _day(week) <= last)
        if releases == 1:
            atom: Cell = (unit, group_name)
        else:
            atom = (unit, group_name, "S1" if batch == 1 else f"B{batch}")
        if key == RESPONSES_KEY:
            atoms[atom][0] += int(n)
        elif key in scale and value in scale[key]:
            atoms[atom][position[key]] += int(n)
    dimensions = [unit_dimension(tree), FILTER_DIMENSION]
    if releases > 1:
        dimensions.append(time_dimension(releases))
    return LinkedTable(dimensions, atoms, names)


def _day(value) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value
