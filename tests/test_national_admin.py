"""The platform administrator manages the national level (issue 21): national rounds, the
rollout's institutions and national analysts; an organisation's round joins a national round.
Every refusal changes nothing; no organisation role, nor the national analyst, may manage."""

from datetime import date, timedelta

import pytest

from ordet.audit import AuditEvent
from ordet.auth.models import ADMIN, ANALYST, AREA_LEAD, NATIONAL_ANALYST, TILBUD_LEAD, Grant, User
from ordet.extensions import db
from ordet.mail import OutboxMessage
from ordet.national.models import Institution, NationalRound
from ordet.national.services import create_national_round
from ordet.rounds.models import Round

from .factories import make_organisation, make_round, make_specialomraade, make_tilbud
from .staff_helpers import login, make_user, post_form
from .test_tenant_matrix import _snapshot

ROUNDS = "/staff/landsplan/runder"
INSTITUTIONS = "/staff/landsplan/institutioner"
ANALYSTS = "/staff/landsplan/analytikere"


@pytest.fixture
def world(app):
    org_a = make_organisation("Region Nord")
    tilbud_a = make_tilbud(make_specialomraade(org_a, "Sikrede Nord"), "Kompasset", "unge")
    org_b = make_organisation("Region Syd")
    tilbud_b = make_tilbud(make_specialomraade(org_b, "Sikrede Syd"), "Egely", "unge")
    db.session.commit()
    platform = make_user("platform@p.dk", ADMIN)
    platform.platform_admin = True
    db.session.commit()
    return {"org_a": org_a, "tilbud_a": tilbud_a, "org_b": org_b, "tilbud_b": tilbud_b}


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action)))


def _count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_platform_admin_creates_a_national_round_and_bad_values_are_refused(app, client, world):
    login(client, "platform@p.dk")
    made = post_form(
        client, ROUNDS, {"name": "Sikrede 2025", "slug": "sikrede-2025", "year": "2025"}
    )
    assert made.status_code == 302
    page = client.get(ROUNDS).text
    assert "Sikrede 2025" in page and "sikrede-2025" in page and "version 1" in page
    national = db.session.scalar(db.select(NationalRound))
    assert (national.questionnaire, national.version, national.year) == ("unge", 1, 2025)
    [event] = _events("national.round_create")
    assert event.organisation_id is None and event.target == f"national_round:{national.id}"

    refused = {
        "Der findes allerede en landsdækkende runde med den adresse.": {"slug": "sikrede-2025"},
        "Skriv et år fra 2020 til 2100.": {"year": "1999"},
        "Skriv et år fra 2020 til 2100": {"year": "tyve"},
        "Skriv en kort adresse med små bogstaver": {"slug": "Store Bogstaver"},
        "Skriv et navn.": {"name": "  "},
    }
    for message, bad in refused.items():
        before = _snapshot()
        data = {"name": "Anden", "slug": "anden-2025", "year": "2026", **bad}
        response = post_form(client, ROUNDS, data)
        assert response.status_code == 400, bad
        assert message in response.text, bad
        assert _snapshot() == before, bad


def test_create_national_round_on_the_command_line(runner):
    made = runner.invoke(
        args=["create-national-round", "sikrede-2025", "Sikrede 2025", "--year", "2025"]
    )
    assert made.exit_code == 0, made.output
    assert db.session.scalar(db.select(NationalRound.name)) == "Sikrede 2025"
    again = runner.invoke(args=["create-national-round", "sikrede-2025", "Igen", "--year", "2025"])
    assert again.exit_code != 0 and "findes allerede" in again.output
    unknown = runner.invoke(
        args=["create-national-round", "x-2025", "X", "--year", "2025", "--version", "99"]
    )
    assert unknown.exit_code != 0 and "spørgeskema" in unknown.output
    assert _count(NationalRound) == 1


def test_institutions_are_registered_replanned_and_removed(app, client, world):
    login(client, "platform@p.dk")
    tilbud_a, tilbud_b = world["tilbud_a"], world["tilbud_b"]
    form = client.get(INSTITUTIONS).text
    # The platform administrator picks among every organisation's tilbud, by name.
    assert "Kompasset (Region Nord)" in form and "Egely (Region Syd)" in form
    added = post_form(
        client,
        INSTITUTIONS,
        {"tilbud_id": str(tilbud_a.id), "planned_year": "2025", "planned_quarter": "3"},
    )
    assert added.status_code == 302
    page = client.get(INSTITUTIONS).text
    assert "2025, 3. kvartal" in page and "Region Nord" in page
    [event] = _events("national.institution_add")
    assert event.organisation_id == world["org_a"].id  # in the operator's own log too

    bad_adds = {
        "Skriv et år fra 2025 til 2027.": {"planned_year": "2024"},
        "Skriv et år fra 2025 til 2027": {"planned_year": "2028"},
        "Vælg et kvartal fra 1 til 4.": {"planned_quarter": "5"},
        "Vælg et kvartal fra 1 til 4": {"planned_quarter": "x"},
        "Vælg et tilbud, der findes.": {"tilbud_id": "999999"},
        "Vælg et tilbud, der findes": {"tilbud_id": "99999999999999"},
        "Tilbuddet er allerede med i udrulningen.": {"tilbud_id": str(tilbud_a.id)},
    }
    for message, bad in bad_adds.items():
        before = _snapshot()
        data = {"tilbud_id": str(tilbud_b.id), "planned_year": "2026", "planned_quarter": "1"}
        response = post_form(client, INSTITUTIONS, {**data, **bad})
        assert response.status_code == 400, bad
        assert message in response.text, bad
        assert _snapshot() == before, bad

    plan = f"{INSTITUTIONS}/{tilbud_a.id}"
    changed = post_form(
        client, plan, {"planned_year": "2027", "planned_quarter": "1"}, INSTITUTIONS
    )
    assert changed.status_code == 302
    assert "2027, 1. kvartal" in client.get(INSTITUTIONS).text
    for bad in ({"planned_year": "2030", "planned_quarter": "1"}, {"planned_quarter": "0"}):
        before = _snapshot()
        response = post_form(client, plan, {"planned_year": "2026", **bad}, INSTITUTIONS)
        assert response.status_code == 400 and "error-summary" in response.text
        assert _snapshot() == before
    assert _events("national.institution_plan")[0].organisation_id == world["org_a"].id

    # Not an institution: nothing to change or remove.
    for url in (f"{INSTITUTIONS}/{tilbud_b.id}", f"{INSTITUTIONS}/{tilbud_b.id}/fjern"):
        before = _snapshot()
        data = {"planned_year": "2026", "planned_quarter": "1"}
        assert post_form(client, url, data, INSTITUTIONS).status_code == 404
        assert _snapshot() == before
    removed = post_form(client, f"{INSTITUTIONS}/{tilbud_a.id}/fjern", {}, INSTITUTIONS)
    assert removed.status_code == 302
    assert _count(Institution) == 0 and "Kompasset" in client.get(INSTITUTIONS).text  # a choice
    assert len(_events("national.institution_remove")) == 1


def test_national_analysts_are_invited_listed_and_withdrawn(app, client, world):
    elsewhere = make_user("kendt@a.dk", ADMIN, world["org_a"], name="Kendt")
    login(client, "platform@p.dk")
    new = post_form(client, ANALYSTS, {"email": "ny@regioner.dk", "name": "Nina Ny"})
    old = post_form(client, ANALYSTS, {"email": "kendt@a.dk", "name": "Kendt Igen"})
    assert new.status_code == old.status_code == 302
    # The same answer for a new account and one that exists elsewhere.
    assert client.get(new.location).text.count("Landsanalytikeren er inviteret") == 1
    page = client.get(ANALYSTS).text
    assert "ny@regioner.dk" in page and "kendt@a.dk" in page and "Nina Ny" in page
    mails = {m.recipient: m for m in db.session.scalars(db.select(OutboxMessage))}
    assert "/staff/ny-adgangskode/" in mails["ny@regioner.dk"].text_body  # set your password
    assert "Du har fået en ny rolle" in mails["kendt@a.dk"].text_body
    db.session.refresh(elsewhere)
    assert {g.role for g in elsewhere.grants} == {ADMIN, NATIONAL_ANALYST}
    assert all(e.organisation_id is None for e in _events("national.analyst_invite"))

    before = _snapshot()
    for bad in ({"email": "ikke-en-mail"}, {"email": "ny@regioner.dk"}):
        response = post_form(client, ANALYSTS, {"name": "X", **bad})
        assert response.status_code == 400
        assert _snapshot() == before
    # Only a national analyst's grant is withdrawn here: an organisation role is 404.
    admin_grant = next(g for g in elsewhere.grants if g.role == ADMIN)
    url = f"{ANALYSTS}/{admin_grant.id}/fjern"
    assert post_form(client, url, {}, ANALYSTS).status_code == 404
    assert _snapshot() == before
    analyst_grant = next(g for g in elsewhere.grants if g.role == NATIONAL_ANALYST)
    gone = post_form(client, f"{ANALYSTS}/{analyst_grant.id}/fjern", {}, ANALYSTS)
    assert gone.status_code == 302
    db.session.expire_all()
    assert [g.role for g in db.session.get(User, elsewhere.id).grants] == [ADMIN]
    assert len(_events("national.analyst_withdraw")) == 1


def _manage_requests(world) -> list[tuple[str, str, dict]]:
    tilbud = world["tilbud_b"]
    grant = db.session.scalar(db.select(Grant).where(Grant.role == NATIONAL_ANALYST))
    plan = {"planned_year": "2026", "planned_quarter": "1"}
    return [
        ("GET", ROUNDS, {}),
        ("POST", ROUNDS, {"name": "X", "slug": "x-2025", "year": "2025"}),
        ("GET", INSTITUTIONS, {}),
        ("POST", INSTITUTIONS, {"tilbud_id": str(world["tilbud_a"].id), **plan}),
        ("POST", f"{INSTITUTIONS}/{tilbud.id}", plan),
        ("POST", f"{INSTITUTIONS}/{tilbud.id}/fjern", {}),
        ("GET", ANALYSTS, {}),
        ("POST", ANALYSTS, {"email": "indbrud@x.dk", "name": "X"}),
        ("POST", f"{ANALYSTS}/{grant.id}/fjern", {}),
    ]


@pytest.mark.parametrize("role", [ADMIN, ANALYST, AREA_LEAD, TILBUD_LEAD, NATIONAL_ANALYST])
def test_no_one_but_the_platform_admin_manages_the_national_level(app, client, world, role):
    app.config["WTF_CSRF_ENABLED"] = False
    tilbud = world["tilbud_b"]
    db.session.add(Institution(tilbud_id=tilbud.id, planned_year=2025, planned_quarter=1))
    watcher = make_user("analytiker@regioner.dk", ADMIN)
    watcher.grants = [Grant(role=NATIONAL_ANALYST)]
    db.session.commit()
    unit = {
        ADMIN: world["org_b"],
        ANALYST: world["org_b"],
        AREA_LEAD: tilbud.specialomraade,
        TILBUD_LEAD: tilbud,
    }.get(role)
    user = make_user("rolle@b.dk", role, unit)
    if role == NATIONAL_ANALYST:
        user.grants.append(Grant(role=NATIONAL_ANALYST))
        db.session.commit()
    login(client, "rolle@b.dk")
    for method, url, data in _manage_requests(world):
        before = _snapshot()
        response = client.get(url) if method == "GET" else client.post(url, data=data)
        assert response.status_code == 403, f"{role} {method} {url}"
        assert _snapshot() == before, f"{role} {method} {url}"
    rollout = client.get("/staff/landsplan/udrulning")
    assert rollout.status_code == (200 if role == NATIONAL_ANALYST else 403)


def test_an_org_admin_cannot_give_the_national_analyst_role(app, client, world):
    """The national analyst is the platform administrator's to give: an admin's forms don't
    offer it, and a tampered POST is refused with nothing stored."""
    make_user("admin-b@b.dk", ADMIN, world["org_b"])
    colleague = make_user("kollega@b.dk", TILBUD_LEAD, world["tilbud_b"])
    login(client, "admin-b@b.dk")
    assert NATIONAL_ANALYST not in client.get("/staff/brugere/ny").text
    assert NATIONAL_ANALYST not in client.get(f"/staff/brugere/{colleague.id}").text
    scope = f"organisation:{world['org_b'].id}"
    attacks = [
        ("/staff/brugere/ny", {"email": "x@b.dk", "name": "X", "role": NATIONAL_ANALYST}),
        (f"/staff/brugere/{colleague.id}", {"role": NATIONAL_ANALYST}),
    ]
    for url, data in attacks:
        for scope_value in (scope, "", "national:1"):
            before = _snapshot()
            response = post_form(client, url, {**data, "scope": scope_value})
            assert response.status_code == 400, (url, scope_value)
            assert _snapshot() == before, (url, scope_value)
    assert not db.session.scalar(db.select(Grant.id).where(Grant.role == NATIONAL_ANALYST))


def test_create_user_national_analyst_on_the_command_line(app, runner, client, world):
    made = runner.invoke(
        args=[
            "create-user",
            "landsanalytiker@regioner.dk",
            "--national-analyst",
            "--name",
            "Lise Land",
            "--password",
            "rigtig-god-adgangskode",
        ]
    )
    assert made.exit_code == 0, made.output
    assert "national analyst" in made.output
    user = db.session.scalar(db.select(User).where(User.email == "landsanalytiker@regioner.dk"))
    grant = user.grants[0]
    assert (grant.role, grant.organisation_id, grant.specialomraade_id, grant.tilbud_id) == (
        NATIONAL_ANALYST,
        None,
        None,
        None,
    )
    both = runner.invoke(
        args=[
            "create-user",
            "y@x.dk",
            "--national-analyst",
            "--role",
            "admin",
            "--password",
            "x" * 12,
        ]
    )
    assert both.exit_code != 0
    login(client, "landsanalytiker@regioner.dk")
    assert client.get("/staff/landsplan/udrulning").status_code == 200
    assert client.get("/staff/brugere").status_code == 403
    assert client.get(ROUNDS).status_code == 403


def _round_form(tilbud, national_id, versions: dict[str, str]) -> dict:
    today = date.today()
    return {
        "name": "Vores runde",
        "organisation_id": str(tilbud.specialomraade.organisation_id),
        "opens_on": today.isoformat(),
        "closes_on": (today + timedelta(days=30)).isoformat(),
        "tilbud": str(tilbud.id),
        "national_round_id": national_id,
        **{f"version_{v}": n for v, n in versions.items()},
    }


def test_an_organisation_round_joins_a_national_round(app, client, world):
    national = create_national_round(None, "sikrede-2025", "Sikrede 2025", 2025)
    db.session.commit()
    make_user("admin-b@b.dk", ADMIN, world["org_b"])
    login(client, "admin-b@b.dk")
    form = client.get("/staff/runder/ny").text
    assert "Landsdækkende runde" in form and "Sikrede 2025" in form
    url = "/staff/runder/ny"
    tilbud = world["tilbud_b"]
    refused = {
        "unge i version 1": _round_form(tilbud, str(national.id), {"borger": "1"}),
        "Vælg en landsdækkende runde, der findes.": _round_form(tilbud, "999999", {"unge": "1"}),
        "Vælg en landsdækkende runde, der findes": _round_form(tilbud, "x", {"unge": "1"}),
    }
    for message, data in refused.items():
        before = _snapshot()
        response = post_form(client, url, data)
        assert response.status_code == 400, message
        assert message.lower() in response.text.lower(), message
        assert _snapshot() == before, message
    made = post_form(client, url, _round_form(tilbud, str(national.id), {"unge": "1"}))
    assert made.status_code == 302
    round_ = db.session.scalar(db.select(Round).where(Round.name == "Vores runde"))
    assert round_.national_round_id == national.id
    assert "Landsdækkende runde: Sikrede 2025" in client.get(made.location).text
    alone = post_form(client, url, {**_round_form(tilbud, "", {"borger": "1"}), "name": "Egen"})
    assert alone.status_code == 302
    assert db.session.scalar(db.select(Round.national_round_id).where(Round.name == "Egen")) is None


def test_an_existing_round_joins_and_leaves_a_national_round(app, client, world):
    national = create_national_round(None, "sikrede-2025", "Sikrede 2025", 2025)
    tilbud = world["tilbud_b"]
    young = make_round([tilbud], versions={"unge": 1})
    adults = make_round([tilbud], versions={"borger": 1})
    second = make_round([tilbud], versions={"unge": 1})
    db.session.commit()
    make_user("admin-b@b.dk", ADMIN, world["org_b"])
    login(client, "admin-b@b.dk")
    page = f"/staff/runder/{young.id}"
    assert "Landsdækkende runde" in client.get(page).text
    joined = post_form(
        client, f"{page}/landsdaekkende", {"national_round_id": str(national.id)}, page
    )
    assert joined.status_code == 302
    assert "Landsdækkende runde: Sikrede 2025" in client.get(page).text
    db.session.expire_all()
    assert db.session.get(Round, young.id).national_round_id == national.id
    # A second round of the same organisation in the same national round is refused too.
    refusals = (
        (adults, str(national.id)),
        (young, "999999"),
        (young, "x"),
        (second, str(national.id)),
    )
    for round_, value in refusals:
        before = _snapshot()
        url = f"/staff/runder/{round_.id}/landsdaekkende"
        response = post_form(
            client, url, {"national_round_id": value}, f"/staff/runder/{round_.id}"
        )
        assert response.status_code == 400, value
        assert "landsdækkende runde" in response.text.lower() and 'role="alert"' in response.text
        assert _snapshot() == before, value
    left = post_form(client, f"{page}/landsdaekkende", {"national_round_id": ""}, page)
    assert left.status_code == 302
    db.session.expire_all()
    assert db.session.get(Round, young.id).national_round_id is None
    assert [e.organisation_id for e in _events("round.national")] == [world["org_b"].id] * 2


def test_an_org_admin_sees_nothing_of_a_colleagues_national_role(app, client, world):
    """A person who is also a national analyst: the organisation's admin sees and changes only
    the organisation's grant; deactivating there leaves the account and the national role."""
    make_user("admin-b@b.dk", ADMIN, world["org_b"])
    both = make_user("begge@b.dk", TILBUD_LEAD, world["tilbud_b"], name="Begge")
    both.grants.append(Grant(role=NATIONAL_ANALYST, name="Begge"))
    db.session.commit()
    login(client, "admin-b@b.dk")
    for url in ("/staff/brugere", f"/staff/brugere/{both.id}"):
        page = client.get(url)
        assert page.status_code == 200 and "Landsanalytiker" not in page.text
    off = post_form(
        client, f"/staff/brugere/{both.id}/aktiv", {"active": "0"}, f"/staff/brugere/{both.id}"
    )
    assert off.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, both.id)
    assert user.active  # the account lives on for its national role
    assert {(g.role, g.active) for g in user.grants} == {
        (TILBUD_LEAD, False),
        (NATIONAL_ANALYST, True),
    }
    assert [e.organisation_id for e in _events("user.deactivate")] == [world["org_b"].id]
