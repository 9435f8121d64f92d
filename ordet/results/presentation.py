"""What a results page (and the export) shows for one unit: cells with trends, within scope."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l

from ..questionnaires.model import Question
from .aggregate import NodeKey, RoundResults, Stats, previous_results
from .units import AREA, ORGANISATION, TILBUD, Unit

SUPPRESSED_TEXT = _l("For få svar til at vise resultatet")
SUPPRESSED_SHORT = _l("For få svar")
# A change under half a percentage point is shown as unchanged.
STEADY = 0.005


def rounded(value: float, digits: int = 0) -> float:
    """``value`` rounded half away from zero, as a spreadsheet shows it with a number format, so
    the page and the workbook show the same digits (Python's "%.0f" gives 62 for 62.5, Excel
    63). Twelve significant digits first: 0.575 * 100 is 57.49999999999999, and means 57.5."""
    exact = Decimal(f"{value:.12g}")
    return float(exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


@dataclass
class Cell:
    stats: Stats
    previous: Stats | None = None

    @property
    def hidden(self) -> bool:
        return self.stats.hidden

    @property
    def change(self) -> float | None:
        now = self.stats.positive_share
        then = self.previous.positive_share if self.previous else None
        return None if now is None or then is None else now - then

    @property
    def change_points(self) -> float | None:
        """The change in percentage points (12.5 for 50 % → 62.5 %), as the workbook gives it."""
        change = self.change
        return None if change is None else change * 100

    @property
    def trend(self) -> str | None:
        """ "op", "ned" or "uaendret"; None without two shown shares."""
        change = self.change
        if change is None:
            return None
        return "uaendret" if abs(change) < STEADY else ("op" if change > 0 else "ned")


@dataclass
class UnitView:
    results: RoundResults
    unit: Unit
    responses: Stats
    questions: list[tuple[Question, Cell]] = field(default_factory=list)
    themes: list[tuple[str, str, Cell]] = field(default_factory=list)
    children: list[tuple[Unit, dict[str, Cell]]] = field(default_factory=list)


def visible_units(results: RoundResults, scope, permission: str) -> list[Unit]:
    """Units of the round's organisation the user may pick, widest first."""
    tilbud_ids = set(scope_tilbud_ids(scope, permission))
    tree = results.tree
    units = []
    if scope.allows_organisation(tree.root.id, permission):
        units.append(tree.root)
    for area_key in tree.children[tree.root.key]:
        if scope.allows_specialomraade(area_key[1], permission):
            units.append(tree.units[area_key])
    units += [u for u in tree.units.values() if u.kind == TILBUD and u.id in tilbud_ids]
    return units


def scope_tilbud_ids(scope, permission: str) -> list[int]:
    from ..extensions import db

    return list(db.session.scalars(scope.tilbud_ids(permission)))


def _cell(results, previous, kind: str, key: str, node: NodeKey) -> Cell:
    cells = (results.questions if kind == "q" else results.themes).get(key, {})
    earlier = previous.get(key if kind == "q" else f"tema:{key}")
    prior = None
    if earlier is not None:
        prior = (earlier.questions if kind == "q" else earlier.themes).get(key, {}).get(node)
    return Cell(cells.get(node, Stats()), prior)


def unit_view(
    results: RoundResults, unit: Unit, allowed: list[Unit], theme: str | None = None
) -> UnitView:
    """The unit's questions and themes with trends, and its children that ``allowed`` holds."""
    previous = previous_results(results)
    node = unit.key
    view = UnitView(results, unit, results.responses.get(node, Stats()))
    for question in results.questionnaire.questions:
        if question.has_scale and (theme is None or question.theme == theme):
            view.questions.append((question, _cell(results, previous, "q", question.key, node)))
    for key in results.theme_keys():
        if theme is None or key == theme:
            label = results.questionnaire.theme_label(key, "da")
            view.themes.append((key, label, _cell(results, previous, "t", key, node)))
    allowed_keys = {u.key for u in allowed}
    for child in results.tree.children.get(node, []):
        if child in allowed_keys:
            cells = {key: _cell(results, previous, "t", key, child) for key, _l2, _c in view.themes}
            view.children.append((results.tree.units[child], cells))
    return view


KINDS = {"organisation": ORGANISATION, "omraade": AREA, "tilbud": TILBUD}


def unit_param(unit: Unit) -> str:
    prefix = {ORGANISATION: "organisation", AREA: "omraade", TILBUD: "tilbud"}[unit.kind]
    return prefix if unit.kind == ORGANISATION else f"{prefix}:{unit.slug}"


def landsplan(results: RoundResults):
    """The national figures to show beside this page's ("Landsplan"): the national round's
    ``NationalResults`` when the round takes part in one whose core questionnaire is this
    page's and it has a national release; else None. Only its root is for these pages."""
    from ..extensions import db
    from ..national.figures import landsplan_for
    from ..national.models import NationalRound

    if results.round.national_round_id is None:
        return None
    national_round = db.session.get(NationalRound, results.round.national_round_id)
    if national_round is None or national_round.questionnaire != results.variant:
        return None
    return landsplan_for(results.round)


def national_cell(national, kind: str, key: str) -> Stats | None:
    """The national figure of a core question ("q") or theme ("t"); None for anything else
    (an organisation's own question, or no national figures)."""
    if national is None:
        return None
    cells = national.questions if kind == "q" else national.themes
    return cells.get(key, {}).get(national.root)
