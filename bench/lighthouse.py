"""Lighthouse accessibility (and performance) scores of the kiosk Start screen and a question.

Usage: .venv/bin/python bench/lighthouse.py
Needs npm's lighthouse in .cache/node (installed here when missing) and Chromium at
/usr/bin/chromium. Serves the app on a temp SQLite file, enrols a tablet, starts a questionnaire
and runs Lighthouse offline with the A11Y.md Chromium flags. Prints one line per page and the
accessibility audits that did not pass. Exit status 1 when an accessibility score is below 100.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the tests' helpers

from ordet import create_app  # noqa: E402
from ordet.extensions import db  # noqa: E402
from tests.browser import CHROMIUM, CHROMIUM_ARGS, LiveServer  # noqa: E402
from tests.factories import csrf_from, make_round, make_tilbud  # noqa: E402

NODE = ROOT / ".cache" / "node"
LIGHTHOUSE = NODE / "node_modules" / ".bin" / "lighthouse"


def ensure_lighthouse() -> None:
    if not LIGHTHOUSE.exists():
        NODE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--no-save",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(NODE),
                "lighthouse",
            ],
            check=True,
        )


def serve() -> tuple[LiveServer, dict, dict]:
    """The live app, the kiosk cookie, and the session cookie of a started questionnaire."""
    folder = Path(tempfile.mkdtemp())
    app = create_app(
        {
            "SECRET_KEY": "lighthouse",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/lh.sqlite",
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        db.create_all()
        tilbud = make_tilbud(name="Bostedet Lighthouse")
        make_round([tilbud])
        db.session.commit()
        tilbud_id = tilbud.id
    server = LiveServer(app).start()
    kiosk = server.tablet_cookie(tilbud_id)
    client = app.test_client()
    client.set_cookie(kiosk["name"], kiosk["value"])
    page = client.get("/kiosk/sprog")
    client.post("/kiosk/sprog", data={"lang": "da", "csrf_token": csrf_from(page.text)})
    session = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    return server, kiosk, {"name": session.key, "value": session.value}


def lighthouse(url: str, cookies: list[dict]) -> dict:
    header = "; ".join(f"{c['name']}={c['value']}" for c in cookies)
    done = subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            "--output-path=stdout",
            "--only-categories=accessibility,performance",
            "--screenEmulation.mobile=false",
            "--screenEmulation.width=1024",
            "--screenEmulation.height=768",
            "--screenEmulation.deviceScaleFactor=1",
            "--formFactor=desktop",
            "--throttling-method=provided",
            f"--chrome-flags={' '.join(CHROMIUM_ARGS)}",
            f"--extra-headers={json.dumps({'Cookie': header})}",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
        env={**os.environ, "CHROME_PATH": CHROMIUM},
    )
    return json.loads(done.stdout)


def main() -> int:
    ensure_lighthouse()
    server, kiosk, session = serve()
    worst = 100
    try:
        pages = [("Kiosk start", "/kiosk/", [kiosk]), ("Question 1", "/svar/1", [kiosk, session])]
        for name, path, cookies in pages:
            report = lighthouse(server.url + path, cookies)
            scores = {k: round(v["score"] * 100) for k, v in report["categories"].items()}
            worst = min(worst, scores["accessibility"])
            print(
                f"{name:12} {path:10} accessibility {scores['accessibility']:3}  "
                f"performance {scores['performance']:3}  (final URL {report['finalDisplayedUrl']})"
            )
            for ref in report["categories"]["accessibility"]["auditRefs"]:
                audit = report["audits"][ref["id"]]
                if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                    print(f"    failed: {ref['id']}: {audit['title']}")
    finally:
        server.stop()
    return 0 if worst == 100 else 1


if __name__ == "__main__":
    sys.exit(main())
