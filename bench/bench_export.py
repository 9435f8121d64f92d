"""Export speed and peak memory vs bare openpyxl write-only for the same number of cells.

    .venv/bin/python bench/bench_export.py [--responses 10000 100000]   (add 1000000 if patient)

The results workbook's size does not grow with responses (it reads the counts table); the raw
data sheet does, one row per response. So each size is measured with --raw (the analyst's
export, the largest) and the ratio is against openpyxl writing the same cells bare.
"""

import argparse
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

import openpyxl
from openpyxl import Workbook

from ordet import create_app, demo
from ordet.auth.models import ADMIN
from ordet.auth.scope import Scope
from ordet.export.service import export_round
from ordet.extensions import db


def bare(cells: list[tuple[int, int]], out: Path) -> None:
    wb = Workbook(write_only=True)
    for rows, cols in cells:
        ws = wb.create_sheet()
        row = ["tekst", 3, 0.5, "Specialområde Autisme"] + ["ja"] * (cols - 4)
        for _ in range(rows):
            ws.append(row[:cols])
    wb.save(out)


def measure(fn) -> tuple[float, float]:
    """Wall time of an untraced run, then peak Python memory of a second, traced run.

    tracemalloc slows Python down several times, so time and memory come from separate runs.
    """
    start = time.perf_counter()
    fn()
    elapsed = time.perf_counter() - start
    tracemalloc.start()
    fn()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, peak / 2**20


def run(responses: int, tmp: Path) -> None:
    url = f"sqlite:///{tmp / f'bench-{responses}.sqlite'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True})
    with app.app_context():
        db.create_all()
        summary = demo.seed("bench", date.today(), responses)
        db.session.commit()
        round_ = summary.current_round
        scope = Scope(((ADMIN, round_.organisation_id, None, None),))
        out = tmp / f"export-{responses}.xlsx"
        for raw in (False, True):
            seconds, peak = measure(
                lambda raw=raw: export_round(round_.slug, scope, out, None, "bench", True, raw)
            )
            db.session.rollback()
            wb = openpyxl.load_workbook(out, read_only=True)
            cells = []
            for ws in wb.worksheets:
                rows = list(ws.iter_rows(values_only=True))
                cells.append((len(rows), max((len(r) for r in rows), default=0)))
            wb.close()
            total = sum(r * c for r, c in cells)
            base, base_peak = measure(lambda cells=cells: bare(cells, tmp / "bare.xlsx"))
            label = "with raw data" if raw else "results only "
            print(f"{responses:>8} responses, {label}: {total:>10,} cells  export {seconds:6.1f} s "
                  f"peak {peak:6.1f} MiB | bare write-only {base:6.1f} s peak {base_peak:5.1f} MiB"
                  f" | ratio {seconds / base:.2f}")
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--responses", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.responses:
            run(n, Path(tmp))


if __name__ == "__main__":
    main()
