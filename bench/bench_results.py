"""Results at scale: page data (from the newest release) vs a bare count(*) over answers; the
attacker's audit of the open round; submit with vs without counts.

.venv/bin/python bench/bench_results.py [--responses 100000]   (1000000 for the issue's figure)
--db FILE.sqlite reuses (or keeps) a generated database, e.g. bench_export.py's --data files;
the submit figures add ~2,400 responses to it.
ORDET_BENCH_PG_URL=postgresql+psycopg://... also runs on PostgreSQL (the database is wiped).
"""

import argparse
import os
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import text

from ordet import create_app, demo
from ordet.answering import services
from ordet.answering.models import DRAFT, Answer, Response
from ordet.auth.models import User
from ordet.auth.permissions import RESULTS_READ
from ordet.auth.scope import Scope
from ordet.extensions import db
from ordet.org.models import Tilbud
from ordet.results.aggregate import round_results
from ordet.results.attack import audit_round, organisation_scopes
from ordet.results.presentation import unit_view, visible_units
from ordet.weeks import week_of


def best(fn, repeat=5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def page(round_, unit_kind: str):
    results = round_results(round_, "borger")
    admin = db.session.scalar(db.select(User).where(User.email == "admin@demo.ordet.dk"))
    units = visible_units(results, Scope.of(admin), RESULTS_READ)
    unit = next(u for u in units if u.kind == unit_kind)
    return unit_view(results, unit, units)


def complete_one(round_, tilbud, with_counts: bool) -> None:
    response = Response(
        round_id=round_.id,
        tilbud_id=tilbud.id,
        questionnaire="borger",
        questionnaire_version=1,
        channel="kiosk",
        language="da",
        status=DRAFT,
        answered_week=week_of(date.today()),
        assisted="nej",
    )
    keys = [
        "glad_for_stedet",
        "dagen_god",
        "tryg",
        "bestemmer_selv",
        "medarbejdere_lytter",
        "medarbejdere_hjaelper",
        "venner",
        "aktiviteter",
        "mad",
        "sover_godt",
        "droemme",
    ]
    response.answers = [Answer(question_key=k, value="ja") for k in keys]
    response.answers.append(Answer(question_key="hjaelp", value="nej"))
    db.session.add(response)
    db.session.flush()
    if with_counts:
        services.submit(services.draft_by_id(response.id), date.today())
    else:  # the same transaction without the counts upsert
        response.status = "complete"
        response.draft_key_hash = None
        db.session.flush()
    db.session.commit()


def run(url: str, responses: int) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as c:
                c.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        db.create_all()
        start = time.perf_counter()
        summary = demo.seed("bench", date.today(), responses)
        db.session.commit()
        answers = db.session.scalar(text("SELECT count(*) FROM answer"))
        print(
            f"[{db.engine.dialect.name}] seeded {responses} responses, {answers} answers "
            f"(with recount) in {time.perf_counter() - start:.1f} s"
        )
        round_ = summary.current_round
        start = time.perf_counter()
        audits = audit_round(round_, organisation_scopes(round_.organisation_id))
        audit_s = time.perf_counter() - start
        passed = all(a.report.passed for a in audits)
        print(
            f"  audit-disclosure of {round_.slug} ({len(audits)} patterns, every user): "
            f"{audit_s:.1f} s, {'passed' if passed else 'FINDINGS'}"
        )
        bare = best(lambda: db.session.scalar(text("SELECT count(*) FROM answer")))
        org = best(lambda: page(round_, "organisation"))
        area = best(lambda: page(round_, "specialomraade"))
        print(f"  bare SELECT count(*) FROM answer: {bare * 1000:8.1f} ms")  # noqa: S608
        print(f"  organisation page data:           {org * 1000:8.1f} ms  ratio {org / bare:.2f}")
        print(f"  specialområde page data:          {area * 1000:8.1f} ms  ratio {area / bare:.2f}")
        tilbud = db.session.get(Tilbud, 1)
        n = 200
        for flag in (False, True):
            complete_one(round_, tilbud, flag)  # warm up
        plain = best(lambda: [complete_one(round_, tilbud, False) for _ in range(n)], 3) / n
        counted = best(lambda: [complete_one(round_, tilbud, True) for _ in range(n)], 3) / n
        print(f"  complete one response, no counts: {plain * 1000:8.2f} ms")
        print(
            f"  complete one response + counts:   {counted * 1000:8.2f} ms  "
            f"ratio {counted / plain:.2f}"
        )
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--db", type=Path, help="SQLite file to reuse or keep")
    args = parser.parse_args()
    if args.db:
        run(f"sqlite:///{args.db}", args.responses)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            run(f"sqlite:///{Path(tmp) / 'bench.sqlite'}", args.responses)
    if os.environ.get("ORDET_BENCH_PG_URL"):
        run(os.environ["ORDET_BENCH_PG_URL"], args.responses)


if __name__ == "__main__":
    main()
