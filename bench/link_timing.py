"""Time /s/<token> for an unknown, a used and a valid link, against a bare static page.

Run: .venv/bin/python bench/link_timing.py   (SQLite in a temp dir; prints ms and ratios)
"""

import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ordet import create_app  # noqa: E402
from ordet.extensions import db  # noqa: E402
from ordet.invitations.mailing import issue_token  # noqa: E402
from ordet.invitations.models import Invitation  # noqa: E402
from tests.factories import make_round, make_tilbud  # noqa: E402

N = 300


def timed(client, path: str) -> float:
    samples = []
    for _ in range(N):
        start = time.perf_counter()
        client.get(path)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "bench",
                "RATELIMIT_ENABLED": False,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite",
            }
        )
        with app.app_context():
            db.create_all()
            tilbud = make_tilbud()
            round_ = make_round([tilbud])
            tokens = []
            for i, answered in ((1, False), (2, True)):
                invitation = Invitation(
                    round_id=round_.id,
                    tilbud_id=tilbud.id,
                    email=f"p{i}@example.dk",
                    invited_on=date.today(),
                    answered=answered,
                )
                db.session.add(invitation)
                db.session.flush()
                tokens.append(issue_token(invitation))
            db.session.commit()
        client = app.test_client()
        baseline = timed(client, "/tilgaengelighed")
        figures = {
            "unknown": timed(client, "/s/" + "A" * 43),
            "used": timed(client, "/s/" + tokens[1]),
            "valid": timed(client, "/s/" + tokens[0]),
        }
        print(f"baseline /tilgaengelighed: {baseline:.2f} ms (median of {N})")
        for name, ms in figures.items():
            print(f"{name:>8}: {ms:.2f} ms  ratio to baseline {ms / baseline:.2f}")
        print(f"used/unknown ratio: {figures['used'] / figures['unknown']:.2f}")


if __name__ == "__main__":
    main()
