"""Ending staff sessions on the server (issue 18, point 1), each tested as the attack: the
Cookie header a staff member's browser sends is copied before the event and replayed after
it from another client. After sign-out, a new password, deactivation or a withdrawn right,
the copy (and every other session of the user) is sent to sign-in like a signed-out visitor.
"""

from flask_login.utils import encode_cookie

from ordet.auth.models import ADMIN, ANALYST, TILBUD_LEAD, Grant, User
from ordet.extensions import db
from ordet.mail import OutboxMessage

from .factories import make_organisation, make_specialomraade, make_tilbud
from .staff_helpers import PASSWORD, login, make_user, post_form

USERS = "/staff/brugere"
WRONG = "E-mail eller adgangskode er forkert."


def steal(client, path: str = USERS) -> str:
    """The Cookie header the staff member's browser sends with a staff page: the copy."""
    page = client.get(path)
    assert page.status_code == 200, page.status_code
    return page.request.headers["Cookie"]


def replay(app, cookie: str, path: str = USERS):
    """The copied Cookie header, sent from another machine with no cookies of its own."""
    return app.test_client(use_cookies=False).get(path, headers={"Cookie": cookie})


def refused(response) -> bool:
    """Sent to sign-in, as a signed-out visitor is."""
    return response.status_code == 302 and "/staff/log-ind" in response.location


def _grant(user: User, role: str) -> Grant:
    db.session.expire_all()
    return next(g for g in db.session.get(User, user.id).grants if g.role == role)


def _withdraw(admin, user: User, grant: Grant):
    page = f"{USERS}/{user.id}"
    return post_form(admin, f"{page}/rolle/{grant.id}/fjern", {}, page)


def _set_active(admin, user: User, active: bool):
    page = f"{USERS}/{user.id}"
    return post_form(admin, f"{page}/aktiv", {"active": "1" if active else "0"}, page)


def test_a_cookie_copied_before_logout_is_refused_after_it(app, client):
    org = make_organisation()
    make_user("a@test.dk", ADMIN, org)
    login(client, "a@test.dk")
    copy = steal(client)
    assert replay(app, copy).status_code == 200  # the copy works while the session lives

    assert post_form(client, "/staff/log-ud", {}, "/staff/").status_code == 302
    assert refused(client.get(USERS))
    assert refused(replay(app, copy))
    assert refused(replay(app, copy, "/staff/"))

    login(client, "a@test.dk")  # signing in again works, and does not revive the copy
    assert client.get(USERS).status_code == 200
    assert refused(replay(app, copy))


def test_logout_ends_the_users_other_sessions(app, client):
    org = make_organisation()
    make_user("a@test.dk", ADMIN, org)
    other = app.test_client()
    login(client, "a@test.dk")
    login(other, "a@test.dk")
    assert other.get(USERS).status_code == 200

    post_form(client, "/staff/log-ud", {}, "/staff/")
    assert refused(other.get(USERS))


def test_a_password_reset_ends_every_session(app, client):
    org = make_organisation()
    make_user("a@test.dk", ADMIN, org)
    login(client, "a@test.dk")
    copy = steal(client)

    owner = app.test_client()  # the real reset flow, from another browser
    assert post_form(owner, "/staff/glemt-adgangskode", {"email": "a@test.dk"}).status_code == 200
    mail = db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    link = mail.text_body.split("http://localhost", 1)[1].split()[0]
    new = {"password": "en helt ny kode", "confirm": "en helt ny kode"}
    assert post_form(owner, link, new).status_code == 302

    assert refused(replay(app, copy))
    assert refused(client.get(USERS))
    old = post_form(owner, "/staff/log-ind", {"email": "a@test.dk", "password": PASSWORD})
    assert old.status_code == 400 and WRONG in old.text
    login(owner, "a@test.dk", "en helt ny kode")
    assert owner.get(USERS).status_code == 200


def test_deactivation_ends_sessions_and_reactivation_does_not_revive_them(app, client):
    org = make_organisation()
    make_user("admin@test.dk", ADMIN, org)
    user = make_user("b@test.dk", ADMIN, org)
    victim = app.test_client()
    login(victim, "b@test.dk")
    copy = steal(victim)
    login(client, "admin@test.dk")

    assert _set_active(client, user, False).status_code == 302
    assert refused(replay(app, copy))
    signin = post_form(victim, "/staff/log-ind", {"email": "b@test.dk", "password": PASSWORD})
    assert signin.status_code == 400 and WRONG in signin.text

    assert _set_active(client, user, True).status_code == 302
    assert refused(replay(app, copy))
    login(victim, "b@test.dk")
    assert victim.get(USERS).status_code == 200


def test_a_withdrawn_role_ends_the_sessions_that_had_it(app, client):
    org = make_organisation()
    make_user("admin@test.dk", ADMIN, org)
    user = make_user("b@test.dk", ADMIN, org)
    db.session.add(Grant(user_id=user.id, role=ANALYST, organisation_id=org.id))
    db.session.commit()
    victim = app.test_client()
    login(victim, "b@test.dk")
    copy = steal(victim)
    login(client, "admin@test.dk")

    assert _withdraw(client, user, _grant(user, ADMIN)).status_code == 302
    # Not a 403 for the page the role opened: the whole session is over.
    assert refused(replay(app, copy))
    assert refused(replay(app, copy, "/staff/"))
    page = f"{USERS}/{user.id}"
    back = post_form(client, page, {"role": ADMIN, "scope": f"organisation:{org.id}"})
    assert back.status_code == 302
    assert refused(replay(app, copy))  # the role given back does not revive the copy

    login(victim, "b@test.dk")
    assert victim.get(USERS).status_code == 200


def test_the_last_grant_withdrawn_ends_the_session(app, client):
    org = make_organisation()
    make_user("admin@test.dk", ADMIN, org)
    user = make_user("b@test.dk", ANALYST, org)
    victim = app.test_client()
    login(victim, "b@test.dk")
    copy = steal(victim, "/staff/")
    login(client, "admin@test.dk")

    assert _withdraw(client, user, _grant(user, ANALYST)).status_code == 302
    assert refused(replay(app, copy, "/staff/"))
    # Invited again (the user has no role left, so the invite form gives one).
    again = {"email": "b@test.dk", "role": ANALYST, "scope": f"organisation:{org.id}"}
    assert post_form(client, f"{USERS}/ny", again).status_code == 302
    assert refused(replay(app, copy, "/staff/"))

    login(victim, "b@test.dk")
    assert victim.get("/staff/").status_code == 200


def test_taking_the_right_to_read_comments_ends_the_session(app, client):
    org = make_organisation()
    tilbud = make_tilbud(make_specialomraade(org))
    make_user("admin@test.dk", ADMIN, org)
    user = make_user("lead@test.dk", TILBUD_LEAD, tilbud)
    grant = _grant(user, TILBUD_LEAD)
    grant.reads_comments = True
    db.session.commit()
    victim = app.test_client()
    login(victim, "lead@test.dk")
    copy = steal(victim, "/staff/")
    login(client, "admin@test.dk")

    page = f"{USERS}/{user.id}"
    taken = post_form(client, f"{page}/kommentarer/{grant.id}", {"reads": "0"}, page)
    assert taken.status_code == 302
    assert refused(replay(app, copy, "/staff/"))
    login(victim, "lead@test.dk")
    assert victim.get("/staff/").status_code == 200


def test_withdrawing_ones_own_role_keeps_this_session_only(app, client):
    org = make_organisation()
    tilbud = make_tilbud(make_specialomraade(org))
    admin = make_user("admin@test.dk", ADMIN, org)
    db.session.add(Grant(user_id=admin.id, role=TILBUD_LEAD, tilbud_id=tilbud.id))
    db.session.commit()
    other = app.test_client()
    login(other, "admin@test.dk")
    login(client, "admin@test.dk")
    copy = steal(client)

    assert _withdraw(client, admin, _grant(admin, TILBUD_LEAD)).status_code == 302
    assert client.get(USERS).status_code == 200  # the browser that made the change goes on
    assert refused(replay(app, copy))  # a copy of its cookie from before does not
    assert refused(other.get(USERS))  # nor the admin's other session


def test_a_remember_cookie_made_before_logout_is_refused_after_it(app, client):
    """Sign-in never sets Flask-Login's remember cookie, but Flask-Login reads one if sent:
    one made for the user before sign-out must not sign anyone in after it."""
    org = make_organisation()
    user = make_user("a@test.dk", ADMIN, org)
    with app.test_request_context():
        remember = f"remember_token={encode_cookie(db.session.get(User, user.id).get_id())}"
    assert replay(app, remember).status_code == 200

    login(client, "a@test.dk")
    post_form(client, "/staff/log-ud", {}, "/staff/")
    assert refused(replay(app, remember))
