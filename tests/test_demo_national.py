"""The national demo (issue 21, point 5): seed-demo loads the eight sikrede institutioner under
their six operators, the national round and its release, the rollout plan with every status,
and prints the operators', the platform administrator's and the national analyst's logins.
Twice changes nothing."""

from datetime import date

from ordet.auth.models import Grant, User
from ordet.demo import DEMO_PASSWORD
from ordet.extensions import db
from ordet.kiosk.models import EnrolmentCode
from ordet.national.models import Institution, NationalRelease, NationalRound
from ordet.national.rollout import DONE, PLANNED, RUNNING, rollout_rows
from ordet.org.models import Organisation, Tilbud
from ordet.rounds.models import Round

from .staff_helpers import login, post_form
from .test_tenant_matrix import _snapshot

MODELS = (Organisation, Tilbud, Round, User, Grant, Institution, NationalRound, NationalRelease)
INSTITUTIONS = {
    "Sølager": "Region Hovedstaden",
    "Sønderbro": "Københavns Kommune",
    "Bakkegården": "Region Sjælland",
    "Stevnsfortet": "Region Sjælland",
    "Egely": "Region Syddanmark",
    "Grenen": "Socialområdet i Region Midtjylland",
    "Koglen": "Socialområdet i Region Midtjylland",
    "Kompasset": "Region Nordjylland",
}
LOGINS = [
    "region-hovedstaden@demo.ordet.dk",
    "koebenhavns-kommune@demo.ordet.dk",
    "region-sjaelland@demo.ordet.dk",
    "region-syddanmark@demo.ordet.dk",
    "region-nordjylland@demo.ordet.dk",
    "platform@demo.ordet.dk",
    "landsanalytiker@demo.ordet.dk",
]


def _counts() -> dict[str, int]:
    return {
        m.__name__: db.session.scalar(db.select(db.func.count()).select_from(m)) for m in MODELS
    }


def test_seed_demo_loads_the_national_rollout_twice_the_same(app, runner, client):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    seeded = _counts()
    assert seeded["Organisation"] == 6 and seeded["Institution"] == 8
    assert seeded["NationalRound"] == 1 and seeded["NationalRelease"] == 1
    for email in ["admin@demo.ordet.dk", *LOGINS]:
        assert email in first.output, email
    # Every institution's enrolment code is printed, Region Midtjylland's too.
    assert all(f"  {name}" in first.output for name in INSTITUTIONS)
    printed = [line for line in first.output.splitlines() if line.startswith("  ") and "-" in line]
    assert f"each of the {db.session.scalar(db.select(db.func.count(Tilbud.id)))} tilbud" in (
        first.output
    )
    assert len([line for line in printed if line[2:13].count("-") == 1]) >= 32

    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert _counts() == seeded
    codes = db.session.scalar(db.select(db.func.count(EnrolmentCode.id)))
    third = runner.invoke(args=["seed-demo"])
    assert third.exit_code == 0
    assert db.session.scalar(db.select(db.func.count(EnrolmentCode.id))) == codes

    with app.test_request_context():
        rows = {row.institution: row for row in rollout_rows(date.today())}
        assert {name: row.operator for name, row in rows.items()} == INSTITUTIONS
        assert {row.status for row in rows.values()} == {PLANNED, RUNNING, DONE}
        assert rows["Stevnsfortet"].overdue and rows["Kompasset"].status == PLANNED
        assert rows["Egely"].status == DONE and rows["Egely"].responses is None  # too few
        assert rows["Sølager"].responses == 14  # a closed round's final release

    # The platform administrator and the national analyst follow the rollout.
    login(client, "platform@demo.ordet.dk", DEMO_PASSWORD)
    page = client.get("/staff/landsplan/udrulning").text
    assert all(name in page for name in INSTITUTIONS) and "For få svar" in page
    assert "Ordet er dit – sikrede institutioner 2025" in client.get("/staff/landsplan/runder").text
    assert "landsanalytiker@demo.ordet.dk" in client.get("/staff/landsplan/analytikere").text
    analyst = app.test_client()
    login(analyst, "landsanalytiker@demo.ordet.dk", DEMO_PASSWORD)
    assert analyst.get("/staff/landsplan/udrulning").status_code == 200
    assert analyst.get("/staff/landsplan/runder").status_code == 403

    # An operator's admin sees its own organisation, nothing of another operator's.
    operator = app.test_client()
    login(operator, "region-sjaelland@demo.ordet.dk", DEMO_PASSWORD)
    own = operator.get("/staff/organisation").text
    assert "Region Sjælland" in own and "Region Midtjylland" not in own
    assert operator.get("/staff/landsplan/udrulning").status_code == 403
    rounds = operator.get("/staff/runder").text
    assert "Ordet er dit – Region Sjælland" in rounds and "Region Hovedstaden" not in rounds

    # Its round is in the published national figures: leaving now would let the next national
    # release's difference show what this one hides, so it is refused and nothing changes.
    own = db.session.scalar(db.select(Round).where(Round.slug == "region-sjaelland-sikrede"))
    page = f"/staff/runder/{own.id}"
    before = _snapshot()
    left = post_form(operator, f"{page}/landsdaekkende", {"national_round_id": ""}, page)
    assert left.status_code == 400
    assert "kan ikke længere skifte" in left.text
    assert _snapshot() == before
