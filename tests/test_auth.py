"""Sign-in, sign-out, password links, session cookie and the create-user command."""

import re
from datetime import timedelta

from ordet.audit import AuditEvent
from ordet.auth.models import ADMIN, PasswordToken, User
from ordet.extensions import db
from ordet.mail import OutboxMessage, deliver_outbox

from .factories import make_organisation
from .staff_helpers import PASSWORD, login, make_user, post_form, token_in

WRONG = "E-mail eller adgangskode er forkert."


def test_login_opens_staff_home_with_a_fresh_session(app, client):
    org = make_organisation("Region Test")
    make_user("ada@test.dk", ADMIN, org, name="Ada")
    client.get("/tekststoerrelse")  # nothing; make sure a pre-login session exists
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    response = login(client, "ADA@test.dk ")
    assert response.location.endswith("/staff/")
    with client.session_transaction() as session:
        assert "planted" not in session and session.get("sid")
    home = client.get("/staff/")
    assert home.status_code == 200
    assert "Velkommen, Ada" in home.text and "Log ud" in home.text


def test_session_cookie_is_httponly_and_lax(app, client):
    org = make_organisation()
    make_user("a@test.dk", ADMIN, org)
    response = login(client, "a@test.dk")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_wrong_password_and_unknown_email_get_the_same_answer(app, client):
    org = make_organisation()
    make_user("a@test.dk", ADMIN, org)
    wrong = post_form(client, "/staff/log-ind", {"email": "a@test.dk", "password": "forkert"})
    unknown = post_form(client, "/staff/log-ind", {"email": "nobody@test.dk", "password": "x"})
    for response in (wrong, unknown):
        assert response.status_code == 400
        assert WRONG in response.text
        assert 'aria-invalid="true"' in response.text
    assert client.get("/staff/").status_code == 302  # still signed out


def test_inactive_user_cannot_sign_in(app, client):
    org = make_organisation()
    user = make_user("a@test.dk", ADMIN, org)
    user.active = False
    db.session.commit()
    response = post_form(client, "/staff/log-ind", {"email": "a@test.dk", "password": PASSWORD})
    assert response.status_code == 400 and WRONG in response.text


def test_login_without_csrf_token_is_refused(app, client):
    org = make_organisation()
    make_user("a@test.dk", ADMIN, org)
    response = client.post("/staff/log-ind", data={"email": "a@test.dk", "password": PASSWORD})
    assert response.status_code == 400
    assert "Siden er blevet for gammel" in response.text
    assert client.get("/staff/").status_code == 302


def test_logout_ends_the_session(app, client):
    org = make_organisation()
    make_user("a@test.dk", ADMIN, org)
    login(client, "a@test.dk")
    home = client.get("/staff/")
    response = client.post("/staff/log-ud", data={"csrf_token": token_in(home.text)})
    assert response.status_code == 302
    assert "Du er logget ud." in client.get("/staff/log-ind").text
    assert client.get("/staff/").status_code == 302


def test_idle_session_is_signed_out(app, client):
    org = make_organisation()
    make_user("a@test.dk", ADMIN, org)
    login(client, "a@test.dk")
    with client.session_transaction() as session:
        session["staff_seen"] -= app.config["STAFF_IDLE_MINUTES"] * 60 + 1
    response = client.get("/staff/brugere")
    assert response.status_code == 302 and "/staff/log-ind" in response.location
    page = client.get(response.location)
    assert "inaktiv for længe" in page.text
    assert client.get("/staff/").status_code == 302


def test_anonymous_is_sent_to_login_and_back(app, client):
    response = client.get("/staff/brugere")
    assert response.status_code == 302
    assert "/staff/log-ind?next=" in response.location


def _reset_link(app) -> str:
    message = db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert message is not None
    match = re.search(r"http://localhost(/staff/ny-adgangskode/\S+)", message.text_body)
    assert match, message.text_body
    return match.group(1)


def test_forgotten_password_by_single_use_link(app, client, tmp_path):
    org = make_organisation()
    make_user("a@test.dk", ADMIN, org)
    sent = post_form(client, "/staff/glemt-adgangskode", {"email": "a@test.dk"})
    assert sent.status_code == 200 and "Tjek din e-mail" in sent.text
    link = _reset_link(app)
    # The file backend writes the mail where a developer can open it.
    report = deliver_outbox(None, "ordet@test.dk", tmp_path / "outbox")
    assert report.sent == 1 and len(list((tmp_path / "outbox").glob("*.eml"))) == 1

    done = post_form(client, link, {"password": "en helt ny kode", "confirm": "en helt ny kode"})
    assert done.status_code == 302
    assert "Din adgangskode er gemt" in client.get("/staff/log-ind").text
    login(client, "a@test.dk", "en helt ny kode")
    again = client.get(link)
    assert again.status_code == 400 and "Linket virker ikke" in again.text
    assert again.headers["Referrer-Policy"] == "no-referrer"


def test_unknown_email_gets_the_same_answer_and_no_mail(app, client):
    sent = post_form(client, "/staff/glemt-adgangskode", {"email": "nobody@test.dk"})
    assert sent.status_code == 200 and "Tjek din e-mail" in sent.text
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 0


def test_expired_link_is_refused(app, client):
    org = make_organisation()
    user = make_user("a@test.dk", ADMIN, org)
    post_form(client, "/staff/glemt-adgangskode", {"email": "a@test.dk"})
    link = _reset_link(app)
    token = db.session.scalar(db.select(PasswordToken).where(PasswordToken.user_id == user.id))
    token.expires_at -= timedelta(hours=2)
    db.session.commit()
    response = client.get(link)
    assert response.status_code == 400 and "Linket virker ikke" in response.text
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(PASSWORD)


def test_new_password_must_match_and_be_long_enough(app, client):
    org = make_organisation()
    make_user("a@test.dk", ADMIN, org)
    post_form(client, "/staff/glemt-adgangskode", {"email": "a@test.dk"})
    link = _reset_link(app)
    short = post_form(client, link, {"password": "kort", "confirm": "kort"})
    assert short.status_code == 400 and "mindst 10 tegn" in short.text
    differ = post_form(client, link, {"password": "lang nok kode 1", "confirm": "lang nok kode 2"})
    assert differ.status_code == 400 and "ikke ens" in differ.text


def test_create_user_command(app, runner):
    org = make_organisation()
    result = runner.invoke(
        args=[
            "create-user",
            "First@Admin.dk",
            "--role",
            "admin",
            "--scope",
            f"organisation:{org.slug}",
            "--name",
            "Første",
        ],
        input="en lang adgangskode\nen lang adgangskode\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User).where(User.email == "first@admin.dk"))
    assert user.check_password("en lang adgangskode")
    assert [(g.role, g.organisation_id) for g in user.grants] == [("admin", org.id)]
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "user.create_cli"))


def test_create_user_refuses_a_scope_of_the_wrong_kind(app, runner):
    org = make_organisation()
    result = runner.invoke(
        args=[
            "create-user",
            "a@b.dk",
            "--role",
            "tilbud_lead",
            "--scope",
            f"organisation:{org.slug}",
            "--password",
            "en lang adgangskode",
        ],
    )
    assert result.exit_code != 0 and "needs a tilbud scope" in result.output
    assert db.session.scalar(db.select(User)) is None
