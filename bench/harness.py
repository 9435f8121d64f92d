"""Shared bench plumbing: databases, gunicorn servers on 127.0.0.1, and a small async HTTP client.

Everything here runs against 127.0.0.1 only and cleans up what it started.
"""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import postgres  # noqa: E402  (the suite's throwaway cluster)
from tests.redis_server import running_redis  # noqa: E402, F401  (shared rate limits)

HOST = "127.0.0.1"
GUNICORN = str(Path(sys.executable).parent / "gunicorn")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class DurableCluster(postgres.Cluster):
    """The suite's throwaway cluster restarted with PostgreSQL's defaults for durability
    (fsync, synchronous_commit, full_page_writes on), as a production server runs. The suite
    turns them off for speed, which would make every commit free and the bench unrealistic."""

    def start(self) -> "DurableCluster":
        super().start()
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=200"
        )
        subprocess.run(
            postgres._as_user(
                [
                    "pg_ctl",
                    "-D",
                    str(self.data),
                    "-o",
                    options,
                    "-l",
                    str(self.dir / "log"),
                    "-w",
                    "restart",
                ]
            ),
            check=True,
            capture_output=True,
        )
        return self


@contextmanager
def database(engine: str, durable: bool = True):
    """A fresh, empty database URL for ``engine`` ("sqlite" or "postgresql").

    ``durable=False``: PostgreSQL without fsync (the test suite's settings), so commits cost
    no disk wait and the figures show CPU alone.
    """
    with tempfile.TemporaryDirectory(prefix=f"ordet-bench-{engine}-") as tmp:
        if engine == "sqlite":
            yield f"sqlite:///{tmp}/bench.sqlite", Path(tmp), None
            return
        cluster = (DurableCluster() if durable else postgres.Cluster()).start()
        try:
            yield cluster.url, Path(tmp), cluster
        finally:
            cluster.stop()


SERVER_SECRET = "bench-secret-not-for-production"  # noqa: S105 (a throwaway bench server)


def app_env(url: str, tmp: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "ORDET_DATABASE_URL": url,
        "ORDET_SECRET_KEY": SERVER_SECRET,
        "ORDET_KIOSK_ENROL_RATE_LIMIT": "100000 per minute",
        # Simulated tablets send a response every few seconds, as no borger can.
        "ORDET_KIOSK_MIN_SECONDS_BETWEEN_RESPONSES": "0",
        "ORDET_ACCESS_LOG": str(tmp / "access.log"),
        **extra,
    }


def seed(url: str, kiosks: int) -> list[str]:
    """Schema, one open round with ``kiosks`` tilbud, and one enrolment code per tilbud."""
    from ordet import create_app
    from ordet.extensions import db
    from ordet.kiosk.services import create_enrolment_code
    from tests.factories import make_round, make_specialomraade, make_tilbud

    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
        area = make_specialomraade(name="Bench")
        units = [make_tilbud(area, name=f"Bench {i}") for i in range(kiosks)]
        make_round(units)
        codes = [create_enrolment_code(unit, date.today(), days=1) for unit in units]
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return codes


@dataclass
class ReadyDraft:
    """A draft answered up to its last screen, and the browser state that continues it."""

    session_cookie: str
    csrf_token: str
    position: int  # of the last screen
    nonce: str  # its "andet" answer: how the exactly-once check finds it


def ready_drafts(
    url: str, codes: list[str], per_kiosk: int, tag: str
) -> tuple[str, list[list[ReadyDraft]]]:
    """For each enrolment code's tilbud, ``per_kiosk`` drafts with every answer but the last,
    and the name of the session cookie that carries them.

    Stored directly (one INSERT per draft, one batch of answers), with the signed session
    cookie and CSRF token the server expects: so a phase can time submits alone, without the
    ~28 requests that lead up to each one. Only the answers differ from a tablet's own draft.
    """
    from flask import g, session
    from flask_wtf.csrf import generate_csrf

    from ordet import create_app
    from ordet.answering import services
    from ordet.answering.models import Answer
    from ordet.answering.session import begin, set_language
    from ordet.extensions import db
    from ordet.kiosk.models import EnrolmentCode
    from ordet.kiosk.services import normalise_code
    from ordet.org.models import Tilbud
    from ordet.questionnaires import latest
    from ordet.rounds.models import Round
    from ordet.security import hash_secret

    app = create_app({"SECRET_KEY": SERVER_SECRET, "SQLALCHEMY_DATABASE_URI": url})
    signer = app.session_interface.get_signing_serializer(app)
    borger = latest("borger")
    today = date.today()
    kiosks: list[list[ReadyDraft]] = []
    with app.app_context():
        round_ = db.session.scalars(db.select(Round)).first()
        answers = []
        for i, code in enumerate(codes):
            tilbud = db.session.get(
                Tilbud,
                db.session.scalar(
                    db.select(EnrolmentCode.tilbud_id).where(
                        EnrolmentCode.code_hash == hash_secret(normalise_code(code))
                    )
                ),
            )
            ready = []
            for n in range(per_kiosk):
                nonce = f"ready-{tag}-{i}-{n}"
                given = {
                    q.key: nonce if q.is_text else q.options[0].code
                    for q in borger.questions
                    if not q.show_if and q.key != services.ASSISTED_QUESTION
                }
                position = [q.key for q in borger.visible_questions(given)].index(
                    services.ASSISTED_QUESTION
                )
                with app.test_request_context():
                    # Flask-WTF keeps a request's token in ``g``, which outlives this request
                    # context (the app context is shared): each draft needs its own.
                    g.pop(app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
                    draft_key = begin("kiosk")
                    set_language("da")
                    token = generate_csrf()
                    cookie = signer.dumps(dict(session))
                draft = services.start(round_, tilbud, borger, "kiosk", "da", draft_key, today)
                answers += [
                    {"response_id": draft.id, "question_key": k, "value": v}
                    for k, v in given.items()
                ]
                ready.append(ReadyDraft(cookie, token, position + 1, nonce))
            kiosks.append(ready)
        db.session.execute(db.insert(Answer), answers)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return app.config["SESSION_COOKIE_NAME"], kiosks


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    pidfile: Path

    def worker_pids(self) -> list[int]:
        found = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True, text=True
        )
        return [int(pid) for pid in found.stdout.split()]

    def cpu_seconds(self, workers: list[int] | None = None) -> float:
        """CPU used so far by the workers, including workers gunicorn already recycled (their
        time is in the master's children's time once reaped). ``workers``: known worker pids,
        to spare a ``ps`` per call."""
        tick = os.sysconf("SC_CLK_TCK")
        seconds = 0.0
        for pid in workers or self.worker_pids():
            seconds += _cpu_of_live_process(pid, tick)
        master = _proc_stat(self.process.pid)
        if master:
            seconds += (int(master[13]) + int(master[14])) / tick  # cutime, cstime
        return seconds

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # only the master we started, by its pid
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _cpu_of_live_process(pid: int, tick: int) -> float:
    """CPU seconds of a running process: from schedstat in nanoseconds where the kernel keeps
    it (a 10 ms clock tick is too coarse to time single requests), else utime + stime."""
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        fields = _proc_stat(pid)
        return (int(fields[11]) + int(fields[12])) / tick if fields else 0.0


def _proc_stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()  # fields from "state" on: utime is index 11


def start_server(app_spec: str, env: dict[str, str], tmp: Path, workers: int = 2) -> Server:
    """gunicorn with the project's gunicorn.conf.py, ``workers`` sync workers, on a free port."""
    port = free_port()
    pidfile = tmp / f"gunicorn-{port}.pid"
    process = subprocess.Popen(
        [
            GUNICORN,
            "-c",
            str(ROOT / "gunicorn.conf.py"),
            "-w",
            str(workers),
            "-b",
            f"{HOST}:{port}",
            "--pid",
            str(pidfile),
            app_spec,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp / "gunicorn.err", "ab"),  # noqa: SIM115
    )
    server = Server(process, port, pidfile)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=1).close()  # noqa: S310
            while len(server.worker_pids()) < workers:
                time.sleep(0.05)
            return server
        except OSError:
            if process.poll() is not None:
                raise RuntimeError((tmp / "gunicorn.err").read_text()[-2000:]) from None
            time.sleep(0.1)
    server.stop()
    raise RuntimeError("gunicorn did not start")
