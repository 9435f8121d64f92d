"""Load test: simulated kiosks answering whole questionnaires through gunicorn, on SQLite and
PostgreSQL, against a bare Flask insert handler served the same way. 127.0.0.1 only.

    .venv/bin/python bench/load.py                     # both engines, 100 kiosks, 1 s per screen
    .venv/bin/python bench/load.py --engines sqlite --clients 100 --think 1 --seconds 5

Two questions, answered in this order for each engine and number of kiosks:

1. **At the stated load** (``--clients`` kiosks whose borgere take ``--think`` seconds per
   screen, 0.5-1.5x at random): p50/p99 of a screen save and of a submit, errors, and at the
   end whether every acknowledged submit is stored exactly once. This is what a borger feels.
2. **At saturation** (the same kiosks, no thinking): requests/s of a screen save (POST of one
   answer) and of a submit alone (the last screen of drafts made ready beforehand, see
   ``harness.ready_drafts``), as a ratio to the bare insert handler measured just before and
   just after each phase (the machine's speed drifts during a run).

PostgreSQL runs with fsync and synchronous_commit on, as in production (``--pg-no-fsync``: the
test suite's settings). Each phase also prints the workers' CPU per request, the load
generator's CPU share and the load average: on a shared machine throughput moves with everyone
else's work. The summary at the end repeats the figures, stated load first.
"""

import argparse
import asyncio
from collections import Counter
from dataclasses import dataclass

from bare import create_table as bare_table
from harness import (
    Server,
    app_env,
    database,
    ready_drafts,
    running_redis,
    seed,
    start_server,
)
from kiosk_clients import (
    READY_PER_SECOND,
    Phase,
    Stats,
    bare_client,
    prepare_kiosks,
    questionnaire_client,
    save_client,
    save_setup,
    submit_client,
)
from tablet import (
    Browser,
    percentile,
)


def stored_exactly_once(url: str, acknowledged: list[str], unacknowledged: list[str]) -> bool:
    from ordet import create_app
    from ordet.answering.models import COMPLETE, Answer, Response
    from ordet.extensions import db

    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        stored = Counter(
            db.session.scalars(
                db.select(Answer.value)
                .join(Response)
                .where(Response.status == COMPLETE, Answer.question_key == "andet")
            )
        )
        complete = db.session.scalar(
            db.select(db.func.count()).select_from(Response).where(Response.status == COMPLETE)
        )
        db.session.remove()
        db.engine.dispose()
    missing = [n for n in acknowledged if stored[n] == 0]
    duplicated = [n for n, count in stored.items() if count > 1]
    unexplained = complete - len(acknowledged) - sum(stored[n] for n in unacknowledged)
    print(
        f"  exactly-once: {len(acknowledged)} acknowledged submits, {complete} complete "
        f"responses stored; missing {len(missing)}, duplicated {len(duplicated)}, "
        f"stored without acknowledgement {unexplained + sum(stored[n] for n in unacknowledged)}"
    )
    return not missing and not duplicated and unexplained == 0


async def bare_phase(server: Server, n: int, seconds: float, cap: int) -> float:
    """One phase of the bare handler; returns its requests per second."""
    phase = Phase(seconds, cap, server)
    browsers = [Browser(server.port) for _ in range(n)]
    stats = await phase.run([bare_client(phase, b, i) for i, b in enumerate(browsers)])
    print(
        f"  bare insert   {n:4d} clients: {stats.summary('insert')}"
        f"  errors {sum(stats.errors.values())}\n      {stats.costs()}"
    )
    return len(stats.latency["insert"]) / stats.elapsed


@dataclass
class EngineFigures:
    engine: str
    clients: int
    stated: Stats
    save_ratio: float
    submit_ratio: float
    exactly_once: bool = False

    def lines(self, think: float) -> list[str]:
        errors = sum(self.stated.errors.values())
        return [
            f"{self.engine}, {self.clients} kiosks, {think:g} s per screen: save p99 "
            f"{p99(self.stated, 'save'):.1f} ms, submit p99 {p99(self.stated, 'submit'):.1f} ms, "
            f"errors {errors}, exactly once {'yes' if self.exactly_once else 'NO'}",
            f"{self.engine}, {self.clients} kiosks at saturation: save {self.save_ratio:.2f}, "
            f"submit {self.submit_ratio:.2f} of the bare insert handler",
        ]


def p99(stats: Stats, kind: str) -> float:
    return percentile(stats.latency.get(kind, []), 0.99) * 1000


async def stated_phase(server: Server, kiosks: list[Browser], seconds: float, think: float):
    """Whole questionnaires at the offered load of people reading each screen."""
    n = len(kiosks)
    phase = Phase(seconds, 10**9, server)
    clients = [questionnaire_client(phase, b, i, think) for i, b in enumerate(kiosks)]
    stats = await phase.run(clients)
    print(
        f"  stated load   {n:4d} kiosks, {think:g} s per screen: "
        f"{len(stats.completed) / stats.elapsed:6.1f} complete responses/s, "
        f"{stats.requests / stats.elapsed:7.1f} requests/s, errors {dict(stats.errors) or 0}"
    )
    print(f"      save   {stats.summary('save')}")
    print(f"      submit {stats.summary('submit')}")
    print(f"      {stats.costs()}")
    return stats


async def saturation_phases(server, bare, kiosks, url, codes, seconds, cap, tag):
    """Bare, save, bare, submit, bare: each of ordet's phases against the mean of the bare
    phases just before and after it. Returns the save and submit ratios and the submit stats."""
    n = len(kiosks)
    before = await bare_phase(bare, n, seconds, cap)
    setups = await asyncio.gather(*(save_setup(b) for b in kiosks))
    phase = Phase(seconds, cap, server)
    clients = [save_client(phase, b, *s) for b, s in zip(kiosks, setups, strict=True)]
    stats = await phase.run(clients)
    after = await bare_phase(bare, n, seconds, cap)
    save_ratio = len(stats.latency["save"]) / stats.elapsed / ((before + after) / 2)
    print(
        f"  screen save   {n:4d} clients: {stats.summary('save')}  errors "
        f"{sum(stats.errors.values())}  ratio {save_ratio:.2f}\n      {stats.costs()}"
    )
    wanted = min(int(READY_PER_SECOND * seconds), cap)
    cookie_name, ready = ready_drafts(url, codes[:n], -(-wanted // n), tag=tag)
    before = after
    phase = Phase(seconds, cap, server)
    submits = await phase.run(
        [
            submit_client(phase, b, cookie_name, drafts)
            for b, drafts in zip(kiosks, ready, strict=True)
        ]
    )
    after = await bare_phase(bare, n, seconds, cap)
    submit_ratio = len(submits.latency["submit"]) / submits.elapsed / ((before + after) / 2)
    print(
        f"  submit        {n:4d} clients: {submits.summary('submit')}  errors "
        f"{dict(submits.errors) or 0}  ratio {submit_ratio:.2f}\n      {submits.costs()}"
    )
    return save_ratio, submit_ratio, submits


async def bench_engine(
    engine: str,
    levels: list[int],
    seconds: float,
    cap: int,
    stated_seconds: float,
    durable: bool,
    think: float,
    workers: int,
) -> list[EngineFigures]:
    with database(engine, durable) as (url, tmp, _cluster), running_redis(tmp) as redis_url:
        codes = seed(url, max(levels))
        bare_table(url)
        # Several workers: ordet refuses rate limits in per-worker memory (limit_storage.py).
        env = app_env(url, tmp, ORDET_REDIS_URL=redis_url)
        commits = (
            "fsync on every commit"
            if durable or engine == "sqlite"
            else "fsync and synchronous_commit off"
        )
        print(
            f"\n== {engine}, {commits} (gunicorn, {workers} sync workers, clients over fresh "
            "connections) =="
        )
        # Both servers stay up (an idle sync worker costs nothing); phases take turns.
        bare = start_server("bench.bare:create_app()", env, tmp, workers)
        server = start_server("ordet:create_app()", env, tmp, workers)
        acknowledged, unacknowledged, figures = [], [], []
        try:
            kiosks = await prepare_kiosks(server.port, codes)
            for n in levels:
                stated = await stated_phase(server, kiosks[:n], stated_seconds, think)
                save_ratio, submit_ratio, submits = await saturation_phases(
                    server, bare, kiosks[:n], url, codes, seconds, cap, f"{engine}-{n}"
                )
                for stats in (stated, submits):
                    acknowledged += stats.completed
                    unacknowledged += stats.unacknowledged
                stated.errors.update(submits.errors)
                figures.append(EngineFigures(engine, n, stated, save_ratio, submit_ratio))
        finally:
            server.stop()
            bare.stop()
        once = stored_exactly_once(url, acknowledged, unacknowledged)
        for figure in figures:
            figure.exactly_once = once
        return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--clients", default="100", help="kiosks (a list: each in turn)")
    parser.add_argument("--seconds", type=float, default=6.0, help="per saturation phase")
    parser.add_argument(
        "--stated-seconds", type=float, default=45.0, help="the phase at the stated load"
    )
    parser.add_argument("--max-requests", type=int, default=200_000, help="per phase")
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="seconds a person takes on each screen at the stated load",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="gunicorn sync workers for both servers (the issue's ceiling: 2; production: "
        "2 x cores + 1)",
    )
    parser.add_argument(
        "--pg-no-fsync",
        action="store_true",
        help="PostgreSQL with fsync and synchronous_commit off (CPU cost alone)",
    )
    args = parser.parse_args()
    levels = [int(n) for n in args.clients.split(",")]
    figures: list[EngineFigures] = []
    for engine in args.engines.split(","):
        figures += asyncio.run(
            bench_engine(
                engine,
                levels,
                args.seconds,
                args.max_requests,
                args.stated_seconds,
                not args.pg_no_fsync,
                args.think,
                args.workers,
            )
        )
    print("\nSummary (stated load first):")
    for figure in figures:
        print("  " + figure.lines(args.think)[0])
    for figure in figures:
        print("  " + figure.lines(args.think)[1])
    ok = all(f.exactly_once and not f.stated.errors for f in figures)
    print("\nRESULT:", "OK — no errors, every response stored exactly once" if ok else "FAILED")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
