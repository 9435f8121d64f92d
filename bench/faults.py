"""Fault tests through gunicorn on 127.0.0.1: nothing is lost, nothing is stored twice.

    .venv/bin/python bench/faults.py            # every scenario, SQLite and PostgreSQL

1. A gunicorn worker is killed (SIGKILL) mid-submit; the tablet retries → exactly one response.
   The submit is held mid-transaction by a lock from another connection, so the kill lands
   inside it every time. Also: the submit commits but its reply is lost; the retry stores nothing.
2. PostgreSQL is stopped for a few seconds → "Prøv igen om lidt" with the answer kept on the
   page; after the restart, pressing again stores it.
3. SQLite is busy (another writer holds the lock for 2 s) → the save waits and succeeds.
4. SMTP is down → the outbox keeps every message; once SMTP is back, all are delivered once.
"""

import asyncio
import re
import sqlite3
import subprocess
import sys
import threading
import time

import psycopg
from fault_smtp import smtp_down
from harness import (
    app_env,
    database,
    seed,
    start_server,
)
from sqlalchemy.engine import make_url
from tablet import (
    OPTION,
    QUESTION_KEY,
    Browser,
    choose_language,
    enrol,
)

from tests import postgres

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
results: list[tuple[str, bool, str]] = []


def report(name: str, ok: bool, detail: str) -> None:
    results.append((name, ok, detail))
    print(f"  [{'ok' if ok else 'FAIL'}] {name}: {detail}")


async def walk_to_last(browser: Browser, nonce: str) -> tuple[int, dict]:
    """Answer every screen but the last; return the last screen's position and form."""
    token = await choose_language(browser)
    position = 1
    while True:
        page = await browser.get(f"/svar/{position}")
        key = QUESTION_KEY.search(page.text).group(1)
        form = {"csrf_token": token, "question": key, "action": "next"}
        if 'name="text"' in page.text:
            form["text"] = nonce if key == "andet" else "x"
        else:
            form["value"] = OPTION.search(page.text).group(1)
        if "Send mine svar" in page.text:
            return position, form
        reply = await browser.post(f"/svar/{position}", form)
        assert reply.status == 302, reply.status
        position += 1


def complete_with(url: str, nonce: str) -> int:
    from ordet import create_app
    from ordet.answering.models import COMPLETE, Answer, Response
    from ordet.extensions import db

    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        found = db.session.scalar(
            db.select(db.func.count())
            .select_from(Answer)
            .join(Response)
            .where(Response.status == COMPLETE, Answer.value == nonce)
        )
        db.session.remove()
        db.engine.dispose()
    return found


def libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(False)


def hold_lock(engine: str, url: str):
    """Another connection that blocks the submit's writes; returns a function releasing it."""
    if engine == "sqlite":
        other = sqlite3.connect(
            make_url(url).database, isolation_level=None, check_same_thread=False
        )
        other.execute("BEGIN IMMEDIATE")
    else:
        other = psycopg.connect(libpq(url))
        other.execute("SELECT id FROM response WHERE status = 'draft' FOR UPDATE")
    return lambda: (other.rollback(), other.close())


async def wait_for_workers(server, count: int) -> None:
    for _ in range(200):
        if len(server.worker_pids()) >= count:
            return
        await asyncio.sleep(0.05)


async def killed_worker(engine: str, url: str, server, code: str, spare: str) -> None:
    browser = Browser(server.port)
    await enrol(browser, code)
    nonce = f"killed-{engine}-{time.monotonic_ns()}"
    position, form = await walk_to_last(browser, nonce)
    release = hold_lock(engine, url)
    submit = asyncio.create_task(browser.post(f"/svar/{position}", form))
    await asyncio.sleep(1.0)  # the worker is now inside the submit, waiting for the lock
    [worker] = server.worker_pids()
    subprocess.run(["kill", "-KILL", str(worker)], check=True)  # that worker's pid only
    try:
        await submit
        lost = False
    except (ConnectionError, IndexError, asyncio.IncompleteReadError):
        lost = True
    release()
    await asyncio.sleep(0.5)
    await wait_for_workers(server, 1)
    retry = await browser.post(f"/svar/{position}", form)
    stored = complete_with(url, nonce)
    report(
        f"{engine}: worker killed mid-submit, then retry",
        lost and retry.status == 302 and retry.location.endswith("/svar/tak") and stored == 1,
        f"first reply lost={lost}, retry {retry.status} → {retry.location}, stored {stored}×",
    )

    # The reply to a committed submit is lost (tablet never saw it): the retry adds nothing.
    other = Browser(server.port)
    await enrol(other, spare)
    nonce = f"lost-reply-{engine}-{time.monotonic_ns()}"
    position, form = await walk_to_last(other, nonce)
    cookies = dict(other.cookies)
    first = await other.post(f"/svar/{position}", form)
    other.cookies = cookies  # as if the reply (and its cookie) never arrived
    retry = await other.post(f"/svar/{position}", form)
    stored = complete_with(url, nonce)
    report(
        f"{engine}: submit committed but reply lost, then retry",
        first.status == 302 and retry.status in (302, 303) and stored == 1,
        f"first {first.status}, retry {retry.status} → {retry.location}, stored {stored}×",
    )


async def database_down(url: str, server, cluster, code: str) -> None:
    browser = Browser(server.port)
    await enrol(browser, code)
    token = await choose_language(browser)
    page = await browser.get("/svar/1")
    key = QUESTION_KEY.search(page.text).group(1)
    value = OPTION.search(page.text).group(1)
    form = {"csrf_token": token, "question": key, "value": value, "action": "next"}
    stop = postgres._as_user(["pg_ctl", "-D", str(cluster.data), "-m", "fast", "-w", "stop"])
    subprocess.run(stop, check=True, capture_output=True)
    down = await browser.post("/svar/1", form)
    kept = dict(HIDDEN.findall(down.text))
    options = (
        f"-p {cluster.port} -k {cluster.dir} -c listen_addresses=127.0.0.1 -c max_connections=200"
    )
    started = time.monotonic()
    await asyncio.sleep(3)  # "a few seconds" of outage
    subprocess.run(
        postgres._as_user(
            [
                "pg_ctl",
                "-D",
                str(cluster.data),
                "-o",
                options,
                "-l",
                str(cluster.dir / "log"),
                "-w",
                "start",
            ]
        ),
        check=True,
        capture_output=True,
    )
    retry = await browser.post("/svar/1", {**kept, "action": kept.get("action", "next")})
    ok = (
        down.status == 503
        and "Prøv igen om lidt" in down.text
        and kept.get("value") == value
        and retry.status == 302
        and retry.location.endswith("/svar/2")
    )
    report(
        "postgresql: database stopped for ~3 s",
        ok,
        f"while down {down.status} (answer kept: {kept.get('value') == value}), after restart "
        f"{time.monotonic() - started:.1f} s later the same button → {retry.status} "
        f"{retry.location}",
    )


async def sqlite_busy(url: str, server, code: str) -> None:
    browser = Browser(server.port)
    await enrol(browser, code)
    token = await choose_language(browser)
    page = await browser.get("/svar/1")
    form = {
        "csrf_token": token,
        "question": QUESTION_KEY.search(page.text).group(1),
        "value": OPTION.search(page.text).group(1),
        "action": "next",
    }
    release = hold_lock("sqlite", url)
    timer = threading.Timer(2.0, release)
    timer.start()
    t0 = time.perf_counter()
    reply = await browser.post("/svar/1", form)
    took = time.perf_counter() - t0
    timer.join()
    report(
        "sqlite: another writer holds the lock for 2 s",
        reply.status == 302,
        f"save → {reply.status} after waiting {took:.1f} s",
    )


async def run_engine(engine: str) -> None:
    print(f"\n== {engine} ==")
    with database(engine) as (url, tmp, cluster):
        codes = seed(url, 5)
        server = start_server("ordet:create_app()", app_env(url, tmp), tmp, workers=1)
        try:
            await killed_worker(engine, url, server, codes[0], codes[1])
            if engine == "postgresql":
                await database_down(url, server, cluster, codes[2])
            else:
                await sqlite_busy(url, server, codes[2])
        finally:
            server.stop()
        report(*smtp_down(url, tmp))


def main() -> None:
    engines = sys.argv[1:] or ["sqlite", "postgresql"]
    for engine in engines:
        asyncio.run(run_engine(engine))
    failed = [name for name, ok, _ in results if not ok]
    print(
        "\nRESULT:",
        "OK — every fault handled, nothing lost or doubled" if not failed else f"FAILED: {failed}",
    )
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
