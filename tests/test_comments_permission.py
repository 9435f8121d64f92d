"""Reading free text is a permission of its own: a lead reads comments only when an admin
has ticked it on the lead's grant, and then only within that grant's unit."""

from datetime import date

import pytest

from ordet.audit import AuditEvent
from ordet.auth.models import ADMIN, ANALYST, TILBUD_LEAD, Grant
from ordet.auth.permissions import COMMENTS_READ
from ordet.auth.scope import Scope
from ordet.extensions import db

from .factories import csrf_from, make_organisation, make_round, make_specialomraade, make_tilbud
from .results_data import make_response
from .staff_helpers import make_user, session_login

COMMENTS = "/staff/resultater/r25/borger/kommentarer"


@pytest.fixture
def world(app):
    org = make_organisation()
    area = make_specialomraade(org, "Område A")
    mine = make_tilbud(area, "Mit tilbud")
    theirs = make_tilbud(area, "Naboens tilbud")
    round_ = make_round([mine, theirs], date(2025, 1, 1), date(2025, 12, 31), slug="r25")
    for i in range(6):
        make_response(round_, mine, {"tryg": "ja", "andet": f"Mit svar {i}"})
        make_response(round_, theirs, {"tryg": "ja", "andet": f"Naboens svar {i}"})
    db.session.commit()
    admin = make_user("admin@a.dk", ADMIN, org)
    lead = make_user("leder@a.dk", TILBUD_LEAD, mine)
    return {"admin": admin, "lead": lead, "mine": mine, "theirs": theirs}


def _grant(user) -> Grant:
    return db.session.scalar(db.select(Grant).where(Grant.user_id == user.id))


def test_a_lead_without_the_flag_gets_403(client, world):
    session_login(client, world["lead"])
    assert client.get(COMMENTS).status_code == 403
    assert "/kommentarer" not in client.get("/staff/resultater/r25/borger/").text


def test_an_admin_ticks_the_flag_and_the_lead_reads_only_their_own_tilbud(client, world):
    lead, admin = world["lead"], world["admin"]
    session_login(client, admin)
    page = client.get(f"/staff/brugere/{lead.id}")
    assert "læser ikke kommentarer" in page.text
    grant = _grant(lead)
    response = client.post(
        f"/staff/brugere/{lead.id}/kommentarer/{grant.id}",
        data={"reads": "1", "csrf_token": csrf_from(page.text)},
    )
    assert response.status_code == 302
    assert "læser kommentarer" in client.get(f"/staff/brugere/{lead.id}").text
    assert "(læser kommentarer)" in client.get("/staff/brugere").text
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "grant.comments_on"))
    assert event is not None and event.user_id == admin.id and event.target == f"user:{lead.id}"

    session_login(client, lead)
    page = client.get(COMMENTS)
    assert page.status_code == 200
    assert "Mit svar 5" in page.text
    assert "Naboens svar" not in page.text
    # Asking for the neighbour's tilbud by name changes nothing.
    other = client.get(f"{COMMENTS}?enhed=tilbud:{world['theirs'].slug}")
    assert other.status_code in (403, 404) and "Naboens svar" not in other.text
    assert "/kommentarer" in client.get("/staff/resultater/r25/borger/").text


def test_taking_the_flag_away_closes_the_page_again(client, world):
    lead, admin = world["lead"], world["admin"]
    grant = _grant(lead)
    grant.reads_comments = True
    db.session.commit()
    session_login(client, admin)
    page = client.get(f"/staff/brugere/{lead.id}")
    response = client.post(
        f"/staff/brugere/{lead.id}/kommentarer/{grant.id}",
        data={"reads": "0", "csrf_token": csrf_from(page.text)},
    )
    assert response.status_code == 302
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "grant.comments_off"))
    session_login(client, lead)
    assert client.get(COMMENTS).status_code == 403


def test_the_flag_can_be_set_when_granting(client, world):
    lead, admin = world["lead"], world["admin"]
    session_login(client, admin)
    page = client.get(f"/staff/brugere/{lead.id}")
    response = client.post(
        f"/staff/brugere/{lead.id}",
        data={
            "role": TILBUD_LEAD,
            "scope": f"tilbud:{world['theirs'].id}",
            "reads_comments": "y",
            "csrf_token": csrf_from(page.text),
        },
    )
    assert response.status_code == 302, response.text
    added = db.session.scalar(
        db.select(Grant).where(Grant.user_id == lead.id, Grant.tilbud_id == world["theirs"].id)
    )
    assert added.reads_comments
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "grant.add"))
    assert '"reads_comments": true' in event.detail
    session_login(client, lead)
    page = client.get(COMMENTS)
    assert "Naboens svar" in page.text


def test_bad_toggles_change_nothing(client, world):
    lead, admin = world["lead"], world["admin"]
    session_login(client, admin)
    page = client.get(f"/staff/brugere/{admin.id}")
    token = csrf_from(page.text)
    bad = client.post(
        f"/staff/brugere/{lead.id}/kommentarer/{_grant(lead).id}",
        data={"reads": "ja", "csrf_token": token},
    )
    assert bad.status_code == 400 and "Vælg ja eller nej." in bad.text
    own = client.post(
        f"/staff/brugere/{admin.id}/kommentarer/{_grant(admin).id}",
        data={"reads": "1", "csrf_token": token},
    )
    assert own.status_code == 400
    assert "Administratorer og analytikere kan altid læse kommentarer." in own.text
    assert not _grant(lead).reads_comments
    assert not db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action.like("grant.comments%"))
    )


def test_scope_honours_the_flag_for_that_grant_only(app, world):
    lead = world["lead"]
    assert not Scope.of(lead).can(COMMENTS_READ)
    _grant(lead).reads_comments = True
    lead.grants.append(Grant(role=TILBUD_LEAD, tilbud_id=world["theirs"].id))
    db.session.commit()
    scope = Scope.of(lead)
    assert scope.can(COMMENTS_READ)
    assert set(db.session.scalars(scope.tilbud_ids(COMMENTS_READ))) == {world["mine"].id}
    assert set(db.session.scalars(scope.tilbud_ids())) == {world["mine"].id, world["theirs"].id}
    analyst = make_user("analytiker@a.dk", ANALYST, world["mine"].specialomraade.organisation)
    assert Scope.of(analyst).can(COMMENTS_READ)
