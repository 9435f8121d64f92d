"""Simulated kiosks for ``load.py``: phases of concurrent clients and what each client does."""

import asyncio
import os
import random
import resource
import time
from collections import Counter
from dataclasses import dataclass, field

from harness import (
    ReadyDraft,
    Server,
)
from tablet import (
    OPTION,
    QUESTION_KEY,
    Browser,
    Reply,
    choose_language,
    enrol,
    percentile,
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
