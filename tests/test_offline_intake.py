"""A tablet's outbox arrives at the server: stored exactly once, by the id the tablet made.

Envelopes are sealed here exactly as the tablet's WebCrypto seals them (tests/offline_helpers).
"""

import json
import os
import stat
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text

from ordet.answering.models import COMPLETE, PARTIAL, Response
from ordet.auth.models import ADMIN
from ordet.config import DefaultConfig
from ordet.extensions import db
from ordet.kiosk.models import Device
from ordet.offline.keys import KEY_FILE, private_key, public_key_b64
from ordet.offline.models import CONFLICT, LATE, OfflineKept, OfflineReceipt

from . import kiosk_helpers as kiosk
from .factories import enrol, make_round, make_tilbud
from .offline_helpers import monday, payload, seal, send_while_locked
from .staff_helpers import make_user, session_login


@pytest.fixture
def unit(app):
    tilbud = make_tilbud(name="Bostedet Offline")
    tilbud.round = make_round([tilbud])
    db.session.commit()
    return tilbud


@pytest.fixture
def tablet(client, unit):
    enrol(client, unit)
    return client


def send(app, client, content: dict, envelope: dict | None = None):
    return client.post("/kiosk/offline/svar", json=envelope or seal(app.instance_path, content))


def responses(status: str = COMPLETE) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).where(Response.status == status))


def answers_for(app) -> dict:
    from ordet.questionnaires import get

    question = get("borger", 1).questions
    valid = {question[0].key: question[0].options[0].code, "hjaelp": "medarbejder"}
    follow_up = next(q for q in question if q.key == "hjaelp_hvordan")
    valid["hjaelp_hvordan"] = follow_up.options[0].code
    return valid


def test_offline_response_stored_once_and_resend_adds_nothing(app, tablet, unit):
    content = payload(unit.round.id, answers_for(app))
    envelope = seal(app.instance_path, content)
    first = send(app, tablet, content, envelope)
    assert first.status_code == 201, first.text
    again = send(app, tablet, content, envelope)  # the acknowledgement was lost: sent again
    assert again.status_code == 200 and again.json["status"] == "duplicate"
    resealed = send(app, tablet, content)  # the same content, sealed anew
    assert resealed.status_code == 200
    assert responses() == 1


def test_offline_partial_is_stored_as_partial(app, tablet, unit):
    content = payload(unit.round.id, answers_for(app), complete=False)
    assert send(app, tablet, content).status_code == 201
    assert responses(PARTIAL) == 1 and responses() == 0


def test_offline_conflicting_resend_is_refused_and_kept_for_staff(app, tablet, unit):
    content = payload(unit.round.id, answers_for(app))
    assert send(app, tablet, content).status_code == 201
    changed = dict(content, answers={"glad_for_stedet": content["answers"]["glad_for_stedet"]})
    refused = send(app, tablet, changed)
    assert refused.status_code == 409
    assert responses() == 1
    kept = db.session.scalars(select(OfflineKept)).all()
    assert [k.reason for k in kept] == [CONFLICT]
    # Staff see it on the tablets page.
    page = _tablets_page(app, unit)
    assert "1 svar holdt tilbage" in page


def test_offline_round_closed_while_waiting_within_grace_is_stored(app, tablet, unit):
    answered = date.today() - timedelta(days=7)
    unit.round.opens_on, unit.round.closes_on = answered - timedelta(days=20), answered
    db.session.commit()
    content = payload(unit.round.id, answers_for(app), week=monday(answered))
    assert send(app, tablet, content).status_code == 201
    assert responses() == 1


def test_offline_round_closed_beyond_grace_is_kept_and_reported(app, tablet, unit):
    grace = DefaultConfig.KIOSK_OFFLINE_GRACE_DAYS
    answered = date.today() - timedelta(days=grace + 7)
    unit.round.opens_on, unit.round.closes_on = answered - timedelta(days=20), answered
    db.session.commit()
    content = payload(unit.round.id, answers_for(app), week=monday(answered))
    kept = send(app, tablet, content)
    assert kept.status_code == 202 and kept.json["reason"] == LATE
    assert responses() == 0
    assert db.session.scalar(select(OfflineKept.reason)) == LATE


def test_offline_answered_after_the_round_closed_is_kept(app, tablet, unit):
    unit.round.closes_on = date.today() - timedelta(days=8)
    db.session.commit()
    content = payload(unit.round.id, answers_for(app))  # this week: after the close
    assert send(app, tablet, content).status_code == 202
    assert responses() == 0


def test_offline_envelope_changed_or_for_another_key_is_refused(app, tablet, unit):
    envelope = seal(app.instance_path, payload(unit.round.id, answers_for(app)))
    tampered = dict(envelope, data=envelope["data"][:-8] + "AAAAAAA=")
    assert send(app, tablet, {}, tampered).status_code == 400
    assert send(app, tablet, {}, dict(envelope, id="x" * 22)).status_code == 400  # id not inside
    assert tablet.post("/kiosk/offline/svar", data="nonsense").status_code == 400
    assert responses() == 0


def test_offline_intake_refuses_a_tablet_that_is_not_enrolled(app, client, unit):
    content = payload(unit.round.id, answers_for(app))
    assert send(app, client, content).status_code == 403
    assert responses() == 0


def test_offline_answers_the_questionnaire_does_not_allow_are_kept_not_stored(app, tablet, unit):
    content = payload(unit.round.id, {"glad_for_stedet": "<script>"})
    assert send(app, tablet, content).status_code == 202
    follow_up_alone = payload(unit.round.id, {"hjaelp_hvordan": "laeste_op"})
    assert send(app, tablet, follow_up_alone).status_code == 202
    assert responses() == 0


def test_offline_twenty_queued_arriving_at_once_pass_the_tablet_limit(app, tablet, unit):
    app.config["KIOSK_MIN_SECONDS_BETWEEN_RESPONSES"] = 60
    for _ in range(20):
        content = payload(unit.round.id, answers_for(app))
        assert send(app, tablet, content).status_code == 201
    assert responses() == 20
    assert db.session.scalar(select(Device.limit_hits)) == 0  # not flagged


def test_offline_id_is_stored_only_as_a_keyed_hash_apart_from_the_response(app, tablet, unit):
    content = payload(unit.round.id, answers_for(app))
    assert send(app, tablet, content).status_code == 201
    dump = "\n".join(str(row) for row in db.session.execute(text("SELECT * FROM offline_receipt")))
    assert content["id"] not in dump
    import hashlib

    assert hashlib.sha256(content["id"].encode()).hexdigest() not in dump
    columns = {c.name for c in OfflineReceipt.__table__.columns}
    # No response, week or device: the round only, as every response of the round names it.
    assert columns == {"id_hash", "content_hash", "round_id"}


def test_offline_continued_draft_is_completed_not_doubled(app, tablet, unit):
    kiosk.start(tablet)
    first = kiosk.answer(tablet, 1, value="ja")
    assert first.status_code == 302
    with tablet.session_transaction() as session:
        draft_key = session["respondent"]["key"]
    content = payload(unit.round.id, answers_for(app), draft=draft_key)
    assert send(app, tablet, content).status_code == 201
    assert responses() == 1 and responses("draft") == 0
    # The tablet's next Start begins anew instead of resuming the finished draft.
    assert tablet.get("/kiosk/").status_code == 200


def test_offline_same_outbox_from_two_requests_at_once_stores_one(app, unit):
    tabs = [app.test_client(), app.test_client()]
    enrol(tabs[0], unit)
    cookie = tabs[0].get_cookie("ordet_kiosk")
    tabs[1].set_cookie("ordet_kiosk", cookie.value)
    envelopes = [
        seal(app.instance_path, payload(unit.round.id, answers_for(app))) for _ in range(5)
    ]
    codes = []

    def flush(tab):
        for envelope in envelopes:
            codes.append(tab.post("/kiosk/offline/svar", json=envelope).status_code)

    threads = [threading.Thread(target=flush, args=(tab,)) for tab in tabs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(set(codes)) in ([200, 201], [201])
    assert responses() == 5


def test_offline_tablets_page_shows_waiting_and_last_contact_week(app, tablet, unit):
    assert tablet.post("/kiosk/offline/status", json={"waiting": 3}).status_code == 200
    assert tablet.post("/kiosk/offline/status", json={"waiting": "x"}).status_code == 400
    page = _tablets_page(app, unit)
    assert "3 svar venter" in page and "Sidst i kontakt: uge" in page
    assert db.session.scalar(select(Device.last_contact_week)) == date.fromisoformat(monday())


def test_offline_key_is_made_once_and_readable_only_by_its_owner(app, tablet, tmp_path):
    bundle = tablet.get("/kiosk/offline/pakke")
    assert bundle.status_code == 200 and bundle.json["key"]
    assert tablet.get("/kiosk/offline/pakke").json["key"] == bundle.json["key"]
    # A new deployment: the key is made in its instance folder, readable by its owner only.
    fresh = str(tmp_path / "instance")
    made = public_key_b64(fresh)
    mode = stat.S_IMODE(os.stat(os.path.join(fresh, KEY_FILE)).st_mode)
    assert mode == 0o600 and os.listdir(fresh) == [KEY_FILE]
    private_key.cache_clear()
    assert public_key_b64(fresh) == made  # read back, not made again


def test_offline_bundle_has_every_screen_in_every_language(app, tablet):
    bundle = tablet.get("/kiosk/offline/pakke").json
    assert set(bundle["languages"]) == {"da", "en"}
    for language in bundle["languages"]:
        screens = bundle["screens"][language]
        for question in bundle["questions"]:
            assert f'value="{question["key"]}"' in screens[question["key"]]
    # "Send mine svar" where a question can be the last one shown, and only there.
    last = {key for key in bundle["screens"]["da"] if key.startswith("last:")}
    assert last == {"last:hjaelp", "last:hjaelp_hvordan"}
    assert "Send mine svar" in bundle["screens"]["da"]["last:hjaelp"]
    assert "Send my answers" in bundle["screens"]["en"]["last:hjaelp"]


def _tablets_page(app, unit) -> str:
    staff = app.test_client()
    session_login(
        staff, make_user(f"admin{unit.id}@test.dk", ADMIN, unit.specialomraade.organisation)
    )
    page = staff.get(f"/staff/tablets/{unit.id}")
    assert page.status_code == 200
    return page.text


# PostgreSQL only: SQLite takes one writer at a time, so the race cannot be held open there.
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_offline_resend_racing_a_first_send_waits_and_adds_nothing(app, tablet, unit):
    """The second of two sends of one id arrives while the first is still being stored: it
    waits for the first to commit, then finds the id taken (PostgreSQL: real row locks)."""
    from ordet.offline.intake import keyed_hash

    content = payload(unit.round.id, answers_for(app))
    envelope = seal(app.instance_path, content)
    first = db.engine.connect()
    claim = first.begin()  # the first send, mid-way: its id claimed, not yet committed
    first.execute(
        OfflineReceipt.__table__.insert().values(
            id_hash=keyed_hash("offline-id", content["id"]),
            content_hash=keyed_hash("offline-content", json.dumps(content, sort_keys=True)),
        )
    )
    reply = send_while_locked(tablet, envelope, first, claim)
    assert reply.status_code == 200 and reply.json["status"] == "duplicate"
    assert responses() == 0  # the first send's response is its own business: none added here


def test_offline_bundle_unchanged_is_not_sent_again(app, tablet, unit):
    first = tablet.get("/kiosk/offline/pakke")
    etag = first.headers["ETag"]
    again = tablet.get("/kiosk/offline/pakke", headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.get_data()
    unit.name = "Bostedet Nyt Navn"  # the Start screen says the tilbud's name
    db.session.commit()
    changed = tablet.get("/kiosk/offline/pakke", headers={"If-None-Match": etag})
    assert (
        changed.status_code == 200 and "Bostedet Nyt Navn" in changed.json["screens"][""]["start"]
    )
