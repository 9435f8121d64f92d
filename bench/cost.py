"""Server CPU per request, one request at a time, through gunicorn (1 sync worker) on 127.0.0.1.

    .venv/bin/python bench/cost.py                          # SQLite and PostgreSQL, 300 each
    .venv/bin/python bench/cost.py --engines postgresql --requests 500

Throughput on a shared machine moves with everyone else's load; the worker's own CPU time per
request (from /proc, so gunicorn's parsing and logging count too) moves much less. Prints it
for the bare insert handler (the ceiling of bench/load.py), a screen save, the submit (last
screen) and a question page, and the save and submit as a share of the bare handler's cost.
"""

import argparse
import asyncio
import os
import time

from bare import create_table as bare_table
from harness import (
    OPTION,
    QUESTION_KEY,
    Browser,
    app_env,
    choose_language,
    database,
    enrol,
    seed,
    start_server,
)


class Meter:
    def __init__(self, server):
        self.server, self.cpu, self.count, self.wall = server, 0.0, 0, 0.0
        self.workers = server.worker_pids()

    async def __call__(self, request):
        cpu, wall = self.server.cpu_seconds(self.workers), time.perf_counter()
        reply = await request
        self.wall += time.perf_counter() - wall
        self.cpu += self.server.cpu_seconds(self.workers) - cpu
        self.count += 1
        return reply

    def add(self, other: "Meter") -> None:
        self.cpu, self.wall, self.count = (
            self.cpu + other.cpu,
            self.wall + other.wall,
            self.count + other.count,
        )

    def __str__(self) -> str:
        n = max(self.count, 1)
        return (
            f"{self.cpu / n * 1000:5.2f} ms CPU/request  ({self.wall / n * 1000:5.2f} ms wall, "
            f"n={self.count})"
        )


async def run(engine: str, requests: int, durable: bool) -> None:
    with database(engine, durable) as (url, tmp, _cluster):
        codes = seed(url, 1)
        bare_table(url)
        env = app_env(url, tmp)
        print(f"\n== {engine}, load avg {os.getloadavg()[0]:.2f} ==")
        bare = start_server("bench.bare:create_app()", env, tmp, workers=1)
        try:
            browser, insert = Browser(bare.port), Meter(bare)
            for i in range(requests):
                await insert(browser.post("/insert", {"value": str(i)}))
        finally:
            bare.stop()
        server = start_server("ordet:create_app()", env, tmp, workers=1)
        try:
            browser = Browser(server.port)
            await enrol(browser, codes[0])
            token = await choose_language(browser)
            page = await browser.get("/svar/1")
            key, values = QUESTION_KEY.search(page.text).group(1), OPTION.findall(page.text)[:2]
            save, render = Meter(server), Meter(server)
            for i in range(requests):
                form = {
                    "csrf_token": token,
                    "question": key,
                    "value": values[i % 2],
                    "action": "next",
                }
                await save(browser.post("/svar/1", form))
                await render(browser.get("/svar/1"))
            last = await last_screens(server, browser, max(requests // 5, 20))
        finally:
            server.stop()
        print(f"  bare insert  {insert}")
        ceiling = insert.cpu / insert.count
        print(
            f"  screen save  {save}   = {ceiling / (save.cpu / save.count):.2f}"
            " of the bare handler's rate if CPU-bound"
        )
        print(f"  submit       {last}   = {ceiling / (last.cpu / last.count):.2f}")
        print(f"  page (GET)   {render}")


async def last_screens(server, browser: Browser, count: int) -> Meter:
    """Whole questionnaires answered like bench/load.py; only the POST that submits counts."""
    submit = Meter(server)
    for _ in range(count):
        token = await choose_language(browser)
        position = 1
        while True:
            page = await browser.get(f"/svar/{position}")
            key = QUESTION_KEY.search(page.text).group(1)
            form = {"csrf_token": token, "question": key, "action": "next"}
            if 'name="text"' in page.text:
                form["text"] = "bench"
            else:
                form["value"] = OPTION.search(page.text).group(1)
            screen = Meter(server)
            reply = await screen(browser.post(f"/svar/{position}", form))
            assert reply.status == 302, reply.status
            if reply.location.endswith("/svar/tak"):
                submit.add(screen)
                break
            position += 1
    return submit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--pg-no-fsync", action="store_true")
    args = parser.parse_args()
    for engine in args.engines.split(","):
        asyncio.run(run(engine, args.requests, not args.pg_no_fsync))


if __name__ == "__main__":
    main()
