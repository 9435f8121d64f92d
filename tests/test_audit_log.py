"""Issue 18, point 5: the audit log forgot. Replayed as the attack, on SQLite and PostgreSQL.

An admin sees every event of their organisation, whoever did it (a user whose roles were
withdrawn since, a tablet, the command line), for as long as the retention says; and nothing
of another organisation's.
"""

import html
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from ordet.audit import AuditEvent
from ordet.auth.models import ADMIN, ANALYST, Grant, User
from ordet.extensions import db

from .factories import enrol, make_organisation, make_round, make_specialomraade, make_tilbud
from .staff_helpers import make_user, post_form, session_login, token_in

ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
CELL = re.compile(r"<td[^>]*>(.*?)</td>", re.S)
TAG = re.compile(r"<[^>]+>")


def shown(client) -> list[tuple[str, str, str]]:
    """(who, action, detail) of every row of /staff/log, as the admin reads them."""
    page = client.get("/staff/log")
    assert page.status_code == 200, page.text
    rows = []
    for row in ROW.findall(page.text):
        cells = [html.unescape(TAG.sub("", cell)).strip() for cell in CELL.findall(row)]
        if cells:
            _at, who, action, _target, detail = cells
            rows.append((who, action, detail))
    return rows


def actions(client) -> list[tuple[str, str]]:
    return [(who, action) for who, action, _detail in shown(client)]


def create_area(client, organisation_id: int, name: str) -> None:
    url = f"/staff/organisation/{organisation_id}"
    page = client.get(url)
    response = client.post(
        f"{url}/specialomraade", data={"csrf_token": token_in(page.text), "area-name": name}
    )
    assert response.status_code == 302, response.text


def signed_in(app, user: User):
    client = app.test_client()
    session_login(client, user)
    return client


def test_a_user_whose_roles_are_withdrawn_keeps_their_events_in_the_log(app, client):
    org = make_organisation("Region A")
    admin = make_user("admin@a.dk", ADMIN, org)
    colleague = make_user("kollega@a.dk", ADMIN, org)
    create_area(signed_in(app, colleague), org.id, "Område Nord")
    session_login(client, admin)
    assert ("kollega@a.dk", "specialomraade.create") in actions(client)

    url = f"/staff/brugere/{colleague.id}"
    grant = db.session.scalar(db.select(Grant).where(Grant.user_id == colleague.id))
    assert post_form(client, f"{url}/rolle/{grant.id}/fjern", {}, url).status_code == 302
    after = actions(client)
    assert ("admin@a.dk", "grant.withdraw") in after
    assert ("kollega@a.dk", "specialomraade.create") in after


def test_a_user_created_on_the_command_line_shows_in_the_log(app, client, runner):
    org = make_organisation("Region A")
    admin = make_user("admin@a.dk", ADMIN, org)
    result = runner.invoke(
        args=[
            *("create-user", "analytiker@a.dk", "--role", ANALYST),
            *("--scope", f"organisation:{org.slug}", "--password", "en lang adgangskode"),
        ]
    )
    assert result.exit_code == 0, result.output
    session_login(client, admin)
    assert ("Systemet", "user.create_cli") in actions(client)


def test_a_tablet_signing_itself_out_shows_in_the_log(app, client):
    org = make_organisation("Region A")
    tilbud = make_tilbud(make_specialomraade(org), "Lærkehøj")
    make_round([tilbud])
    admin = make_user("admin@a.dk", ADMIN, org)
    session_login(client, admin)
    tablets = f"/staff/tablets/{tilbud.id}"
    assert post_form(client, f"{tablets}/pin", {"pin": "4071"}, tablets).status_code == 302
    tablet = app.test_client()
    enrol(tablet, tilbud)
    assert post_form(tablet, "/kiosk/indstillinger/", {"pin": "4071"}).status_code == 302
    out = post_form(tablet, "/kiosk/indstillinger/afmeld", {}, "/kiosk/indstillinger/aaben")
    assert out.status_code == 302
    assert ("En tablet", "kiosk.sign_out") in actions(client)


def test_an_admin_sees_nothing_of_another_organisations_log(app, client, runner):
    a, b = make_organisation("Region A"), make_organisation("Region B")
    admin_a = make_user("admin@a.dk", ADMIN, a)
    admin_b = make_user("admin@b.dk", ADMIN, b)
    # One person with roles in both: what they do in A is A's business only.
    both = make_user("begge@x.dk", ADMIN, a)
    both.grants.append(Grant(role=ANALYST, organisation_id=b.id))
    db.session.commit()
    create_area(signed_in(app, both), a.id, "Område i A")
    runner.invoke(
        args=[
            *("create-user", "ny@a.dk", "--role", ANALYST),
            *("--scope", f"organisation:{a.slug}", "--password", "en lang adgangskode"),
        ]
    )
    create_area(signed_in(app, admin_b), b.id, "Område i B")

    session_login(client, admin_b)
    assert actions(client) == [("admin@b.dk", "specialomraade.create")]
    assert "Område i A" not in client.get("/staff/log").text

    in_a = shown(signed_in(app, admin_a))
    assert ("begge@x.dk", "specialomraade.create") in [(w, act) for w, act, _ in in_a]
    assert ("Systemet", "user.create_cli") in [(w, act) for w, act, _ in in_a]
    assert not [row for row in in_a if "Område i B" in row[2]]


def test_an_event_past_the_retention_is_not_shown_and_purge_deletes_it(app, client, runner):
    org = make_organisation("Region A")
    admin = make_user("admin@a.dk", ADMIN, org)
    session_login(client, admin)
    create_area(client, org.id, "Gammelt område")
    old = db.session.scalar(db.select(AuditEvent.id).order_by(AuditEvent.id.desc()))
    # Time passes: the event is 31 days old now.
    long_ago = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=31)
    db.session.execute(update(AuditEvent).where(AuditEvent.id == old).values(at=long_ago))
    db.session.commit()
    create_area(client, org.id, "Nyt område")
    # Without a retention every event is kept.
    assert len([row for row in shown(client) if "Gammelt område" in row[2]]) == 1

    app.config["AUDIT_RETENTION_DAYS"] = 30
    details = [detail for _who, _action, detail in shown(client)]
    assert not [d for d in details if "Gammelt område" in d]
    assert [d for d in details if "Nyt område" in d]

    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "1 audit events" in result.output
    db.session.expire_all()
    assert db.session.get(AuditEvent, old) is None
    after = shown(client)
    assert ("Systemet", "audit.purge", '{"events": 1}') in after
    assert [row for row in after if "Nyt område" in row[2]]


def test_purge_refuses_a_retention_below_one_day(app, runner):
    app.config["AUDIT_RETENTION_DAYS"] = 0
    result = runner.invoke(args=["purge"])
    assert result.exit_code != 0
    assert "AUDIT_RETENTION_DAYS" in result.output
