"""Administration pages: units, rounds, tablets, PIN, users, overview and the audit log."""

from datetime import date, timedelta

from ordet.answering.models import COMPLETE, PARTIAL, Response
from ordet.audit import AuditEvent
from ordet.auth.models import ADMIN, AREA_LEAD, TILBUD_LEAD, User
from ordet.extensions import db
from ordet.kiosk.models import Device
from ordet.org.models import Tilbud
from ordet.rounds.models import Round
from ordet.weeks import week_of

from .factories import enrol, make_organisation, make_round, make_specialomraade, make_tilbud
from .staff_helpers import login, make_user, post_form, token_in


def _actions() -> list[str]:
    return list(db.session.scalars(db.select(AuditEvent.action).order_by(AuditEvent.id)))


def _admin(client, org=None):
    org = org or make_organisation("Region Test")
    make_user("admin@test.dk", ADMIN, org)
    login(client, "admin@test.dk")
    return org


def test_units_create_rename_deactivate_with_audit(app, client):
    org = _admin(client)
    url = f"/staff/organisation/{org.id}"
    page = client.get(url)
    r = client.post(
        f"{url}/specialomraade",
        data={"csrf_token": token_in(page.text), "area-name": "Område Nord"},
    )
    assert r.status_code == 302
    area_url = r.location
    page = client.get(area_url)
    r = client.post(
        f"{area_url}/tilbud",
        data={
            "csrf_token": token_in(page.text),
            "tilbud-name": "Bostedet Test",
            "tilbud-kiosk_variant": "borger",
        },
    )
    assert r.status_code == 302
    tilbud = db.session.scalar(db.select(Tilbud).where(Tilbud.name == "Bostedet Test"))
    r = post_form(
        client,
        f"/staff/tilbud/{tilbud.id}",
        {
            "name": "Bostedet Nyt Navn",
            "specialomraade_id": tilbud.specialomraade_id,
            "kiosk_variant": "unge",
        },
    )
    assert r.status_code == 302
    db.session.expire_all()
    tilbud = db.session.get(Tilbud, tilbud.id)
    assert (tilbud.name, tilbud.kiosk_variant, tilbud.active) == (
        "Bostedet Nyt Navn",
        "unge",
        False,
    )
    assert _actions() == ["specialomraade.create", "tilbud.create", "tilbud.update"]


def test_duplicate_tilbud_name_in_an_area_is_refused(app, client):
    org = _admin(client)
    area = make_specialomraade(org)
    make_tilbud(area, "Engtoften")
    db.session.commit()
    page = client.get(f"/staff/specialomraade/{area.id}")
    r = client.post(
        f"/staff/specialomraade/{area.id}/tilbud",
        data={
            "csrf_token": token_in(page.text),
            "tilbud-name": " engtoften ",
            "tilbud-kiosk_variant": "borger",
        },
    )
    assert r.status_code == 400
    assert "Der findes allerede et tilbud med det navn i specialområdet." in r.text
    assert 'aria-invalid="true"' in r.text
    assert db.session.scalar(db.select(db.func.count(Tilbud.id))) == 1
    assert _actions() == []


def test_tilbud_cannot_move_to_another_organisation(app, client):
    org = _admin(client)
    other_area = make_specialomraade(make_organisation("Anden"))
    tilbud = make_tilbud(make_specialomraade(org), "Flyttes")
    db.session.commit()
    r = post_form(
        client,
        f"/staff/tilbud/{tilbud.id}",
        {
            "name": "Flyttes",
            "specialomraade_id": other_area.id,
            "kiosk_variant": "borger",
            "active": "y",
        },
    )
    assert r.status_code == 400 and "kan ikke flyttes til en anden organisation" in r.text
    db.session.expire_all()
    assert db.session.get(Tilbud, tilbud.id).specialomraade_id != other_area.id
    assert _actions() == []


def _round_data(org, tilbud, opens, closes):
    return {
        "name": "Ordet er dit 2030",
        "organisation_id": org.id,
        "opens_on": opens,
        "closes_on": closes,
        "version_borger": "1",
        "version_unge": "",
        "version_paaroerende": "1",
        "tilbud": [t.id for t in tilbud],
    }


def test_round_with_close_before_open_is_refused(app, client):
    org = _admin(client)
    tilbud = make_tilbud(make_specialomraade(org))
    db.session.commit()
    r = post_form(
        client, "/staff/runder/ny", _round_data(org, [tilbud], "2030-05-01", "2030-04-01")
    )
    assert r.status_code == 400
    assert "Slutdatoen skal være samme dag som startdatoen eller senere." in r.text
    assert db.session.scalar(db.select(db.func.count(Round.id))) == 0
    bad = post_form(client, "/staff/runder/ny", _round_data(org, [tilbud], "1. maj", "2030-04-01"))
    assert bad.status_code == 400 and "Skriv datoen som åååå-mm-dd." in bad.text


def test_round_create_open_close_extend_and_served(app, client):
    org = _admin(client)
    t1, t2 = make_tilbud(make_specialomraade(org)), make_tilbud(make_specialomraade(org))
    db.session.commit()
    future = date.today() + timedelta(days=30)
    r = post_form(
        client,
        "/staff/runder/ny",
        _round_data(org, [t1, t2], future.isoformat(), (future + timedelta(60)).isoformat()),
    )
    assert r.status_code == 302, r.text
    round_ = db.session.scalar(db.select(Round))
    assert {q.variant: q.version for q in round_.questionnaires} == {"borger": 1, "paaroerende": 1}
    url = f"/staff/runder/{round_.id}"
    assert post_form(client, f"{url}/status", {"action": "open"}, url).status_code == 302
    assert post_form(client, f"{url}/status", {"action": "close"}, url).status_code == 302
    early = post_form(client, f"{url}/status", {"action": "extend", "closes_on": "2000-01-01"}, url)
    assert early.status_code == 400 and "efter den nuværende" in early.text
    later = (future + timedelta(90)).isoformat()
    assert (
        post_form(
            client, f"{url}/status", {"action": "extend", "closes_on": later}, url
        ).status_code
        == 302
    )
    bad = post_form(client, url, {f"served_{t1.id}": "mange", f"served_{t2.id}": "12"})
    assert bad.status_code == 400 and "helt tal" in bad.text
    assert (
        post_form(client, url, {f"served_{t1.id}": "30", f"served_{t2.id}": ""}).status_code == 302
    )
    db.session.expire_all()
    round_ = db.session.get(Round, round_.id)
    assert round_.is_open(date.today()) and round_.closes_on.isoformat() == later
    assert {p.tilbud_id: p.borgere_served for p in round_.participants} == {t1.id: 30, t2.id: None}
    assert _actions() == [
        "round.create",
        "round.open",
        "round.close",
        "round.extend",
        "round.borgere_served",
    ]


def test_enrolment_code_with_qr_then_tablet_enrols_and_is_revoked(app, client):
    org = _admin(client)
    tilbud = make_tilbud(make_specialomraade(org), "Lærkehøj")
    db.session.commit()
    r = post_form(client, f"/staff/tablets/{tilbud.id}/kode", {}, f"/staff/tablets/{tilbud.id}")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    assert '<svg role="img" aria-label="QR-kode' in r.text
    code = r.text.split('<p class="code">')[1].split("<")[0]
    assert f"/kiosk/tilmeld?kode={code}" in r.text
    tablet = app.test_client()
    page = tablet.get(f"/kiosk/tilmeld?kode={code}")
    assert code in page.text  # the QR link fills in the code
    assert (
        tablet.post(
            "/kiosk/tilmeld",
            data={"code": code, "label": "Stuen", "csrf_token": token_in(page.text)},
        ).status_code
        == 302
    )
    device = db.session.scalar(db.select(Device))
    listing = client.get(f"/staff/tablets/{tilbud.id}")
    assert "Stuen" in listing.text and "Ingen svar endnu" in listing.text
    assert (
        post_form(
            client, f"/staff/tablets/enhed/{device.id}/afmeld", {}, f"/staff/tablets/{tilbud.id}"
        ).status_code
        == 302
    )
    assert tablet.get("/kiosk/").status_code == 403
    assert _actions() == ["kiosk.code_create", "kiosk.revoke"]


def test_staff_pin_opens_the_tablet_settings(app, client):
    org = _admin(client)
    tilbud = make_tilbud(make_specialomraade(org))
    make_round([tilbud])
    db.session.commit()
    weak = post_form(
        client, f"/staff/tablets/{tilbud.id}/pin", {"pin": "1234"}, f"/staff/tablets/{tilbud.id}"
    )
    assert weak.status_code == 400 and "svær at gætte" in weak.text
    assert (
        post_form(
            client,
            f"/staff/tablets/{tilbud.id}/pin",
            {"pin": "4071"},
            f"/staff/tablets/{tilbud.id}",
        ).status_code
        == 302
    )
    tablet = app.test_client()
    enrol(tablet, tilbud)
    assert "/kiosk/indstillinger/" in tablet.get("/kiosk/").text
    wrong = post_form(tablet, "/kiosk/indstillinger/", {"pin": "9999"})
    assert wrong.status_code == 400 and "PIN-koden er forkert." in wrong.text
    assert tablet.get("/kiosk/indstillinger/aaben").status_code == 302
    assert post_form(tablet, "/kiosk/indstillinger/", {"pin": "4071"}).status_code == 302
    settings = tablet.get("/kiosk/indstillinger/aaben")
    assert settings.status_code == 200 and tilbud.name in settings.text
    assert post_form(tablet, "/kiosk/indstillinger/aaben", {"language": "en"}).status_code == 302
    out = post_form(tablet, "/kiosk/indstillinger/afmeld", {}, "/kiosk/indstillinger/aaben")
    assert out.status_code == 302
    assert tablet.get("/kiosk/").status_code == 403
    assert _actions() == ["kiosk.pin_set", "kiosk.sign_out"]


def test_invite_grant_withdraw_deactivate(app, client):
    org = _admin(client)
    area = make_specialomraade(org, "Område Syd")
    tilbud = make_tilbud(area, "Solsikken")
    outside = make_tilbud(make_specialomraade(make_organisation("Fremmed")), "Fremmed tilbud")
    db.session.commit()
    r = post_form(
        client,
        "/staff/brugere/ny",
        {
            "email": "Ny@Test.dk",
            "name": "Nina",
            "role": AREA_LEAD,
            "scope": f"specialomraade:{area.id}",
        },
    )
    assert r.status_code == 302, r.text
    user = db.session.scalar(db.select(User).where(User.email == "ny@test.dk"))
    url = f"/staff/brugere/{user.id}"
    wrong_kind = post_form(client, url, {"role": TILBUD_LEAD, "scope": f"specialomraade:{area.id}"})
    assert wrong_kind.status_code == 400 and "et andet slags område" in wrong_kind.text
    foreign = post_form(client, url, {"role": TILBUD_LEAD, "scope": f"tilbud:{outside.id}"})
    assert foreign.status_code == 400 and "inden for din egen organisation" in foreign.text
    assert (
        post_form(client, url, {"role": TILBUD_LEAD, "scope": f"tilbud:{tilbud.id}"}).status_code
        == 302
    )
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert sorted(g.role for g in user.grants) == [AREA_LEAD, TILBUD_LEAD]
    grant = next(g for g in user.grants if g.role == AREA_LEAD)
    assert post_form(client, f"{url}/rolle/{grant.id}/fjern", {}, url).status_code == 302
    assert post_form(client, f"{url}/aktiv", {"active": "0"}, url).status_code == 302
    db.session.expire_all()
    assert not db.session.get(User, user.id).active
    assert _actions() == [
        "user.invite",
        "grant.add",
        "grant.add",
        "grant.withdraw",
        "user.deactivate",
    ]


def test_invitation_mail_lets_the_user_choose_a_password(app, client):
    from ordet.mail import OutboxMessage

    org = _admin(client)
    post_form(
        client,
        "/staff/brugere/ny",
        {"email": "ny@test.dk", "role": ADMIN, "scope": f"organisation:{org.id}"},
    )
    mail = db.session.scalar(db.select(OutboxMessage))
    assert mail.recipient == "ny@test.dk" and "Du er inviteret" in mail.subject
    link = mail.text_body.split("http://localhost", 1)[1].split()[0]
    fresh = app.test_client()
    assert (
        post_form(
            fresh, link, {"password": "min egen kode", "confirm": "min egen kode"}
        ).status_code
        == 302
    )
    login(fresh, "ny@test.dk", "min egen kode")


def test_live_overview_counts_and_highlights_tilbud_without_answers(app, client):
    org = _admin(client)
    area = make_specialomraade(org, "Område Øst")
    busy, quiet = make_tilbud(area, "Travlt"), make_tilbud(area, "Stille")
    round_ = make_round([busy, quiet])
    for status in (COMPLETE, COMPLETE, PARTIAL, "draft"):
        db.session.add(
            Response(
                round_id=round_.id,
                tilbud_id=busy.id,
                questionnaire="borger",
                questionnaire_version=1,
                channel="kiosk",
                language="da",
                status=status,
                answered_week=week_of(date.today()),
            )
        )
    db.session.commit()
    page = client.get("/staff/overblik")
    assert page.status_code == 200
    row = page.text.split("Travlt")[1].split("</tr>")[0]
    assert '<td class="num">3</td>' in row and "15 %" in row  # 3 of 20 borgere
    quiet_row = (
        page.text.split("Stille")[0].rsplit("<tr", 1)[1]
        + page.text.split("Stille")[1].split("</tr>")[0]
    )
    assert "no-answers" in quiet_row and "Ingen svar endnu" in quiet_row


def test_audit_log_is_read_only_for_admins(app, client):
    org = _admin(client)
    url = f"/staff/organisation/{org.id}"
    post_form(client, f"{url}/specialomraade", {"area-name": "Område Nord"}, url)
    page = client.get("/staff/log")
    assert page.status_code == 200 and "specialomraade.create" in page.text
    assert client.post("/staff/log", data={"csrf_token": token_in(page.text)}).status_code == 405
    lead_org_tilbud = make_tilbud(make_specialomraade(org))
    make_user("lead@test.dk", TILBUD_LEAD, lead_org_tilbud)
    lead = app.test_client()
    login(lead, "lead@test.dk")
    assert lead.get("/staff/log").status_code == 403
