"""Load test: simulated kiosks answering whole questionnaires through gunicorn, on SQLite and
PostgreSQL, against a bare Flask insert handler served the same way. 127.0.0.1 only.

    .venv/bin/python bench/load.py                     # both engines, 10/50/200 clients
    .venv/bin/python bench/load.py --engines sqlite --clients 10,200 --seconds 5
    .venv/bin/python bench/load.py --clients 10,50,200 --seconds 10 --long-seconds 45

PostgreSQL runs with fsync and synchronous_commit on, as in production (``--pg-no-fsync``: the
test suite's settings, where commits cost nothing and only CPU counts). Each phase also prints
the workers' CPU per request, the load generator's CPU share and the load average: on a shared
machine throughput moves with everyone else's work.

Prints, per engine and concurrency: requests/s and p50/p99 of the bare insert, of a screen save
(POST of one answer), of a submit alone (the last screen of drafts made ready beforehand, see
``harness.ready_drafts``) and of whole questionnaires (complete responses/s, save and submit
latency), the ratios against the bare handler (measured just before and just after each of
ordet's phases: the machine's speed drifts), then checks that every acknowledged submit is
stored exactly once.
"""

import argparse
import asyncio
import os
import random
import resource
import time
from collections import Counter
from dataclasses import dataclass, field

from bare import create_table as bare_table
from harness import (
    OPTION,
    QUESTION_KEY,
    Browser,
    ReadyDraft,
    Reply,
    Server,
    app_env,
    choose_language,
    database,
    enrol,
    percentile,
    ready_drafts,
    running_redis,
    seed,
    start_server,
)

ASSISTED_QUESTION = "hjaelp"  # the borger questionnaire's last screen when answered "nej"
# Drafts made ready per phase: enough for the ceiling (1,624 inserts/s) to run a whole
# phase on submits alone.
READY_PER_SECOND = 1700


@dataclass
class Stats:
    ok: int = 0
    errors: Counter = field(default_factory=Counter)
    latency: dict[str, list[float]] = field(default_factory=lambda: {"save": [], "submit": []})
    completed: list[str] = field(default_factory=list)
    unacknowledged: list[str] = field(default_factory=list)
    requests: int = 0
    elapsed: float = 0.0
    server_cpu: float = 0.0
    client_cpu: float = 0.0
    load: float = 0.0

    def timed(self, kind: str, seconds: float) -> None:
        self.latency.setdefault(kind, []).append(seconds)

    def summary(self, kind: str) -> str:
        values = self.latency.get(kind, [])
        return (
            f"{len(values) / self.elapsed:8.1f}/s  p50 {percentile(values, 0.5) * 1000:6.1f} ms"
            f"  p99 {percentile(values, 0.99) * 1000:6.1f} ms"
        )

    def costs(self) -> str:
        """Where the CPU went: the bench must not be what limits the server."""
        per_request = self.server_cpu / max(self.requests, 1) * 1000
        return (
            f"server CPU {per_request:.2f} ms/request, load generator "
            f"{self.client_cpu / self.elapsed * 100:.0f}% of a core, load avg {self.load:.2f}"
        )


def client_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Phase:
    def __init__(self, seconds: float, max_requests: int, server: Server):
        self.seconds, self.max_requests, self.server = seconds, max_requests, server
        self.stats = Stats()

    def running(self) -> bool:
        return time.monotonic() < self.deadline and self.stats.requests < self.max_requests

    async def call(self, coro):
        self.stats.requests += 1
        try:
            return await coro
        except (OSError, IndexError, AssertionError, asyncio.IncompleteReadError) as error:
            # A refused or reset connection is an error of the run, not a crash of the script.
            self.stats.errors[f"connection {type(error).__name__}"] += 1
            return Reply(0, "", "")

    async def run(self, workers) -> Stats:
        self.stats.load = os.getloadavg()[0]
        server_cpu, own_cpu = self.server.cpu_seconds(), client_cpu()
        started = time.monotonic()
        self.deadline = started + self.seconds
        await asyncio.gather(*workers)
        self.stats.elapsed = time.monotonic() - started
        self.stats.server_cpu = self.server.cpu_seconds() - server_cpu
        self.stats.client_cpu = client_cpu() - own_cpu
        return self.stats


async def bare_client(phase: Phase, browser: Browser, n: int) -> None:
    i = 0
    while phase.running():
        t0 = time.perf_counter()
        reply = await phase.call(browser.post("/insert", {"value": f"{n}-{i}"}))
        if reply.status == 200:
            phase.stats.timed("insert", time.perf_counter() - t0)
        else:
            phase.stats.errors[f"insert {reply.status}"] += 1
        i += 1


async def save_client(phase: Phase, browser: Browser, token: str, key: str, values) -> None:
    """The same screen saved again and again: one answer stored and committed per request."""
    i = 0
    while phase.running():
        form = {"csrf_token": token, "question": key, "value": values[i % 2], "action": "next"}
        t0 = time.perf_counter()
        reply = await phase.call(browser.post("/svar/1", form))
        if reply.status == 302:
            phase.stats.timed("save", time.perf_counter() - t0)
        else:
            phase.stats.errors[f"save {reply.status}"] += 1
        i += 1


async def questionnaire_client(phase: Phase, browser: Browser, n: int, think: float = 0) -> None:
    """Whole questionnaires: language, every screen (GET then POST), submit.

    ``think``: seconds a person looks at each screen before answering (random, 0.5-1.5x), so
    the offered load is that of real tablets instead of as fast as the server answers.
    """
    done = 0
    while phase.running():
        token = await phase.call(choose_language(browser))
        if not isinstance(token, str):
            continue
        nonce = f"bench-{n}-{done}-{time.monotonic_ns()}"
        position = 1
        while phase.running():  # at the deadline a half-answered draft is simply left
            page = await phase.call(browser.get(f"/svar/{position}"))
            if page.status != 200:
                phase.stats.errors[f"page {page.status}"] += 1
                break
            key = QUESTION_KEY.search(page.text).group(1)
            form = {"csrf_token": token, "question": key, "action": "next"}
            if 'name="text"' in page.text:
                form["text"] = nonce if key == "andet" else "bench"
            else:
                form["value"] = OPTION.search(page.text).group(1)
            if think:
                await asyncio.sleep(think * random.uniform(0.5, 1.5))  # noqa: S311
            t0 = time.perf_counter()
            reply = await phase.call(browser.post(f"/svar/{position}", form))
            took = time.perf_counter() - t0
            if reply.status != 302:
                phase.stats.errors[f"screen {reply.status}"] += 1
                if key == "andet" or "tak" in reply.location:
                    phase.stats.unacknowledged.append(nonce)
                break
            if reply.location.endswith("/svar/tak"):
                phase.stats.timed("submit", took)
                phase.stats.completed.append(nonce)
                done += 1
                break
            phase.stats.timed("save", took)
            position += 1


async def submit_client(
    phase: Phase, browser: Browser, cookie_name: str, drafts: list[ReadyDraft]
) -> None:
    """Submits alone: each request answers the last screen of a draft made ready beforehand."""
    while phase.running() and drafts:
        draft = drafts.pop()
        browser.cookies[cookie_name] = draft.session_cookie
        form = {
            "csrf_token": draft.csrf_token,
            "question": ASSISTED_QUESTION,
            "value": "nej",
            "action": "next",
        }
        t0 = time.perf_counter()
        reply = await phase.call(browser.post(f"/svar/{draft.position}", form))
        if reply.status == 302 and reply.location.endswith("/svar/tak"):
            phase.stats.timed("submit", time.perf_counter() - t0)
            phase.stats.completed.append(draft.nonce)
        else:
            phase.stats.errors[f"submit {reply.status}"] += 1
            phase.stats.unacknowledged.append(draft.nonce)


async def prepare_kiosks(port: int, codes: list[str]) -> list[Browser]:
    browsers = [Browser(port) for _ in codes]
    for start in range(0, len(codes), 20):
        await asyncio.gather(
            *(
                enrol(b, c)
                for b, c in zip(
                    browsers[start : start + 20], codes[start : start + 20], strict=True
                )
            )
        )
    return browsers


async def save_setup(browser: Browser):
    token = await choose_language(browser)
    page = await browser.get("/svar/1")
    values = OPTION.findall(page.text)[:2]
    return token, QUESTION_KEY.search(page.text).group(1), values


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


async def bench_engine(
    engine: str,
    levels: list[int],
    seconds: float,
    cap: int,
    long_seconds: float,
    durable: bool,
    think: float,
    workers: int,
) -> bool:
    """Per level: bare, save, bare, submit, bare, questionnaire, bare. Each of ordet's phases is
    compared with the mean of the bare phases just before and after it: the machine's speed
    drifts during a run, and a ceiling measured minutes earlier would move the ratio."""
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
        acknowledged, unacknowledged, clean = [], [], True
        try:
            kiosks = await prepare_kiosks(server.port, codes)
            for n in levels:
                before = await bare_phase(bare, n, seconds, cap)
                setups = await asyncio.gather(*(save_setup(b) for b in kiosks[:n]))
                phase = Phase(seconds, cap, server)
                stats = await phase.run(
                    [save_client(phase, b, *s) for b, s in zip(kiosks[:n], setups, strict=True)]
                )
                after = await bare_phase(bare, n, seconds, cap)
                rate = len(stats.latency["save"]) / stats.elapsed
                print(
                    f"  screen save   {n:4d} clients: {stats.summary('save')}  errors "
                    f"{sum(stats.errors.values())}  ratio {rate / ((before + after) / 2):.2f}"
                    f"\n      {stats.costs()}"
                )
                wanted = min(int(READY_PER_SECOND * seconds), cap)
                cookie_name, ready = ready_drafts(
                    url, codes[:n], -(-wanted // n), tag=f"{engine}-{n}"
                )
                before = after
                phase = Phase(seconds, cap, server)
                stats = await phase.run(
                    [
                        submit_client(phase, b, cookie_name, drafts)
                        for b, drafts in zip(kiosks[:n], ready, strict=True)
                    ]
                )
                after = await bare_phase(bare, n, seconds, cap)
                acknowledged += stats.completed
                unacknowledged += stats.unacknowledged
                clean &= not stats.errors
                rate = len(stats.latency["submit"]) / stats.elapsed
                print(
                    f"  submit        {n:4d} clients: {stats.summary('submit')}  errors "
                    f"{dict(stats.errors) or 0}  ratio {rate / ((before + after) / 2):.2f}"
                    f"\n      {stats.costs()}"
                )
                # A questionnaire is ~30 requests: at high concurrency each client needs a
                # longer phase to finish even one.
                before = after
                phase = Phase(seconds if n < 100 else long_seconds, cap, server)
                stats = await phase.run(
                    [questionnaire_client(phase, b, i, think) for i, b in enumerate(kiosks[:n])]
                )
                after = await bare_phase(bare, n, seconds, cap)
                acknowledged += stats.completed
                unacknowledged += stats.unacknowledged
                clean &= not stats.errors
                requests_rate = stats.requests / stats.elapsed
                print(
                    f"  questionnaire {n:4d} clients: {len(stats.completed) / stats.elapsed:6.1f}"
                    f" complete responses/s, {requests_rate:7.1f} requests/s "
                    f"(ratio {requests_rate / ((before + after) / 2):.2f}), "
                    f"errors {dict(stats.errors)}"
                )
                print(f"      save   {stats.summary('save')}")
                print(f"      submit {stats.summary('submit')}")
                print(f"      {stats.costs()}")
        finally:
            server.stop()
            bare.stop()
        return stored_exactly_once(url, acknowledged, unacknowledged) and clean


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--clients", default="10,50,200", help="concurrency levels")
    parser.add_argument("--seconds", type=float, default=6.0, help="per phase")
    parser.add_argument(
        "--long-seconds",
        type=float,
        default=None,
        help="questionnaire phase at 100+ clients (default: --seconds)",
    )
    parser.add_argument("--max-requests", type=int, default=200_000, help="per phase")
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="seconds a person reads each screen in the questionnaire phase",
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
    ok = True
    for engine in args.engines.split(","):
        ok &= asyncio.run(
            bench_engine(
                engine,
                levels,
                args.seconds,
                args.max_requests,
                args.long_seconds or args.seconds,
                not args.pg_no_fsync,
                args.think,
                args.workers,
            )
        )
    print("\nRESULT:", "OK — no errors, every response stored exactly once" if ok else "FAILED")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
