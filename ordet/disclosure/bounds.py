"""The interval half of the audit: how large can a hidden group be, given what is shown?

max y[cell] subject to A y = b (the table's relations, shown values moved right) and y >= 0,
solved with HiGHS through ``highspy``, its own Python interface, which keeps the model and its
basis between objectives: a component's program is passed once and each cell only changes the
objective. The LP relaxation's maximum is never below the integer one, so a bound under the
threshold is a real disclosure.
"""

from collections.abc import Iterator

import highspy
import numpy as np

# Values a float solver returns for an integer bound: 4.9999999 is 5.
TOLERANCE = 1e-6


def largest_values(table, threshold, rows, column, cells, report) -> Iterator[tuple]:
    """(cell, measure, value, bound) for each small, undetermined unknown that the attacker
    can bound under the threshold: the largest value it can take, per small measure.

    One linear program per component and measure is set up once; each unknown then only
    changes the objective, and HiGHS starts from the last basis. A point where a cell reaches
    the threshold proves it safe, so every optimum also clears the other cells it lifts.
    """
    solver = _Solver(rows, len(column))
    for m in range(len(table.measures)):
        unproven = [c for c in cells if 0 < table.values[c][m] < threshold]
        if not unproven:
            continue
        solver.right_hand_side([float(r[1][m]) for r in rows])
        while unproven:
            cell = unproven.pop(0)
            bound, point = solver.maximum(column[cell])
            report.programs += 1
            if bound < threshold - TOLERANCE:
                yield cell, table.measures[m], table.values[cell][m], bound
            elif point is not None:
                unproven = [c for c in unproven if point[column[c]] < threshold - TOLERANCE]


class _Solver:
    """max y[target] subject to A y = b, y >= 0, with HiGHS kept warm between targets."""

    def __init__(self, rows, width: int) -> None:
        columns: list[list[tuple[int, float]]] = [[] for _ in range(width)]
        for r, (coefficients, _rhs, _used) in enumerate(rows):
            for c, v in coefficients.items():
                columns[c].append((r, float(v)))
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = width, len(rows)
        lp.col_cost_ = np.zeros(width)
        lp.col_lower_ = np.zeros(width)
        lp.col_upper_ = np.full(width, highspy.kHighsInf)
        lp.row_lower_ = lp.row_upper_ = np.zeros(len(rows))
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.cumsum([0] + [len(c) for c in columns]).astype(np.int32)
        lp.a_matrix_.index_ = np.array([r for c in columns for r, _v in c], dtype=np.int32)
        lp.a_matrix_.value_ = np.array([v for c in columns for _r, v in c], dtype=float)
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.setOptionValue("presolve", "off")  # keeps the basis between targets
        self.highs.passModel(lp)
        self.rows = len(rows)
        self.target: int | None = None

    def right_hand_side(self, values: list[float]) -> None:
        indices = np.arange(self.rows, dtype=np.int32)
        rhs = np.array(values, dtype=float)
        self.highs.changeRowsBounds(self.rows, indices, rhs, rhs)

    def maximum(self, target: int) -> tuple[float, np.ndarray | None]:
        """The largest value of one unknown (infinite when unbounded) and the point reaching it."""
        if self.target is not None:
            self.highs.changeColCost(self.target, 0.0)
        self.highs.changeColCost(target, -1.0)
        self.target = target
        self.highs.run()
        status = self.highs.getModelStatus()
        if status in (highspy.HighsModelStatus.kUnbounded,):
            return float("inf"), None
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(
                f"audit: linear program failed: {self.highs.modelStatusToString(status)}"
            )
        point = np.array(self.highs.getSolution().col_value)
        return -self.highs.getInfo().objective_function_value, point
