"""Rate limits hold across gunicorn's workers (issue 18): the repo's gunicorn.conf.py, 3 workers.

An outside probe against gunicorn with 3 workers and the default per-process storage got 30 of
40 sign-ins, 15 of 25 kiosk PINs and 26-28 of 40 enrolment codes checked against limits of 10,
5 and 10: each worker counted on its own. Now such a server refuses to start, and with
``ORDET_REDIS_URL`` (a real redis-server) the same attacks, fired concurrently at 3 workers that
all answer, get exactly the limit checked. Each attack fits in its limit's window (the first
attempt starts it): seconds, against a minute.
"""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import pytest

from ordet import create_app
from ordet.extensions import db
from ordet.kiosk import services as kiosk_services
from ordet.kiosk.channel import COOKIE_NAME
from ordet.limit_storage import PROCESSES_VARIABLE

from .factories import csrf_from, make_tilbud

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
HOST = "127.0.0.1"
SECRET = "gunicorn-limits-test-secret"
WORKERS = 3
CLIENTS = 6  # concurrent attempts: every sync worker is kept busy
WRONG = 400  # a checked attempt: the form says the password, PIN or code is wrong
LIMITED = 429


class Gunicorn:
    """``gunicorn -c gunicorn.conf.py "ordet:create_app()"``, as the systemd unit starts it."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = int(env["ORDET_BIND"].rsplit(":", 1)[1])
        self.log_path = log
        with open(log, "wb") as stderr:  # the child keeps its own copy
            self.process = subprocess.Popen(
                [GUNICORN, "-c", str(ROOT / "gunicorn.conf.py"), "ordet:create_app()"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                start_new_session=True,  # its own process group: teardown ends every worker
            )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def answers_or_exits(self) -> bool:
        """Wait until the server answers /healthz (True) or has exited (False)."""
        deadline = time.monotonic() + 120  # a guard against hanging, not a measurement
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                if request(self.port, "GET", "/healthz", {})[0] == 200:
                    return True
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"gunicorn neither answered nor exited:\n{self.log()[-3000:]}")

    def worker_pids(self) -> list[int]:
        found = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True, text=True
        )
        return [int(pid) for pid in found.stdout.split()]

    def stop(self) -> None:
        """End the master and its workers: their process group, which only they are in. (A
        master that exited by itself has ended its workers: gunicorn halts them first.)"""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


@pytest.fixture
def gunicorn():
    started: list[Gunicorn] = []

    def start(env: dict[str, str], log: Path) -> Gunicorn:
        started.append(Gunicorn(env, log))
        return started[-1]

    yield start
    for server in started:
        server.stop()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_env(database_url: str, tmp_path: Path, **settings: str) -> dict[str, str]:
    """The production variables (DRIFT.md), none inherited from the test's environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ORDET_", "GUNICORN_"))}
    return {
        **env,
        "ORDET_DATABASE_URL": database_url,
        "ORDET_SECRET_KEY": SECRET,
        "ORDET_WORKERS": str(WORKERS),
        "ORDET_BIND": f"{HOST}:{free_port()}",
        "ORDET_ACCESS_LOG": str(tmp_path / "access.log"),
        **settings,
    }


@pytest.fixture
def database(tmp_path) -> tuple[str, str]:
    """A SQLite file with one tilbud and one enrolled tablet; the URL and the tablet's cookie."""
    url = f"sqlite:///{tmp_path / 'limits.sqlite'}"
    app = create_app({"SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
        tilbud = make_tilbud()
        code = kiosk_services.create_enrolment_code(tilbud, date.today(), days=14)
        device, secret = kiosk_services.enrol(code, date.today(), "Test")
        db.session.commit()
        cookie = kiosk_services.cookie_value(SECRET, device, secret)
        db.engine.dispose()
    return url, cookie


def request(port: int, method: str, path: str, cookies: dict, form=None) -> tuple[int, str]:
    """One request on a fresh connection (so that it may reach any worker); keeps cookies."""
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, value = header.split(";", 1)[0].partition("=")
            cookies[name.strip()] = value
        return response.status, text
    finally:
        connection.close()


def attempt(port: int, path: str, fields: dict, cookies: dict | None = None) -> tuple[int, str]:
    """What a person (or a script) does: open the form, send it."""
    jar = dict(cookies or {})
    status, page = request(port, "GET", path, jar)
    assert status == 200, page
    return request(port, "POST", path, jar, {**fields, "csrf_token": csrf_from(page)})


def attack(port: int, times: int, path: str, fields: dict, cookies=None) -> list[tuple[int, str]]:
    with ThreadPoolExecutor(CLIENTS) as pool:
        return list(pool.map(lambda _: attempt(port, path, fields, cookies), range(times)))


def bytes_written(pid: int) -> int:
    """What the worker has written so far; it writes an access log line for every request."""
    for line in Path(f"/proc/{pid}/io").read_text().splitlines():
        if line.startswith("wchar:"):
            return int(line.split()[1])
    raise AssertionError(f"no wchar in /proc/{pid}/io")


def every_worker_answers(server: Gunicorn) -> list[int]:
    """Health checks, concurrently, until each worker has answered one (all have the app
    loaded); returns the workers."""
    workers = server.worker_pids()
    assert len(workers) == WORKERS, server.log()
    before = {pid: bytes_written(pid) for pid in workers}
    deadline = time.monotonic() + 120  # a guard against hanging, not a measurement
    while any(bytes_written(pid) == before[pid] for pid in workers):
        assert time.monotonic() < deadline, f"a worker never answered:\n{server.log()[-3000:]}"
        with ThreadPoolExecutor(CLIENTS) as pool:
            list(pool.map(lambda _: request(server.port, "GET", "/healthz", {}), range(CLIENTS)))
    return workers


def statuses(results: list[tuple[int, str]]) -> dict[int, int]:
    counted: dict[int, int] = {}
    for status, _text in results:
        counted[status] = counted.get(status, 0) + 1
    return counted


def test_three_workers_with_limits_in_memory_refuse_to_start(gunicorn, database, tmp_path):
    # The production start of DRIFT.md without ORDET_REDIS_URL: limits in each worker's memory.
    server = gunicorn(server_env(database[0], tmp_path), tmp_path / "gunicorn.log")
    assert not server.answers_or_exits(), "gunicorn served 3 workers with per-worker limits"
    assert server.process.returncode != 0
    log = server.log()
    assert "rate limits are stored in each process's memory" in log
    assert "Set ORDET_REDIS_URL" in log and "ORDET_WORKERS=1" in log


def test_one_worker_may_keep_its_limits_in_memory(gunicorn, database, tmp_path):
    env = server_env(database[0], tmp_path, ORDET_WORKERS="1")
    server = gunicorn(env, tmp_path / "gunicorn.log")
    assert server.answers_or_exits(), server.log()[-3000:]


def test_three_workers_share_every_limit_through_redis(gunicorn, database, redis_url, tmp_path):
    url, tablet_cookie = database
    env = server_env(url, tmp_path, ORDET_REDIS_URL=redis_url)
    server = gunicorn(env, tmp_path / "gunicorn.log")
    assert server.answers_or_exits(), server.log()[-3000:]
    workers = every_worker_answers(server)
    before = {pid: bytes_written(pid) for pid in workers}

    logins = attack(
        server.port, 40, "/staff/log-ind", {"email": "leder@example.dk", "password": "gæt"}
    )
    pins = attack(
        server.port, 25, "/kiosk/indstillinger/", {"pin": "0000"}, {COOKIE_NAME: tablet_cookie}
    )
    codes = attack(server.port, 40, "/kiosk/tilmeld", {"code": "AAAAA-BBBBB", "label": ""})

    # Limits of 10 sign-ins per account, 5 PINs per tablet, 10 enrolment codes per address.
    assert statuses(logins) == {WRONG: 10, LIMITED: 30}
    assert statuses(pins) == {WRONG: 5, LIMITED: 20}
    assert statuses(codes) == {WRONG: 10, LIMITED: 30}
    assert all("Der er prøvet for mange gange" in text for s, text in logins if s == LIMITED)
    assert all("For mange forsøg" in text for s, text in pins if s == LIMITED)
    assert all("Der er prøvet for mange gange" in text for s, text in codes if s == LIMITED)
    # Every worker answered some of the attempts: the counts were shared, not one worker's.
    assert all(bytes_written(pid) > before[pid] for pid in workers)
    assert set(server.worker_pids()) == set(workers)  # none was replaced meanwhile


def test_an_app_told_it_runs_in_several_processes_refuses_memory(monkeypatch, tmp_path):
    config = {"SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x'}"}
    monkeypatch.setenv(PROCESSES_VARIABLE, "2")
    with pytest.raises(RuntimeError, match="ORDET_REDIS_URL"):
        create_app({**config, "RATELIMIT_STORAGE_URI": "memory://"})
    # Shared storage, or limits switched off, start (the redis client connects on first use).
    create_app({**config, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0"})
    create_app({**config, "RATELIMIT_ENABLED": False})
    monkeypatch.setenv(PROCESSES_VARIABLE, "1")
    create_app({**config, "RATELIMIT_STORAGE_URI": "memory://"})
