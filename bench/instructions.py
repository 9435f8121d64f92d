"""Instructions per request, counted by valgrind: a figure the machine's noise cannot move.

    .venv/bin/python bench/instructions.py            # bare insert, save, submit, question page
    .venv/bin/python bench/instructions.py --requests 400 --kinds bare,submit

Times on these shared machines drift by a third from one minute to the next; the number of
instructions a request executes does not. Each kind of request runs in process (the WSGI app
called directly, no gunicorn, no network) under ``valgrind --tool=callgrind`` twice, with N and
2N requests after the same setup, so the setup cancels out: (instructions(2N) -
instructions(N)) / N. A submit needs a draft of its own each time: both runs make 2N drafts
ready (as ``load.py``'s submit phase does) and submit N or 2N of them. Only user-space
instructions count: the kernel's work (an fsync per commit, the network) is not in these
figures. Needs valgrind (``apt-get install valgrind``);
a run takes a few minutes, as valgrind runs Python about fifty times slower.
"""

import argparse
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("bare", "save", "submit", "page")


def environ(method: str, path: str, body: bytes, cookie: str) -> dict:
    return {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_COOKIE": cookie,
    }


class Caller:
    """Calls a WSGI app like a browser would: keeps the cookies it is given."""

    def __init__(self, app, cookies: dict[str, str]):
        self.app, self.cookies = app, dict(cookies)

    def __call__(self, method: str, path: str, form: dict | None, expect: str) -> None:
        statuses = []

        def start_response(status, headers, exc_info=None):
            statuses.append(status)
            for name, value in headers:
                if name == "Set-Cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key] = rest.split(";", 1)[0]

        body = urlencode(form).encode() if form else b""
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        result = self.app.wsgi_app(environ(method, path, body, cookie), start_response)
        b"".join(result)
        result.close()
        assert statuses[0].startswith(expect), statuses


def bare_requests(workdir: Path):
    os.environ["ORDET_DATABASE_URL"] = f"sqlite:///{workdir}/bare.sqlite"
    from bench.bare import create_app, create_table

    create_table(os.environ["ORDET_DATABASE_URL"])
    call = Caller(create_app(), {})
    return lambda i: call("POST", "/insert", {"value": str(i)}, "200")


def ordet_requests(workdir: Path, kind: str):
    from ordet import create_app
    from ordet.extensions import db
    from tests import kiosk_helpers as kiosk
    from tests.conftest import IsolatedClient
    from tests.factories import csrf_from, enrol, make_round, make_tilbud

    app = create_app(
        {"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir}/ordet.sqlite"}
    )
    with app.app_context():
        db.create_all()
        unit = make_tilbud()
        make_round([unit])
        db.session.commit()
        app.test_client_class = IsolatedClient
        client = app.test_client()
        enrol(client, unit)
    kiosk.start(client)
    page, key = kiosk.question_page(client, 1)
    values = kiosk.FIRST_OPTION.findall(page.text)[:1] + ["nej"]
    token = csrf_from(page.text)
    call = Caller(app, {cookie.key: cookie.value for cookie in client._cookies.values()})
    if kind == "page":
        return lambda i: call("GET", "/svar/1", None, "200")
    return lambda i: call(
        "POST",
        "/svar/1",
        {"csrf_token": token, "question": key, "value": values[i % 2], "action": "next"},
        "302",
    )


def submit_requests(workdir: Path, prepared: int):
    """The last screen of ``prepared`` drafts made ready in the database, one per request."""
    sys.path.insert(0, str(ROOT / "bench"))
    from harness import (
        SERVER_SECRET,
        ready_drafts,
        seed,
    )

    from ordet import create_app
    from tests.conftest import IsolatedClient
    from tests.factories import csrf_from

    url = f"sqlite:///{workdir}/ordet.sqlite"
    codes = seed(url, 1)
    # One tablet sends every draft: the per-tablet response limit would refuse all but one.
    app = create_app(
        {
            "SECRET_KEY": SERVER_SECRET,
            "SQLALCHEMY_DATABASE_URI": url,
            "KIOSK_MIN_SECONDS_BETWEEN_RESPONSES": 0,
        }
    )
    app.test_client_class = IsolatedClient
    client = app.test_client()
    page = client.get("/kiosk/tilmeld")
    enrolled = client.post(
        "/kiosk/tilmeld", data={"code": codes[0], "label": "", "csrf_token": csrf_from(page.text)}
    )
    assert enrolled.status_code == 302, enrolled.text
    tablet = {cookie.key: cookie.value for cookie in client._cookies.values()}
    session_cookie, (drafts,) = ready_drafts(url, codes, prepared, "instructions")

    def submit(i: int) -> None:
        draft = drafts[i]
        call = Caller(app, {**tablet, session_cookie: draft.session_cookie})
        form = {"csrf_token": draft.csrf_token, "question": "hjaelp", "value": "nej"}
        call("POST", f"/svar/{draft.position}", {**form, "action": "next"}, "302")

    return submit


def run_requests(kind: str, count: int, prepared: int) -> None:
    """The child: set up, then ``count`` requests (valgrind counts everything)."""
    sys.path.insert(0, str(ROOT))
    workdir = Path(tempfile.mkdtemp())
    try:
        if kind == "bare":
            request = bare_requests(workdir)
        elif kind == "submit":
            request = submit_requests(workdir, prepared)
        else:
            request = ordet_requests(workdir, kind)
        for i in range(count):
            request(i)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def counted(kind: str, count: int, prepared: int) -> int:
    done = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            __file__,
            "--child",
            kind,
            "--requests",
            str(count),
            "--prepared",
            str(prepared),
        ],
        capture_output=True,
        text=True,
        check=True,
        # The N and 2N runs hash strings alike, so their dicts and sets are laid out alike and
        # the difference between them is the requests' work.
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    return int(re.search(r"Collected : (\d+)", done.stderr).group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="N (the runs do N and 2N)")
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--prepared", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_requests(args.child, args.requests, args.prepared)
        return
    if not shutil.which("valgrind"):
        raise SystemExit("valgrind is not installed: apt-get install valgrind")
    per_request = {}
    for kind in args.kinds.split(","):
        n = args.requests
        per_request[kind] = (counted(kind, 2 * n, 2 * n) - counted(kind, n, 2 * n)) / n
        print(f"  {kind:5s} {per_request[kind] / 1e6:6.2f} M instructions per request", flush=True)
    if "bare" in per_request:
        for kind in per_request.keys() - {"bare"}:
            print(f"  {kind} / bare insert: {per_request[kind] / per_request['bare']:.2f}")


if __name__ == "__main__":
    main()
