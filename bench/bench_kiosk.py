"""Kiosk page cost, in process: a question page and one saved answer vs a bare Flask handler.

Usage: .venv/bin/python bench/bench_kiosk.py [--rounds 300]
Prints times per request, the ratio to a bare handler returning the same bytes (measured in the
same process, so machine noise cancels), and the bytes one question page loads.
"""

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from flask import Flask

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the tests' helpers

from ordet import create_app  # noqa: E402
from ordet.extensions import db  # noqa: E402
from tests import kiosk_helpers as kiosk  # noqa: E402
from tests.conftest import IsolatedClient  # noqa: E402
from tests.factories import csrf_from, enrol, make_round, make_tilbud  # noqa: E402

ASSET = re.compile(r'<(?:script[^>]+src|link[^>]+href)="(/[^"]+)"')
EXTERNAL = re.compile(r'(?:src|href)="(https?://[^"]+)"')


def timed(call, rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp())
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir}/bench.sqlite",
            "RATELIMIT_ENABLED": False,
        }
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
    page = client.get("/svar/1")
    body = page.data

    bare = Flask("bare")

    @bare.get("/same-bytes")
    def same_bytes():
        return body

    @bare.post("/same-bytes")
    def same_bytes_post():
        return "", 302, {"Location": "/svar/2"}

    bare_client = bare.test_client()
    token = csrf_from(page.text)
    form = {"csrf_token": token, "question": "glad_for_stedet", "value": "ja", "action": "back"}

    render = timed(lambda: client.get("/svar/1"), args.rounds)
    bare_render = timed(lambda: bare_client.get("/same-bytes"), args.rounds)
    # "back" on screen 1 saves the answer and returns to the intro: a real save each time.
    save = timed(lambda: client.post("/svar/1", data=form), args.rounds)
    bare_save = timed(lambda: bare_client.post("/same-bytes", data=form), args.rounds)

    assets = sorted(set(ASSET.findall(page.text)))
    total = len(body)
    for asset in assets:
        total += len(client.get(asset.split("?")[0]).data)
    external = EXTERNAL.findall(page.text)

    print(
        f"question page render: {render * 1000:.2f} ms "
        f"(bare same bytes {bare_render * 1000:.3f} ms)"
        f" ratio {render / bare_render:.1f}x"
    )
    print(
        f"save one answer:      {save * 1000:.2f} ms (bare {bare_save * 1000:.3f} ms)"
        f" ratio {save / bare_save:.1f}x"
    )
    print(
        f"question page bytes:  {len(body)} html + {total - len(body)} assets = {total} bytes "
        f"({total / 1024:.1f} KiB uncompressed; target < 30 KiB)"
    )
    print(f"assets loaded: {', '.join(assets)}")
    print(f"third-party requests: {len(external)}")


if __name__ == "__main__":
    main()
