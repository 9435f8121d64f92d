"""Protect and audit a national-size table: ANONYMITY.md case 12 (8 organisations, 40 areas,
300 facilities, 3 help groups, 15 questions), vs building the table's sums (the bare baseline).

.venv/bin/python bench/bench_disclosure.py [--releases 2] [--seed 12]
"""

import argparse
import random
import time

from ordet.disclosure import Dimension, LinkedTable, audit, protect

THRESHOLD = 5
QUESTIONS = 15


def national(rng: random.Random, releases: int):
    organisations = [f"O{i}" for i in range(8)]
    children: dict = {"DK": organisations}
    facilities: list[str] = []
    for o in organisations:
        children[o] = [f"{o}A{j}" for j in range(5)]
        for a in children[o]:
            kids = [f"{a}F{k}" for k in range(8)]
            room = 300 - len(facilities)
            children[a] = kids[: max(1, min(len(kids), room))] if room > 0 else [f"{a}F0"]
            facilities += children[a]
    groups = ["selv", "hjaelp", "ikke"]
    dims = [Dimension("enhed", "DK", children), Dimension("hjælp", "alle", {"alle": groups})]
    batches = ["S1"]
    if releases == 2:
        dims.append(Dimension("udgivelse", "S2", {"S2": ["S1", "B2"]}))
        batches = ["S1", "B2"]
    atoms = {}
    for f in facilities:
        for g in groups:
            for b in batches:
                n = rng.choice([0, 1, 2, 3, 4, 6, 8, 12])
                values = [n] + [max(0, n - rng.choice([0, 0, 1])) for _ in range(QUESTIONS)]
                atoms[(f, g) if releases == 1 else (f, g, b)] = values
    return dims, atoms, len(facilities)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--releases", type=int, choices=(1, 2), default=1)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    dims, atoms, facilities = national(random.Random(args.seed), args.releases)
    measures = ["n", *(f"q{i}" for i in range(QUESTIONS))]
    start = time.perf_counter()
    table = LinkedTable(dims, atoms, measures)
    _ = table.relations, table.relations_of
    bare = time.perf_counter() - start
    if args.releases == 1:
        candidates, known = set(table.cells), set()
    else:
        first = {c for c in table.cells if c[2] == "S1"}
        hidden_first, _report = protect(table, THRESHOLD, first)
        known = first - hidden_first
        candidates = {c for c in table.cells if c[2] == "S2"}
    start = time.perf_counter()
    hidden, report = protect(table, THRESHOLD, candidates, known)
    protected = time.perf_counter() - start
    shown = known | (candidates - hidden)
    start = time.perf_counter()
    final = audit(table, shown, THRESHOLD)
    audited = time.perf_counter() - start
    print(
        f"{facilities} facilities x 3 groups, {len(table.cells)} cells, {len(measures)} measures, "
        f"{args.releases} release(s)"
    )
    print(f"  build the table (bare):  {bare:7.2f} s")
    print(f"  protect (incl. audits):  {protected:7.2f} s  ratio {protected / bare:6.1f}")
    print(
        f"  audit once:              {audited:7.2f} s  ratio {audited / bare:6.1f}  "
        f"({final.programs} linear programs, {final.components} components)"
    )
    print(f"  hidden {len(hidden)} of {len(candidates)} cells; audit passed: {final.passed}")


if __name__ == "__main__":
    main()
