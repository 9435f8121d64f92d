"""The disclosure engine on the test cases of shared/ANONYMITY.md §5, with their numbers.

Cases 10 (comments) and 11 (CSV) publish through the app: see test_anonymity_attacks.py.
Case 12 (scale) runs here at full size without a clock; bench/bench_disclosure.py times it.
"""

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from ordet.disclosure import Dimension, LinkedTable, audit, protect
from ordet.disclosure.table import Cell

T = 5


def tree(name: str, root, children: dict) -> Dimension:
    return Dimension(name, root, children)


def one_level(root: str, kids: list[str]) -> Dimension:
    return tree("enhed", root, {root: kids})


FILTER = tree("hjælp", "alle", {"alle": ["a", "h"]})


def shown_except(table: LinkedTable, hidden: set[Cell]) -> set[Cell]:
    return {c for c in table.cells if c not in hidden}


def max_of(table: LinkedTable, shown: set[Cell], target: Cell, measure: int = 0) -> float:
    """The attacker's largest value for ``target``: an independent LP over all relations."""
    unknown = [c for c in table.cells if c not in shown]
    column = {c: j for j, c in enumerate(unknown)}
    rows, rhs = [], []
    for parent, children in table.relations:
        row = [0.0] * len(unknown)
        b = 0.0
        for sign, cell in zip((1, *([-1] * len(children))), (parent, *children), strict=True):
            if cell in shown:
                b -= sign * table.values[cell][measure]
            else:
                row[column[cell]] += sign
        if any(row):
            rows.append(row)
            rhs.append(b)
    objective = [0.0] * len(unknown)
    objective[column[target]] = -1.0
    if not rows:
        return float("inf")
    result = linprog(objective, A_eq=rows, b_eq=rhs, bounds=(0, None), method="highs")
    if result.status == 3:  # unbounded
        return float("inf")
    assert result.status == 0, result.message
    return -result.fun


def flagged(report) -> set[Cell]:
    return {f.cell for f in report.findings}


def test_1_overlapping_filters_are_refused_and_the_partition_passes():
    # "Staff" and "relative" overlap in the 2 helped by both: not a tree, refused at build time.
    with pytest.raises(ValueError, match="two groups"):
        Dimension(
            "hjælp",
            "alle",
            {
                "alle": ["alene", "medarbejder", "paaroerende", "ikke"],
                "medarbejder": ["begge"],
                "paaroerende": ["begge"],
            },
        )
    # Partitioned by priority (staff > relative): staff 3 + 2 = 5, relative 3, not stated 3.
    filters = tree(
        "hjælp",
        "alle",
        {"alle": ["alene", "hjulpet", "ikke"], "hjulpet": ["medarbejder", "paaroerende"]},
    )
    unit = tree("enhed", "F", {})
    atoms = {
        ("F", "alene"): [9],
        ("F", "medarbejder"): [5],
        ("F", "paaroerende"): [3],
        ("F", "ikke"): [3],
    }
    table = LinkedTable([unit, filters], atoms)
    hidden, report = protect(table, T, table.cells)
    assert report.passed
    assert hidden == {("F", "alene"), ("F", "medarbejder"), ("F", "paaroerende"), ("F", "ikke")}
    shown = shown_except(table, hidden)
    assert max_of(table, shown, ("F", "paaroerende")) == pytest.approx(8)
    assert max_of(table, shown, ("F", "ikke")) == pytest.approx(12)


def test_2_complement_rebuilt_from_its_filter_views():
    units = one_level("O", ["F1", "F2", "F3"])
    atoms = {
        ("F1", "a"): [2],
        ("F1", "h"): [1],
        ("F2", "a"): [5],
        ("F2", "h"): [5],
        ("F3", "a"): [10],
        ("F3", "h"): [7],
    }
    table = LinkedTable([units, FILTER], atoms)
    # Yesterday's rule: F1 small, F2 its complementary cell; F2's filter views checked alone.
    old = {("F1", "alle"), ("F2", "alle"), ("F1", "a"), ("F1", "h")}
    report = audit(table, shown_except(table, old), T, explain=True)
    finding = next(f for f in report.findings if f.cell == ("F1", "alle"))
    assert finding.exact and finding.value == 3
    # The derivation is a sum of shown numbers that gives the hidden group.
    assert sum(c * v for c, _cell, v in finding.derivation) == 3
    assert finding.explain(table).endswith("= 3")
    hidden, report = protect(table, T, table.cells)
    assert report.passed
    assert max_of(table, shown_except(table, hidden), ("F1", "alle")) >= T


def test_3_live_reload_is_a_release_and_the_joint_audit_sees_the_difference():
    unit = tree("enhed", "F", {})
    time = tree("udgivelse", "S2", {"S2": ["S1", "B2"], "S1": ["B1"]})
    atoms = {
        ("F", "a", "B1"): [7],
        ("F", "h", "B1"): [5],
        ("F", "a", "B2"): [4],
        ("F", "h", "B2"): [1],
    }
    table = LinkedTable([unit, FILTER, time], atoms)
    first = {c for c in table.cells if c[2] == "S1"}
    second = {c for c in table.cells if c[2] == "S2"}
    report = audit(table, first | second, T)
    assert ("F", "h", "B2") in flagged(report)  # Δh = 1: one person's answers
    # Hiding release 2's filter views: the newcomer among the helped could be 0 to 5.
    without_filters = {c for c in second if c[1] == "alle"}
    report = audit(table, first | without_filters, T)
    assert report.passed
    assert max_of(table, first | without_filters, ("F", "h", "B2")) == pytest.approx(5)
    # protect finds it by itself, given release 1 as known.
    hidden, report = protect(table, T, second, known=first)
    assert report.passed and ("F", "h", "S2") in hidden


def test_4_two_level_complement():
    units = tree("enhed", "O", {"O": ["A1", "A2"], "A1": ["F1"], "A2": ["F2", "F3"]})
    table = LinkedTable([units], {("F1",): [4], ("F2",): [8], ("F3",): [7]})
    report = audit(table, shown_except(table, {("A1",), ("F1",), ("A2",)}), T)
    assert ("A1",) in flagged(report)
    hidden, report = protect(table, T, table.cells)
    assert report.passed
    assert ("F2",) in hidden or ("F3",) in hidden
    assert hidden == {("A1",), ("F1",), ("A2",), ("F3",)}
    assert max_of(table, shown_except(table, hidden), ("A1",)) == pytest.approx(11)


def test_5_siblings_that_sum_to_five_are_each_derivable_through_the_filters():
    units = one_level("O", ["F1", "F2", "F3"])
    atoms = {
        ("F1", "a"): [3],
        ("F1", "h"): [0],
        ("F2", "a"): [0],
        ("F2", "h"): [2],
        ("F3", "a"): [7],
        ("F3", "h"): [5],
    }
    table = LinkedTable([units, FILTER], atoms)
    naive = {("F1", "alle"), ("F2", "alle"), ("F1", "a"), ("F2", "h")}
    report = audit(table, shown_except(table, naive), T)
    assert {("F1", "alle"), ("F2", "alle")} <= flagged(report)
    repaired = naive | {("F3", "a"), ("F3", "h")}
    shown = shown_except(table, repaired)
    assert audit(table, shown, T).passed
    assert max_of(table, shown, ("F1", "a")) == pytest.approx(5)
    assert max_of(table, shown, ("F2", "h")) == pytest.approx(5)
    hidden, report = protect(table, T, table.cells)
    assert report.passed


def test_6_bridge_passes_the_local_rules_and_fails_the_exact_check():
    units = one_level("O", ["F1", "F2", "F3", "F4"])
    filters = tree("hjælp", "alle", {"alle": ["alene", "medarb", "paar", "ikke"]})
    grid = {"F1": (6, 2, 5, 5), "F2": (7, 6, 3, 5), "F3": (5, 8, 5, 6), "F4": (9, 7, 6, 2)}
    groups = filters.children["alle"]
    atoms = {(f, g): [v] for f, row in grid.items() for g, v in zip(groups, row, strict=True)}
    table = LinkedTable([units, filters], atoms)
    hidden = {(f, g) for f in ("F1", "F2") for g in ("alene", "medarb")}
    hidden |= {(f, g) for f in ("F3", "F4") for g in ("paar", "ikke")}
    hidden.add(("F2", "paar"))
    report = audit(table, shown_except(table, hidden), T)
    finding = next(f for f in report.findings if f.cell == ("F2", "paar"))
    assert finding.exact and finding.value == 3


def test_7_residual_on_the_area_itself():
    units = tree("enhed", "A", {"A": ["F1", "F2", "A*"]})  # A*: answers registered on A
    table = LinkedTable([units], {("F1",): [9], ("F2",): [8], ("A*",): [3]})
    published = [("A",), ("F1",), ("F2",)]
    assert ("A*",) in flagged(audit(table, published, T))
    hidden, report = protect(table, T, published)
    assert report.passed and hidden & {("F1",), ("F2",)}


def test_8_one_audit_over_every_level_up_to_the_national():
    units = one_level("DK", ["O1", "O2"])
    atoms = {("O1", "a"): [36], ("O1", "h"): [4], ("O2", "a"): [20], ("O2", "h"): [10]}
    table = LinkedTable([units, FILTER], atoms)
    per_organisation = {("O1", "h"), ("O1", "a")}  # each organisation protected alone
    report = audit(table, shown_except(table, per_organisation), T)
    finding = next(f for f in report.findings if f.cell == ("O1", "h"))
    assert finding.exact and finding.value == 4  # = national helped 14 - O2 helped 10
    hidden, report = protect(table, T, table.cells)
    assert report.passed and ("O2", "h") in hidden


def test_9_a_theme_shares_the_pattern_of_its_questions():
    units = one_level("A", ["X", "Y"])
    table = LinkedTable(
        [units], {("X",): [6, 4, 5], ("Y",): [10, 10, 10]}, measures=("n", "Q1", "Q2")
    )
    hidden, report = protect(table, T, table.cells)
    assert report.passed
    # One pattern per cell: X is hidden for Q1 (4), and so for Q2 and the theme, which a page
    # shows from the same cell.
    assert ("X",) in hidden and ("Y",) in hidden


def test_findings_explain_the_derivation_in_published_numbers():
    units = one_level("O", ["F1", "F2"])
    table = LinkedTable([units], {("F1",): [3], ("F2",): [9]})
    report = audit(table, [("O",), ("F2",)], T, explain=True)
    (finding,) = report.findings
    assert finding.explain(table) == "[F1] (n) = [O] - [F2] = 12 - 9 = 3"


def test_12_scale_eight_organisations_forty_areas_three_hundred_facilities():
    rng = random.Random(12)
    organisations = [f"O{i}" for i in range(8)]
    areas = {o: [f"{o}A{j}" for j in range(5)] for o in organisations}
    children: dict = {"DK": organisations}
    facilities = []
    for o in organisations:
        children[o] = areas[o]
        for a in areas[o]:
            children[a] = [f"{a}F{k}" for k in range(7 + (a.endswith("0")) * 3)]
            facilities += children[a]
    facilities = facilities[:300]
    for a in [a for o in organisations for a in areas[o]]:
        children[a] = [f for f in children[a] if f in facilities]
    units = tree("enhed", "DK", children)
    filters = tree("hjælp", "alle", {"alle": ["selv", "hjaelp", "ikke"]})
    questions = 15
    atoms = {}
    for f in facilities:
        for g in filters.children["alle"]:
            n = rng.choice([0, 1, 2, 3, 4, 6, 8, 12])
            atoms[(f, g)] = [n] + [max(0, n - rng.choice([0, 0, 1])) for _ in range(questions)]
    table = LinkedTable([units, filters], atoms, measures=["n", *map(str, range(questions))])
    assert len(table.cells) == (1 + 8 + 40 + 300) * 4
    hidden, report = protect(table, T, table.cells)
    assert report.passed
    assert audit(table, shown_except(table, hidden), T).passed


@st.composite
def organisations(draw):
    """A random organisation: areas of tilbud, each with a random count per help group, in one
    or two releases."""
    areas = draw(st.integers(1, 3))
    children = {"O": [f"A{a}" for a in range(areas)]}
    leaves = []
    for a in range(areas):
        kids = [f"A{a}F{f}" for f in range(draw(st.integers(1, 4)))]
        children[f"A{a}"] = kids
        leaves += kids
    releases = draw(st.integers(1, 2))
    sizes = st.integers(0, 9)
    atoms = {}
    for leaf in leaves:
        for group in ("selv", "hjaelp", "ikke"):
            for batch in ["S1"] if releases == 1 else ["S1", "B2"]:
                n = draw(sizes)
                atom = (leaf, group) if releases == 1 else (leaf, group, batch)
                atoms[atom] = [n, max(0, n - draw(st.integers(0, 2)))]
    return children, releases, atoms


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(organisations())
def test_protect_passes_its_own_audit_and_an_independent_attacker(case):
    children, releases, atoms = case
    dims = [
        tree("enhed", "O", children),
        tree("hjælp", "alle", {"alle": ["selv", "hjaelp", "ikke"]}),
    ]
    if releases == 2:
        dims.append(tree("udgivelse", "S2", {"S2": ["S1", "B2"]}))
    table = LinkedTable(dims, atoms, measures=("n", "q"))
    if releases == 1:
        hidden, report = protect(table, T, table.cells)
        shown = shown_except(table, hidden)
    else:
        first = {c for c in table.cells if c[2] == "S1"}
        first_hidden, report = protect(LinkedTable(dims, atoms, ("n", "q")), T, first)
        known = first - first_hidden
        second = {c for c in table.cells if c[2] == "S2"}
        hidden, report = protect(table, T, second, known=known)
        shown = known | (second - hidden)
    assert report.passed
    for cell in table.cells:
        if cell in shown:
            continue
        for m in range(2):
            if 0 < table.values[cell][m] < T:
                assert max_of(table, shown, cell, m) >= T - 1e-6, (cell, m)
