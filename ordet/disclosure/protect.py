"""Choosing the hidden cells of a release: primary, local rules, then the audit decides.

``shared/ANONYMITY.md`` §2(b):

1. **Primary**: a cell with a group of 1 to threshold - 1 in any measure is hidden.
2. **Local rules**, to a fixed point, on every relation (parent = sum of children) of the
   release: a relation that holds a hidden cell holds at least two; the hidden children of a
   shown parent hold 0 or at least threshold in every measure; the hidden children of a hidden,
   non-empty parent hold at least threshold respondents. The cell added is the cheapest shown
   non-empty one (fewest respondents, leaves before totals).
3. **Audit**: the attacker of ``audit`` runs over everything shown, earlier releases included.
   For each finding, the cheapest shown cells around it are tried; the first whose hiding (and
   the local rules after it) clears the finding is kept.
4. **Fail closed**: after ``max_rounds`` the ``fallback`` cells (the filter groups) are hidden;
   if even that fails, the release shows nothing new.

Safety comes from the audit, not from the heuristics: a pattern is returned only with a
passing audit, and suppressions only grow, so it ends.
"""

from collections.abc import Callable, Collection

from .audit import Report, audit
from .table import Cell, LinkedTable

TRIALS = 4  # candidate cells tried per finding before settling for the cheapest


def protect(
    table: LinkedTable,
    threshold: int,
    candidates: Collection[Cell],
    known: Collection[Cell] = (),
    primary: Collection[Cell] = (),
    fallback: Callable[[Cell], bool] | None = None,
    max_rounds: int = 40,
) -> tuple[set[Cell], Report]:
    """The cells of ``candidates`` (this release) to hide, and the passing audit.

    ``known`` are cells earlier releases showed: fixed, and part of what the attacker knows.
    ``primary`` are more cells to hide from the start (e.g. a cell that changed by a small
    number since the last release).
    """
    candidates = set(candidates)
    known = set(known)
    hidden = {c for c in candidates if table.is_small(c, threshold)}
    hidden |= set(primary) & candidates
    hidden = local_rules(table, threshold, candidates, hidden)
    for _round in range(max_rounds):
        report = audit(table, known | (candidates - hidden), threshold)
        if report.passed:
            return hidden, report
        hidden = _repair(table, threshold, candidates, known, hidden, report)
    if fallback is not None:
        hidden |= {c for c in candidates if fallback(c) and table.n(c) > 0}
        hidden = local_rules(table, threshold, candidates, hidden)
        report = audit(table, known | (candidates - hidden), threshold)
        if report.passed:
            return hidden, report
    hidden = {c for c in candidates if table.n(c) > 0} | hidden
    return hidden, audit(table, known | (candidates - hidden), threshold)


def _cost(table: LinkedTable, cell: Cell) -> tuple:
    """Leaves before totals, then fewest respondents."""
    return (table.totals(cell), table.n(cell), repr(cell))


def local_rules(
    table: LinkedTable, threshold: int, candidates: set[Cell], hidden: set[Cell]
) -> set[Cell]:
    """Step 2 to a fixed point, over the relations whose cells all belong to the release."""
    hidden = set(hidden)
    pending = {i for cell in hidden for i in table.relations_of[cell]}
    while pending:
        i = pending.pop()
        parent, children = table.relations[i]
        if parent not in candidates or any(c not in candidates for c in children):
            continue
        extra = _needed(table, threshold, parent, children, hidden)
        if extra is not None:
            hidden.add(extra)
            pending |= set(table.relations_of[extra])
    return hidden


def _needed(table, threshold, parent: Cell, children, hidden: set[Cell]) -> Cell | None:
    """The cell this relation needs hidden too, or None when it is safe as it is."""
    hidden_children = [c for c in children if c in hidden]
    members_hidden = len(hidden_children) + (parent in hidden)
    if not members_hidden:
        return None
    if parent in hidden:
        unsafe = table.n(parent) > 0 and sum(table.n(c) for c in hidden_children) < threshold
    else:
        sums = [
            sum(table.values[c][m] for c in hidden_children) for m in range(len(table.measures))
        ]
        unsafe = any(0 < s < threshold for s in sums)
    unsafe = unsafe or members_hidden == 1
    if not unsafe:
        return None
    shown = [c for c in children if c not in hidden and table.n(c) > 0]
    if shown:
        return min(shown, key=lambda c: _cost(table, c))
    if parent not in hidden and table.n(parent) > 0:
        return parent
    return None


def _repair(table, threshold, candidates, known, hidden: set[Cell], report: Report) -> set[Cell]:
    """Hide more around each finding: the first trial that clears it, else the cheapest.

    Findings far apart are repaired in the same round; one whose neighbourhood this round
    already changed waits for the next audit.
    """
    touched: set[Cell] = set()
    for finding in report.findings:
        if finding.cell in touched:
            continue
        before = set(hidden)
        hidden = _repair_one(table, threshold, candidates, known, hidden, finding.cell)
        for cell in hidden - before:
            for i in table.relations_of[cell]:
                parent, children = table.relations[i]
                touched.update((parent, *children))
    return hidden


def _repair_one(table, threshold, candidates, known, hidden: set[Cell], target: Cell) -> set[Cell]:
    around = _shown_around(table, candidates, hidden, target)
    if not around:
        # Nothing of this release touches it directly: hide what is next to its neighbours.
        neighbours = {
            member
            for i in table.relations_of[target]
            for member in (table.relations[i][0], *table.relations[i][1])
        }
        around = sorted(
            {c for cell in neighbours for c in _shown_around(table, candidates, hidden, cell)},
            key=lambda c: _cost(table, c),
        )
    if not around:
        return hidden | {c for c in candidates if table.n(c) > 0}
    for cell in around[:TRIALS]:
        trial = local_rules(table, threshold, candidates, hidden | {cell})
        if audit(table, known | (candidates - trial), threshold, focus=target).passed:
            return trial
    return local_rules(table, threshold, candidates, hidden | {around[0]})


def _shown_around(table, candidates, hidden, cell: Cell) -> list[Cell]:
    """Shown, non-empty cells of this release in the relations of ``cell``, cheapest first."""
    found = set()
    for i in table.relations_of[cell]:
        parent, children = table.relations[i]
        for member in (parent, *children):
            if member in candidates and member not in hidden and table.n(member) > 0:
                found.add(member)
    return sorted(found, key=lambda c: _cost(table, c))
