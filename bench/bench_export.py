"""Export time and peak memory vs bare write-only openpyxl writing the same cells.

    .venv/bin/python bench/bench_export.py [--responses 10000 100000] [--data DIR]
    (add 1000000 if patient; --data keeps the generated databases for the next run)

Each size is one SQLite file, generated once by ``demo.seed`` (bulk insert + recount). Every
figure comes from a fresh child process, so peak RSS (``ru_maxrss``) is that run's own:

- export: ``export_round`` for the demo's current round, the whole organisation in scope,
  with comments; once as the results workbook, once with the raw data sheets as well
  (the analyst's export, the one that grows with responses). Export and bare runs alternate
  ``--repeat`` times (the machine is shared: a busy moment then hits both alike); each
  figure is the best of its runs.
- bare: openpyxl write-only writing the same sheets with the same number of cells per
  column, each column's cells of the same kind (text, integer, decimal, date) and number
  format as the export's (taken from the workbook the export wrote), one fresh
  ``WriteOnlyCell`` per formatted cell as openpyxl's docs show. No queries, no computation:
  the ratio is everything ordet adds on top of writing the cells. "bare, no formats" is the
  same cells as plain values, for reference.
- peak Python memory (tracemalloc) is a second child with tracing on (tracing slows it down,
  so its time is not used).
"""

import argparse
import json
import pickle
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def child(argv: list[str]) -> dict:
    """Run this script as a fresh process and return the JSON line it prints."""
    done = subprocess.run(
        [sys.executable, __file__, *argv], capture_output=True, text=True, check=False, cwd=ROOT
    )
    if done.returncode:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def app_for(db_file: Path):
    from ordet import create_app

    url = f"sqlite:///{db_file}"
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True})


def seed(db_file: Path, responses: int) -> dict:
    from ordet import demo
    from ordet.extensions import db

    start = time.perf_counter()
    with app_for(db_file).app_context():
        db.create_all()
        demo.seed("bench", date.today(), responses)
        db.session.commit()
    return {"seconds": time.perf_counter() - start}


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def timed(fn, repeat: int, trace: bool) -> dict:
    if trace:
        tracemalloc.start()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    traced = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
    return {"seconds": min(times), "rss_mib": peak_rss_mib(), "traced_mib": traced}


def export(db_file: Path, out: Path, raw: bool, repeat: int, trace: bool) -> dict:
    from ordet.answering.models import COMPLETE, PARTIAL, Response
    from ordet.auth.models import ADMIN
    from ordet.auth.scope import Scope
    from ordet.export.service import export_round
    from ordet.extensions import db
    from ordet.rounds.models import Round

    with app_for(db_file).app_context():
        round_ = db.session.scalars(db.select(Round).order_by(Round.opens_on.desc())).first()
        in_round = db.session.scalar(
            db.select(db.func.count(Response.id)).where(
                Response.round_id == round_.id, Response.status.in_((COMPLETE, PARTIAL))
            )
        )
        scope = Scope(((ADMIN, round_.organisation_id, None, None),))

        def run():
            export_round(round_.slug, scope, out, None, "bench", True, raw)
            db.session.rollback()

        figures = timed(run, repeat, trace)
    return figures | {"in_round": in_round}


def shape(xlsx: Path, spec_file: Path) -> int:
    """Per sheet: rows, and per column the number of cells, a sample value and its format."""
    import openpyxl

    wb = openpyxl.load_workbook(xlsx, read_only=True)
    sheets, total = [], 0
    for ws in wb.worksheets:
        columns: dict[int, list] = {}
        rows = 0
        for row in ws.iter_rows():
            rows += 1
            for index, cell in enumerate(row):
                if cell.value is None:
                    continue
                total += 1
                column = columns.setdefault(index, [0, cell.value, cell.number_format])
                column[0] += 1
        sheets.append((rows, columns))
    wb.close()
    spec_file.write_bytes(pickle.dumps(sheets))
    return total


def bare(spec_file: Path, out: Path, formats: bool, repeat: int, trace: bool) -> dict:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    sheets = pickle.loads(spec_file.read_bytes())  # noqa: S301 (our own file, just written)

    def run():
        wb = Workbook(write_only=True)
        for rows, columns in sheets:
            ws = wb.create_sheet()
            width = max(columns, default=-1) + 1
            for i in range(rows):
                row = [None] * width
                for index, (count, value, number_format) in columns.items():
                    if i >= count:
                        continue
                    if formats and number_format != "General":
                        cell = WriteOnlyCell(ws, value=value)
                        cell.number_format = number_format
                        row[index] = cell
                    else:
                        row[index] = value
                ws.append(row)
        wb.save(out)

    return timed(run, repeat, trace)


def measure(responses: int, data: Path, repeat: int, trace: bool) -> None:
    db_file = data / f"export-{responses}.sqlite"
    if not db_file.exists():
        made = child(["--child", "seed", "--db", str(db_file), "--n", str(responses)])
        print(f"generated {responses:,} responses in {made['seconds']:.0f} s", flush=True)
    out, spec = data / f"export-{responses}.xlsx", data / f"export-{responses}.shape"
    for raw in (False, True):
        common = ["--db", str(db_file), "--out", str(out), "--repeat", "1"]
        flag = ["--raw"] if raw else []
        untraced = {"traced_mib": float("nan")}
        traced = child(["--child", "export", *common, *flag, "--trace"]) if trace else untraced
        if not trace:
            child(["--child", "export", *common, *flag])  # the workbook whose cells to copy
        cells = shape(out, spec)
        base_args = ["--spec", str(spec), "--out", str(data / "bare.xlsx"), "--repeat", "1"]
        base_traced = child(["--child", "bare", *base_args, "--trace"]) if trace else untraced
        runs, bases, plains = [], [], []
        for _ in range(repeat):  # interleaved, so a busy moment hits both sides alike
            runs.append(child(["--child", "export", *common, *flag]))
            bases.append(child(["--child", "bare", *base_args]))
            plains.append(child(["--child", "bare", *base_args, "--plain"]))
        run, base, plain = (min(x, key=lambda f: f["seconds"]) for x in (runs, bases, plains))
        label = "results + raw data" if raw else "results workbook  "
        print(
            f"{responses:>9,} responses ({run['in_round']:,} in the round), {label}: "
            f"{cells:>10,} cells\n"
            f"    export            {run['seconds']:7.2f} s  RSS {run['rss_mib']:6.1f} MiB  "
            f"traced {traced['traced_mib']:6.1f} MiB\n"
            f"    bare write-only   {base['seconds']:7.2f} s  RSS {base['rss_mib']:6.1f} MiB  "
            f"traced {base_traced['traced_mib']:6.1f} MiB\n"
            f"    bare, no formats  {plain['seconds']:7.2f} s\n"
            f"    ratio export/bare {run['seconds'] / base['seconds']:.2f}   "
            f"(vs no formats {run['seconds'] / plain['seconds']:.2f})",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--responses", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--data", type=Path, help="keep generated databases here")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", choices=["seed", "export", "bare"])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--spec", type=Path)
    parser.add_argument("--n", type=int)
    parser.add_argument("--raw", action="store_true")
    parser.add_argument("--trace", action="store_true")
    parser.add_argument("--no-trace", action="store_true", help="skip tracemalloc (slow at 1M)")
    parser.add_argument("--plain", action="store_true")
    args = parser.parse_args()
    if args.child == "seed":
        print(json.dumps(seed(args.db, args.n)))
    elif args.child == "export":
        print(json.dumps(export(args.db, args.out, args.raw, args.repeat, args.trace)))
    elif args.child == "bare":
        print(json.dumps(bare(args.spec, args.out, not args.plain, args.repeat, args.trace)))
    elif args.data:
        args.data.mkdir(parents=True, exist_ok=True)
        for n in args.responses:
            measure(n, args.data, args.repeat, not args.no_trace)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            for n in args.responses:
                measure(n, Path(tmp), args.repeat, not args.no_trace)


if __name__ == "__main__":
    main()
