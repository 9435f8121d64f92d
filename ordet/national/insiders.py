"""The insider's audit: what an operator's own staff learn from the national figures.

An organisation's staff see their own releases (every unit, help group and release of their
round) *and* the national figures. An institution's national cell is a number their own
release holds too, and an operator or the nation sums them: so the attacker's system is the
organisation's linked table and the national one together, joined where they hold the same
number. ``CombinedTable`` is that system in the shape ``disclosure.audit`` reads (cells,
values, measures, relations), so the same attacker that passes every release plays the
insider too.
"""

from dataclasses import dataclass, field

from ..disclosure import LinkedTable, audit
from ..disclosure.audit import Report
from ..disclosure.table import Cell
from ..results.linked import ALL, cell, round_table
from ..results.models import Release
from ..results.releases import CELL_GROUPS, releases_of
from ..results.units import org_tree
from ..rounds.models import Round

NATIONAL_SIDE, ORGANISATION_SIDE = "landsplan", "organisation"


@dataclass
class CombinedTable:
    measures: tuple[str, ...]
    values: dict[Cell, tuple[int, ...]] = field(default_factory=dict)
    relations: list[tuple[Cell, tuple[Cell, ...]]] = field(default_factory=list)

    @property
    def cells(self) -> list[Cell]:
        return list(self.values)

    def n(self, cell: Cell) -> int:
        return self.values[cell][0]

    def is_small(self, cell: Cell, threshold: int) -> bool:
        return any(0 < value < threshold for value in self.values[cell])

    def label(self, cell: Cell) -> str:
        return repr(cell)

    def add(self, side: str, table: LinkedTable) -> None:
        for original, values in table.values.items():
            self.values[(side, original)] = values
        for parent, children in table.relations:
            self.relations.append(((side, parent), tuple((side, c) for c in children)))

    def join(self, national: Cell, organisation: Cell) -> None:
        """The two cells hold the same number: national = organisation."""
        self.relations.append(((NATIONAL_SIDE, national), ((ORGANISATION_SIDE, organisation),)))


@dataclass(frozen=True)
class Insider:
    """One operator's round in the national round, and the release of it each national
    release was made from (by national release number, 1-based; None: not yet in it)."""

    round: Round
    variant: str
    used: tuple[Release | None, ...]


def insider_audit(
    national: LinkedTable,
    national_shown: set[Cell],
    insider: Insider,
    part: str,
    part_questions: list[str],
    questionnaire,
    threshold: int,
) -> Report:
    """The audit of the national table as ``insider``'s staff see it, with their own
    organisation's releases of the pattern beside it."""
    releases = [r for r in releases_of(insider.round.id, insider.variant) if _up_to(r, insider)]
    combined = CombinedTable(national.measures)
    combined.add(NATIONAL_SIDE, national)
    shown = {(NATIONAL_SIDE, c) for c in national_shown}
    if releases:
        tree = org_tree(insider.round.organisation_id)
        weeks = [r.through_week for r in releases]
        own = round_table(
            insider.round.id, insider.variant, questionnaire, tree, weeks, part_questions
        )
        combined.add(ORGANISATION_SIDE, own)
        count = len(releases)
        for number, release in enumerate(releases, start=1):
            hidden = release.hidden.get(part, set())
            shown |= {
                (ORGANISATION_SIDE, cell(unit, group, number, count))
                for unit in tree.units
                for group in CELL_GROUPS
                if (unit, group) not in hidden
            }
        number_of = {r.id: n for n, r in enumerate(releases, start=1)}
        for j, used in enumerate(insider.used, start=1):
            if used is None or used.id not in number_of:
                continue
            for unit in tree.units:
                if unit[0] == "tilbud" and (unit, f"S{j}") in national.values:
                    combined.join((unit, f"S{j}"), cell(unit, ALL, number_of[used.id], count))
    # The organisation's own releases passed their audit together: only a component the
    # national figures reach can hold anything new.
    return audit(combined, shown, threshold, new=lambda c: c[0] == NATIONAL_SIDE)


def _up_to(release: Release, insider: Insider) -> bool:
    newest = max((r.number for r in insider.used if r is not None), default=0)
    return release.number <= newest
