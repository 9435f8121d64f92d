"""The attacker: what can be derived about the hidden cells from the shown ones.

Unknowns are every cell not shown (hidden cells, and cells no release publishes, such as the
respondents who arrived between two releases). Each relation of the table is an equation;
shown values move to the right-hand side. The system splits into independent components.

Two checks, as in ``shared/ANONYMITY.md`` §2(c):

* **Exact**: reduced row echelon form over the rationals (``fractions.Fraction``; never a
  float rank). An unknown is *determined* when a row has it as its only entry. A determined
  group of 1 to threshold - 1 is disclosed, and the row's history says how (the derivation).
* **Interval**: for every undetermined unknown that is such a small group in some measure, a
  linear program (HiGHS, through its Python interface ``highspy``) gives the largest value it
  can have given the equations and that no group is negative. Below the threshold, the
  attacker can prove the group small: disclosed. This also catches small sums (A + B = 4).
  It is the LP relaxation: its maximum is never below the integer one, so a finding is
  always real; on the two-dimensional tables (units x filter) the relaxation is exact.
"""

from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from fractions import Fraction

from .bounds import largest_values
from .table import Cell, LinkedTable


@dataclass(frozen=True)
class Finding:
    """A group of fewer than the threshold that the attacker can pin down."""

    cell: Cell
    measure: str
    value: int
    bound: float  # the largest value the attacker cannot rule out
    exact: bool
    derivation: tuple[tuple[Fraction, Cell, int], ...] = ()  # (coefficient, shown cell, value)

    def explain(self, table: LinkedTable) -> str:
        name = f"[{table.label(self.cell)}] ({self.measure})"
        if not self.exact:
            return f"{name} = {self.value}: at most {self.bound:g} by linear programming"
        terms = " ".join(
            f"{'+' if c > 0 else '-'} {_coef(abs(c))}[{table.label(cell)}]"
            for c, cell, _v in self.derivation
        )
        numbers = " ".join(
            f"{'+' if c > 0 else '-'} {_coef(abs(c))}{v}" for c, _, v in self.derivation
        )
        return f"{name} = {terms.lstrip('+ ')} = {numbers.lstrip('+ ')} = {self.value}"


def _coef(c: Fraction) -> str:
    return "" if c == 1 else f"{c}·"


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    shown: int = 0
    unknowns: int = 0
    equations: int = 0
    components: int = 0
    determined: int = 0
    programs: int = 0

    @property
    def passed(self) -> bool:
        return not self.findings


def audit(
    table: LinkedTable,
    shown: Collection[Cell],
    threshold: int,
    focus: Cell | None = None,
    explain: bool = False,
    new: Callable[[Cell], bool] | None = None,
) -> Report:
    """Every small group among the unknowns that the shown cells disclose (or only whether
    ``focus`` is disclosed: a quick check while choosing what to hide). With ``explain``,
    each exact finding carries its derivation from the shown numbers. With ``new``, only the
    components with an equation over a cell for which ``new`` is true are solved: the others were
    audited before (an organisation's own releases, beside the national ones)."""
    shown = set(shown)
    report = Report(shown=len(shown))
    equations = [
        (i, (parent, *children))
        for i, (parent, children) in enumerate(table.relations)
        if any(c not in shown for c in (parent, *children))
    ]
    report.unknowns = sum(1 for c in table.cells if c not in shown)
    report.equations = len(equations)
    for component in _components(equations, shown):
        if focus is not None and not any(focus in cells for _i, cells in component):
            continue
        if new is not None and not any(new(c) for _i, cells in component for c in cells):
            continue
        report.components += 1
        _check_component(table, shown, threshold, component, report, focus, explain)
    return report


def _components(equations, shown: set[Cell]) -> list[list[tuple[int, tuple[Cell, ...]]]]:
    """Equations grouped by the unknowns they share (union-find)."""
    root: dict[Cell, Cell] = {}

    def find(cell: Cell) -> Cell:
        root.setdefault(cell, cell)
        while root[cell] != cell:
            root[cell] = root[root[cell]]
            cell = root[cell]
        return cell

    for _i, cells in equations:
        unknown = [c for c in cells if c not in shown]
        first = find(unknown[0])
        for other in unknown[1:]:
            root[find(other)] = first
    grouped: dict[Cell, list] = defaultdict(list)
    for equation in equations:
        grouped[find(next(c for c in equation[1] if c not in shown))].append(equation)
    return list(grouped.values())


def _check_component(
    table, shown, threshold, equations, report: Report, focus=None, explain=False
) -> None:
    unknowns = sorted({c for _i, cells in equations for c in cells if c not in shown}, key=repr)
    small = [c for c in unknowns if table.is_small(c, threshold) and focus in (None, c)]
    if not small:
        return
    column = {cell: j for j, cell in enumerate(unknowns)}
    width = len(table.measures)
    rows = []  # (coefficients by column, right-hand side per measure, equations used)
    for i, cells in equations:
        coefficients: dict[int, Fraction] = {}
        rhs = [0] * width
        for sign, cell in zip((1, *([-1] * (len(cells) - 1))), cells, strict=True):
            if cell in shown:
                for m, value in enumerate(table.values[cell]):
                    rhs[m] -= sign * value
            else:
                coefficients[column[cell]] = coefficients.get(column[cell], 0) + sign
        rows.append((coefficients, rhs, {i: 1}))
    determined = _determined(rows, origins=False)
    report.determined += len(determined)
    disclosed = [c for c in small if column[c] in determined]
    if disclosed and explain:
        determined = _determined(rows, origins=True)
    for cell in disclosed:
        used = determined[column[cell]]
        report.findings.append(_exact_finding(table, shown, cell, used, threshold))
    undetermined = [c for c in small if column[c] not in determined]
    if undetermined:
        for cell, measure, value, bound in largest_values(
            table, threshold, rows, column, undetermined, report
        ):
            report.findings.append(Finding(cell, measure, value, round(bound, 6), False))


def _determined(rows, origins: bool) -> dict[int, dict[int, Fraction]]:
    """Gauss-Jordan elimination over the rationals; the columns whose value the rows fix,
    each with the combination of equations that fixes it (when ``origins``: kept only for
    explaining a finding, since carrying it costs as much as the elimination).

    Entries stay Python integers while pivots are +1 or -1, as they mostly are in these
    tables; a Fraction appears only where a division needs one. Either is exact.
    """
    pivots: dict[int, tuple[dict, dict]] = {}  # column -> its row, kept fully reduced
    holding: dict[int, set[int]] = defaultdict(set)  # column -> pivot columns whose row has it
    for coefficients, _rhs, used in rows:
        row = (dict(coefficients), dict(used) if origins else {})
        for col in [c for c in row[0] if c in pivots]:
            factor = row[0].get(col)
            if factor:
                _subtract(row, pivots[col], factor)
        if not row[0]:
            continue
        pivot = min(row[0], key=lambda c: (len(holding[c]), c))
        scale = row[0][pivot]
        if scale != 1:
            row = tuple({k: _divide(v, scale) for k, v in part.items()} for part in row)
        for other in list(holding[pivot]):
            target = pivots[other]
            factor = target[0].get(pivot)
            if factor:
                before = set(target[0])
                _subtract(target, row, factor)
                for c in before - set(target[0]):
                    holding[c].discard(other)
                for c in set(target[0]) - before:
                    holding[c].add(other)
        pivots[pivot] = row
        for c in row[0]:
            if c != pivot:
                holding[c].add(pivot)
    return {col: row[1] for col, row in pivots.items() if len(row[0]) == 1}


def _divide(value, scale):
    if scale == -1:
        return -value
    quotient = Fraction(value) / scale
    return quotient.numerator if quotient.denominator == 1 else quotient


def _subtract(row, other, factor) -> None:
    """row -= factor * other, dropping zeros."""
    for target, source in zip(row, other, strict=True):
        for key, value in source.items():
            new = target.get(key, 0) - factor * value
            if new:
                target[key] = new
            else:
                target.pop(key, None)


def _exact_finding(table, shown, cell: Cell, used: dict[int, Fraction], threshold) -> Finding:
    """The combination of equations that fixes ``cell``, written over the shown cells.

    Summed, the equations read ``cell + sum(c * shown) = 0``: so ``cell = sum(-c * shown)``.
    """
    terms: dict[Cell, Fraction] = defaultdict(Fraction)
    for i, factor in used.items():
        parent, children = table.relations[i]
        for sign, member in zip((1, *([-1] * len(children))), (parent, *children), strict=True):
            if member in shown:
                terms[member] += factor * sign
    m = next(i for i, v in enumerate(table.values[cell]) if 0 < v < threshold)
    value = table.values[cell][m]
    derivation = tuple((-c, member, table.values[member][m]) for member, c in terms.items() if c)
    return Finding(cell, table.measures[m], value, value, True, derivation)
