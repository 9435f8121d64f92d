"""National results at scale (issue 21's Measure): 8 operators with 300 institutions each and
1,000,000 responses, expressed as the counts they produce (``ResultCount`` rows, as
``recount`` would leave them: 2 weeks x 3 help groups per institution). Then, with the real
code: each operator's release (``results.releases.publish``) and the national release
(``national.releases.publish_national``), timed; then, medians of ``--repeat`` runs, each against
a bare baseline in the same process:

- page data: ``national_results`` as the national page asks for it (nationally and per
  operator; target < 200 ms), as an operator's institutions ask for it, and for every
  institution (the workbook's), vs the bare read of every row of the national release's counts;
  ``landsplan_for`` (what an operator's own results page adds for "Landsplan"); the whole
  pages (HTML, through the app) for reference;
- national workbook: ``export_national`` (target < 5 s) vs bare write-only openpyxl writing
  the same rows (no formats, no tables).

.venv/bin/python bench/bench_national.py [--responses 1000000] [--repeat 5] [--db FILE.sqlite]
--db reuses (or keeps) a generated and published database; --insert-national inserts the
national release's rows (the organisation releases' counts and hidden institutions) instead of
publishing it, and says so. ORDET_BENCH_PG_URL=postgresql+psycopg://... also runs on
PostgreSQL (the database is wiped).
"""

import argparse
import os
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from national_world import CLOSES, SLUG, generate, publish_all
from openpyxl import Workbook
from sqlalchemy import func, select, text

from ordet import create_app
from ordet.auth.models import User
from ordet.auth.session import SEEN_KEY
from ordet.extensions import db
from ordet.national.figures import landsplan_for, latest_national, national_results
from ordet.national.models import NationalReleaseCount, NationalRound
from ordet.national.workbook import export_national, national_sheets
from ordet.results.models import ResultCount
from ordet.rounds.models import Round

BEST: dict[str, float] = {}  # the best run of each median, printed beside it


def median(fn, repeat: int, name: str) -> float:
    """The median of ``repeat`` runs (the best is kept in ``BEST[name]``: on a shared machine
    the distance between the two says how much the figure is worth)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    BEST[name] = min(times)
    return statistics.median(times)


def ms(value: float, name: str) -> str:
    return f"{value * 1000:8.1f} ms (best {BEST[name] * 1000:6.1f})"


def bare_read(release_id: int) -> list:
    c = NationalReleaseCount
    return db.session.execute(
        select(c.tilbud_id, c.question_key, c.value, c.count).where(c.release_id == release_id)
    ).all()


def bare_workbook(sheets: list[list[list]], out: Path) -> None:
    wb = Workbook(write_only=True)
    for rows in sheets:
        ws = wb.create_sheet()
        for row in rows:
            ws.append(row)
    wb.save(out)


def plain(value):
    return value if value is None or isinstance(value, int | float | date) else str(value)


def measure(app, national: NationalRound, repeat: int, out_dir: Path) -> None:
    today = date.today()
    release = latest_national(national.id)
    stored = db.session.scalar(
        select(func.count()).where(NationalReleaseCount.release_id == release.id)
    )
    results = national_results(national)
    shown = sum(not s.hidden for s in results.responses.values())
    print(
        f"  national release {release.number}: {stored:,} count rows, "
        f"{len(results.tree.units):,} units ({shown:,} shown), {release.respondents:,} respondents"
    )
    bare = median(lambda: bare_read(release.id), repeat, "bare")
    print(f"  bare read of the release's counts (every row):  {ms(bare, 'bare')}")
    operator = results.tree.children[results.root][0][1]
    for label, operators in (
        ("national_results, the page (national + operators)", ()),
        ("national_results, one operator's institutions   ", {operator}),
        ("national_results, every institution (workbook)  ", None),
    ):
        took = median(lambda o=operators: national_results(national, operators=o), repeat, label)
        ok = "" if operators is None else "  [ok]" if took < 0.2 else "  [OVER 200 ms]"
        print(f"  {label}: {ms(took, label)}  ratio {took / bare:5.2f}{ok}")
    round_ = db.session.scalar(select(Round).where(Round.national_round_id == national.id))
    beside = median(lambda: landsplan_for(round_), repeat, "beside")
    print(
        f"  landsplan_for (an operator's own results page):  {ms(beside, 'beside')}  "
        f"ratio {beside / bare:5.2f}"
    )
    client = app.test_client()
    user = db.session.scalar(select(User).where(User.email == "platform@bench.dk"))
    if user is None:
        user = User(email="platform@bench.dk", name="Bench", language="da", platform_admin=True)
        db.session.add(user)
        db.session.commit()
    with client.session_transaction() as s:
        s["_user_id"], s["_fresh"], s[SEEN_KEY] = user.get_id(), True, time.time()
    for label, url in (
        ("national + operators", f"/staff/landsplan/{national.slug}/"),
        ("one operator", f"/staff/landsplan/{national.slug}/?operatoer={operator}"),
    ):
        assert client.get(url).status_code == 200
        html = median(lambda u=url: client.get(u), repeat, url)
        print(f"  whole page, HTML ({label}): {ms(html, url)} (for reference)")
    out = out_dir / "landsplan.xlsx"
    with app.test_request_context():
        rows = [[[plain(v) for v in r] for r in s.rows] for s in national_sheets(results, today)]

        def workbook():
            export_national(national, out, None, "bench", today)
            db.session.rollback()  # the audit event

        runs = max(3, repeat // 2)
        export_s = median(workbook, runs, "export")
    bare_s = median(lambda: bare_workbook(rows, out_dir / "bare.xlsx"), runs, "bare_xlsx")
    cells = sum(len(r) for s in rows for r in s)
    ok = "ok" if export_s < 5 else "OVER the 5 s target"
    print(
        f"  bare write-only openpyxl, same rows:  {bare_s:6.2f} s (best {BEST['bare_xlsx']:5.2f})"
        f"  ({cells:,} cells)"
    )
    print(
        f"  national workbook (export_national):  {export_s:6.2f} s (best {BEST['export']:5.2f})"
        f"  ratio {export_s / bare_s:5.2f}  [{ok}]"
    )


def run(url: str, args, out_dir: Path) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True})
    with app.app_context():
        national = None
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as c:
                c.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        else:
            db.create_all()
            national = db.session.scalar(select(NationalRound).where(NationalRound.slug == SLUG))
        if db.engine.dialect.name == "postgresql":
            db.create_all()
        if national is None:
            start = time.perf_counter()
            national = generate(args.operators, args.institutions, args.responses)
            rows = db.session.scalar(select(func.count()).select_from(ResultCount))
            print(
                f"[{db.engine.dialect.name}] {args.operators} operators x {args.institutions} "
                f"institutions, {args.responses:,} responses as {rows:,} count rows: "
                f"{time.perf_counter() - start:.1f} s",
                flush=True,
            )
            publish_all(national, CLOSES + timedelta(days=1), args.insert_national)
        else:
            print(f"[{db.engine.dialect.name}] reusing {url}")
        measure(app, national, args.repeat, out_dir)
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--operators", type=int, default=8)
    parser.add_argument("--institutions", type=int, default=300, help="per operator")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--db", type=Path, help="SQLite file to reuse or keep")
    parser.add_argument("--insert-national", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "bench.sqlite"
        run(f"sqlite:///{path}", args, Path(tmp))
        if os.environ.get("ORDET_BENCH_PG_URL"):
            run(os.environ["ORDET_BENCH_PG_URL"], args, Path(tmp))


if __name__ == "__main__":
    main()
