"""Accounts across organisations (issue 21, point 1), each tested as the attack.

An admin of B invites an email that already has an account in A: B learns nothing of it
(same message, same page, no trace of A). Deactivating in B suspends B's grants only; the
account and A's grants live on. B's audit log shows nothing of A. Only the platform
administrator creates organisations, on the web and on the command line.
"""

import re

from ordet.auth.models import ADMIN, TILBUD_LEAD, User
from ordet.extensions import db
from ordet.mail import OutboxMessage
from ordet.org.models import Organisation

from .factories import make_organisation, make_specialomraade, make_tilbud
from .staff_helpers import login, make_user, post_form

NEW_ACCOUNT = "Brugeren er inviteret. Der er sendt en e-mail med et link."


def _two_organisations():
    org_a = make_organisation("Hemmelig-Org-A")
    tilbud_a = make_tilbud(make_specialomraade(org_a, "Hemmeligt-Omraade-A"), "Hemmeligt-A")
    org_b = make_organisation("Org-B")
    tilbud_b = make_tilbud(make_specialomraade(org_b, "Omraade-B"), "Tilbud-B")
    db.session.commit()
    make_user("admin-a@a.dk", ADMIN, org_a)
    make_user("admin-b@b.dk", ADMIN, org_b)
    shared = make_user("delt@a.dk", ADMIN, org_a, name="Navn-Givet-Af-A")
    return org_a, tilbud_a, org_b, tilbud_b, shared


def _invite(client, email: str, tilbud) -> tuple:
    response = post_form(
        client,
        "/staff/brugere/ny",
        {
            "email": email,
            "name": "Delt Person",
            "role": TILBUD_LEAD,
            "scope": f"tilbud:{tilbud.id}",
        },
    )
    assert response.status_code == 302, response.text
    return response, client.get(response.location)


def _page_without_ids(html: str, email: str) -> str:
    """The page as it looks, the email and ids aside (a new account has other ids)."""
    main = html.split("<main", 1)[-1].replace(email, "EMAIL")
    return re.sub(r'/\d+|value="[^"]{40,}"', "ID", main)


def test_inviting_an_account_of_another_organisation_reveals_nothing(app, client):
    _org_a, _tilbud_a, _org_b, tilbud_b, shared = _two_organisations()
    login(client, "admin-b@b.dk")
    _, existing = _invite(client, "delt@a.dk", tilbud_b)
    _, fresh = _invite(client, "ny-person@b.dk", tilbud_b)
    assert NEW_ACCOUNT in existing.text and NEW_ACCOUNT in fresh.text
    assert "fandtes i forvejen" not in existing.text
    assert "Administrator:" not in existing.text  # the role in A
    for page in (existing.text, client.get("/staff/brugere").text, client.get("/staff/log").text):
        for secret in ("Hemmelig-Org-A", "Hemmeligt-Omraade-A", "Hemmeligt-A", "Navn-Givet-Af-A"):
            assert secret not in page
    assert _page_without_ids(existing.text, "delt@a.dk") == (
        _page_without_ids(fresh.text, "ny-person@b.dk")
    )
    assert "<h1>Delt Person</h1>" in existing.text  # the name B gave
    admin_a = app.test_client()
    login(admin_a, "admin-a@a.dk")
    assert "<h1>Navn-Givet-Af-A</h1>" in admin_a.get(f"/staff/brugere/{shared.id}").text
    assert "Delt Person" not in admin_a.get("/staff/brugere").text
    # The person is told by mail, as a new user is; their password stays theirs.
    mails = db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [m.recipient for m in mails] == ["delt@a.dk", "ny-person@b.dk"]
    assert "ny rolle" in mails[0].text_body and "/staff/log-ind" in mails[0].text_body
    login(app.test_client(), "delt@a.dk")


def test_an_account_deactivated_elsewhere_looks_like_any_other(app, client):
    _org_a, _tilbud_a, _org_b, tilbud_b, shared = _two_organisations()
    shared.active = False
    db.session.commit()
    login(client, "admin-b@b.dk")
    _, page = _invite(client, "delt@a.dk", tilbud_b)
    assert "Deaktiver brugeren" in page.text and "Deaktiveret" not in page.text
    assert "Deaktiveret" not in client.get("/staff/brugere").text


def test_an_admin_sees_and_changes_only_the_grants_of_their_organisation(app, client):
    org_a, _tilbud_a, _org_b, tilbud_b, shared = _two_organisations()
    login(client, "admin-b@b.dk")
    _invite(client, "delt@a.dk", tilbud_b)
    page = client.get(f"/staff/brugere/{shared.id}")
    assert "Tilbud-B" in page.text and "Hemmelig-Org-A" not in page.text
    a_grant = next(g for g in shared.grants if g.organisation_id == org_a.id)
    withdraw = post_form(
        client, f"/staff/brugere/{shared.id}/rolle/{a_grant.id}/fjern", {}, page.request.path
    )
    assert withdraw.status_code == 400
    db.session.expire_all()
    assert db.session.get(User, shared.id).grants[0].organisation_id == org_a.id


def test_deactivating_in_one_organisation_leaves_the_other_alone(app, client):
    org_a, _tilbud_a, _org_b, tilbud_b, shared = _two_organisations()
    login(client, "admin-b@b.dk")
    _invite(client, "delt@a.dk", tilbud_b)
    person = app.test_client()
    login(person, "delt@a.dk")
    assert "Tilbud-B" in person.get("/staff/").text
    page = f"/staff/brugere/{shared.id}"
    assert post_form(client, f"{page}/aktiv", {"active": "0"}, page).status_code == 302
    shown = client.get(page).text
    assert "Deaktiveret" in shown and "Aktivér brugeren" in shown
    assert "Deaktiveret" in client.get("/staff/brugere").text
    # Their sessions ended (as when a right is withdrawn); they sign in again and keep A.
    assert person.get("/staff/").status_code == 302
    login(person, "delt@a.dk")
    home = person.get("/staff/")
    assert "Hemmelig-Org-A" in home.text and "Tilbud-B" not in home.text
    assert person.get("/staff/brugere").status_code == 200  # still A's admin
    db.session.expire_all()
    assert db.session.get(User, shared.id).active
    # A's log does not learn what B did.
    admin_a = app.test_client()
    login(admin_a, "admin-a@a.dk")
    assert "user.deactivate" not in admin_a.get("/staff/log").text
    # Reactivating in B gives B's role back.
    assert post_form(client, f"{page}/aktiv", {"active": "1"}, page).status_code == 302
    login(person, "delt@a.dk")
    assert "Tilbud-B" in person.get("/staff/").text


def test_an_account_only_in_your_organisation_is_deactivated_whole(app, client):
    org_b = make_organisation("Org-B")
    make_user("admin-b@b.dk", ADMIN, org_b)
    only = make_user("kun-b@b.dk", TILBUD_LEAD, make_tilbud(make_specialomraade(org_b)))
    login(client, "admin-b@b.dk")
    page = f"/staff/brugere/{only.id}"
    assert post_form(client, f"{page}/aktiv", {"active": "0"}, page).status_code == 302
    db.session.expire_all()
    assert not db.session.get(User, only.id).active


def test_the_platform_administrator_deactivates_the_whole_account(app, client):
    org_a, _tilbud_a, org_b, tilbud_b, shared = _two_organisations()
    platform = make_user("platform@b.dk", ADMIN, org_b)
    platform.platform_admin = True
    db.session.commit()
    login(client, "platform@b.dk")
    _invite(client, "delt@a.dk", tilbud_b)
    page = f"/staff/brugere/{shared.id}"
    assert post_form(client, f"{page}/aktiv", {"active": "0"}, page).status_code == 302
    db.session.expire_all()
    assert not db.session.get(User, shared.id).active
    admin_a = app.test_client()
    login(admin_a, "admin-a@a.dk")
    assert "user.deactivate" in admin_a.get("/staff/log").text  # A's account changed


def test_the_audit_log_of_b_shows_nothing_of_a(app, client):
    _org_a, _tilbud_a, org_b, tilbud_b, shared = _two_organisations()
    admin_a = app.test_client()
    login(admin_a, "admin-a@a.dk")
    post_form(
        admin_a,
        "/staff/brugere/ny",
        {"email": "kun-a@a.dk", "role": ADMIN, "scope": f"organisation:{_org_a.id}"},
    )
    login(client, "admin-b@b.dk")
    _invite(client, "delt@a.dk", tilbud_b)
    log = client.get("/staff/log").text
    assert "kun-a@a.dk" not in log and "user.invite" in log


def test_only_the_platform_administrator_creates_organisations_on_the_web(app, client):
    org_b = make_organisation("Org-B")
    make_user("admin-b@b.dk", ADMIN, org_b)
    login(client, "admin-b@b.dk")
    assert client.get("/staff/organisation/ny").status_code == 403
    assert "Opret organisation" not in client.get("/staff/organisation").text
    app.config["WTF_CSRF_ENABLED"] = False
    refused = client.post("/staff/organisation/ny", data={"name": "Min egen"})
    assert refused.status_code == 403
    app.config["WTF_CSRF_ENABLED"] = True
    platform = make_user("platform@p.dk", ADMIN)
    platform.platform_admin = True
    db.session.commit()
    boss = app.test_client()
    login(boss, "platform@p.dk")
    home = boss.get("/staff/").text
    assert "Opret organisation" in home and "Platformens administrator" in home
    created = post_form(boss, "/staff/organisation/ny", {"name": "Region Ny"})
    assert created.status_code == 302
    assert "Region Ny" in boss.get(created.location).text  # its creator is its admin
    assert db.session.scalar(db.select(Organisation).where(Organisation.name == "Min egen")) is None
    clash = post_form(boss, "/staff/organisation/ny", {"name": "region ny"})
    assert clash.status_code == 400 and "allerede en organisation" in clash.text


def test_create_organisation_and_platform_admin_on_the_command_line(app, runner):
    made = runner.invoke(args=["create-organisation", "region-ny", "Region Ny"])
    assert made.exit_code == 0, made.output
    organisation = db.session.scalar(
        db.select(Organisation).where(Organisation.slug == "region-ny")
    )
    assert organisation.name == "Region Ny"
    for args in (
        ["region-ny", "Region Anden"],
        ["Ikke Gyldig", "Region Tredje"],
        ["ok", "Region Ny"],
    ):
        refused = runner.invoke(args=["create-organisation", *args])
        assert refused.exit_code != 0, args
    assert db.session.scalar(db.select(db.func.count(Organisation.id))) == 1
    boss = runner.invoke(
        args=["create-user", "boss@p.dk", "--platform-admin", "--password", "en god lang kode"]
    )
    assert boss.exit_code == 0, boss.output
    assert db.session.scalar(db.select(User).where(User.email == "boss@p.dk")).platform_admin
    half = runner.invoke(
        args=["create-user", "x@p.dk", "--role", "admin", "--password", "en god lang kode"]
    )
    assert half.exit_code != 0
    admin = runner.invoke(
        args=[
            "create-user",
            "first@p.dk",
            "--role",
            "admin",
            "--scope",
            "organisation:region-ny",
            "--password",
            "en god lang kode",
        ]
    )
    assert admin.exit_code == 0, admin.output
    assert not db.session.scalar(db.select(User).where(User.email == "first@p.dk")).platform_admin
