"""The tablet's pace limit for its offline outbox, kept by the server whatever the tablet says.

The attack: someone holding a tablet's device cookie scripts sealed responses that claim long
gaps between them. Each tablet has an allowance on its device row (``kiosk.allowance``) that
refills at the online rate; every stored response spends one, online or offline, and what
exceeds it is held back for staff. The interval is an hour here, so that nothing refills while
a test runs; the state of an allowance at an earlier moment is set on the row.
"""

import time

import pytest
from sqlalchemy import func, select, text, update

from ordet.answering.models import COMPLETE, Response
from ordet.extensions import db
from ordet.kiosk.models import Device
from ordet.offline.models import TOO_SOON, OfflineKept, OfflineReceipt

from . import kiosk_helpers as kiosk
from .factories import csrf_from, enrol, make_round, make_tilbud
from .offline_helpers import payload, seal, send_while_locked
from .test_offline_intake import _tablets_page, answers_for

HOUR = 3600


@pytest.fixture
def unit(app):
    app.config["KIOSK_MIN_SECONDS_BETWEEN_RESPONSES"] = HOUR
    app.config["KIOSK_PACE_ALLOWANCE"] = 10
    tilbud = make_tilbud(name="Bostedet Tempo")
    tilbud.round = make_round([tilbud])
    db.session.commit()
    return tilbud


@pytest.fixture
def tablet(client, unit):
    enrol(client, unit)
    return client


def send(app, client, unit, **extra):
    content = payload(unit.round.id, answers_for(app), **extra)
    return client.post("/kiosk/offline/svar", json=seal(app.instance_path, content))


def stored() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).where(Response.status == COMPLETE))


def held_back() -> int:
    return db.session.scalar(select(func.count()).where(OfflineKept.reason == TOO_SOON))


def allowance_empty_since(seconds_ago: int, size: int) -> None:
    """The tablet's allowance as it is when it was spent to nothing ``seconds_ago``."""
    full_at = int(time.time()) - seconds_ago + size * HOUR
    db.session.execute(update(Device).values(pace_full_at=full_at))
    db.session.commit()


def finish_online(client):
    """Answer a whole response on the kiosk's pages; the reply to its "Send"."""
    kiosk.start(client)
    position = 1
    while True:
        page, key = kiosk.question_page(client, position)
        found = kiosk.FIRST_OPTION.search(page.text)
        data = {"csrf_token": csrf_from(page.text), "question": key, "action": "skip"}
        if found and key == "glad_for_stedet":
            data.update(action="next", value=found.group(1))
        reply = client.post(f"/svar/{position}", data=data)
        if reply.status_code != 302 or reply.location.endswith("/svar/tak"):
            return reply
        position += 1


def test_offline_script_claiming_long_gaps_gets_only_the_allowance(app, tablet, unit):
    codes = [send(app, tablet, unit, gap=HOUR * 24).status_code for _ in range(30)]
    assert codes == [201] * 10 + [202] * 20
    assert stored() == 10 and held_back() == 20
    assert db.session.scalar(select(Device.limit_hits)) == 20  # the tablet is flagged
    assert "20 svar holdt tilbage" in _tablets_page(app, unit)


def test_offline_hundred_from_a_script_store_only_the_default_allowance(app, tablet, unit):
    from ordet.config import DefaultConfig

    allowance = DefaultConfig.KIOSK_PACE_ALLOWANCE
    app.config["KIOSK_PACE_ALLOWANCE"] = allowance
    for _ in range(100):
        assert send(app, tablet, unit, gap=HOUR).status_code in (201, 202)
    assert stored() == allowance < 100
    assert held_back() == 100 - allowance
    assert f"{100 - allowance} svar holdt tilbage" in _tablets_page(app, unit)


def test_offline_twenty_from_two_hours_offline_are_all_stored_once(app, tablet, unit):
    app.config["KIOSK_MIN_SECONDS_BETWEEN_RESPONSES"] = 60
    app.config["KIOSK_PACE_ALLOWANCE"] = 50
    # The tablet's allowance was spent to nothing just before its network went, two hours
    # ago; twenty borgere answered meanwhile, and the outbox arrives at once.
    full_at = int(time.time()) - 2 * HOUR + 50 * 60
    db.session.execute(update(Device).values(pace_full_at=full_at))
    db.session.commit()
    envelopes = [
        seal(app.instance_path, payload(unit.round.id, answers_for(app))) for _ in range(20)
    ]
    assert [tablet.post("/kiosk/offline/svar", json=e).status_code for e in envelopes] == [201] * 20
    # The acknowledgements were lost: the whole outbox again adds nothing, spends nothing.
    assert [tablet.post("/kiosk/offline/svar", json=e).status_code for e in envelopes] == [200] * 20
    assert stored() == 20 and held_back() == 0
    assert db.session.scalar(select(Device.limit_hits)) == 0


def test_offline_allowance_is_left_alone_by_online_answers_so_no_row_dates_one(app, tablet, unit):
    """An online answer would date itself to the second on the tablet's row if it spent from
    the allowance: the row stays empty, and the outbox still has the whole allowance."""
    app.config["KIOSK_PACE_ALLOWANCE"] = 3
    assert finish_online(tablet).location.endswith("/svar/tak")
    assert db.session.scalar(select(Device.pace_full_at)) is None
    assert [send(app, tablet, unit).status_code for _ in range(4)] == [201, 201, 201, 202]
    assert stored() == 4 and held_back() == 1


def test_offline_two_sends_for_the_last_of_the_allowance_store_one(app, tablet, unit):
    allowance_empty_since(HOUR, 10)  # an hour ago: one has come back since
    codes = sorted(send(app, tablet, unit).status_code for _ in range(2))
    assert codes == [201, 202]
    assert stored() == 1 and held_back() == 1


def test_offline_refused_response_spends_nothing(app, tablet, unit):
    allowance_empty_since(HOUR, 10)
    bad = payload(unit.round.id, {"glad_for_stedet": "<script>"})
    assert tablet.post("/kiosk/offline/svar", json=seal(app.instance_path, bad)).status_code == 202
    assert send(app, tablet, unit).status_code == 201  # the one left was not spent above


def test_offline_round_no_row_can_name_is_kept_not_an_error(app, tablet, unit):
    for round_id in (10**12, -5, "x"):
        content = dict(payload(unit.round.id, answers_for(app)), round=round_id)
        sent = tablet.post("/kiosk/offline/svar", json=seal(app.instance_path, content))
        assert sent.status_code == 202, sent.text
    assert stored() == 0


# PostgreSQL only: SQLite takes one writer at a time, so the race cannot be held open there.
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_offline_concurrent_send_cannot_spend_the_last_of_the_allowance_twice(app, tablet, unit):
    """A second send reaches the allowance while a first has spent its last one and not yet
    committed: it waits for the first, then finds nothing left (real row locks)."""
    allowance_empty_since(HOUR, 10)
    device_id = db.session.scalar(select(Device.id))
    envelope = seal(app.instance_path, payload(unit.round.id, answers_for(app)))
    first = db.engine.connect()
    spending = first.begin()  # the first send, mid-way: the last one spent, not committed
    first.execute(
        text("UPDATE device SET pace_full_at = pace_full_at + :hour WHERE id = :id"),
        {"hour": HOUR, "id": device_id},
    )
    reply = send_while_locked(tablet, envelope, first, spending)
    assert reply.status_code == 202 and reply.json["reason"] == TOO_SOON
    assert stored() == 0 and held_back() == 1


def test_offline_purge_lets_go_of_receipts_and_full_allowances(app, tablet, unit, runner):
    from datetime import date, timedelta

    from ordet.config import DefaultConfig

    assert send(app, tablet, unit).status_code == 201
    grace = DefaultConfig.KIOSK_OFFLINE_GRACE_DAYS
    closes_on = date.today() - timedelta(days=grace + 1)  # and its grace period is over
    closed = make_round([unit], closes_on - timedelta(days=60), closes_on, slug="lukket-runde")
    db.session.flush()
    db.session.add(OfflineReceipt(id_hash="a" * 64, content_hash="b" * 64, round_id=closed.id))
    db.session.add(OfflineReceipt(id_hash="c" * 64, content_hash="d" * 64, round_id=None))
    db.session.commit()
    assert db.session.scalar(select(Device.pace_full_at)) is not None
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "1 offline receipts" in result.output
    db.session.expire_all()
    rounds = db.session.scalars(select(OfflineReceipt.round_id)).all()
    assert sorted(rounds, key=str) == sorted([unit.round.id, None], key=str)
    # The allowance is not full yet (an hour a response): its moment stays until it is.
    assert db.session.scalar(select(Device.pace_full_at)) is not None
    db.session.execute(update(Device).values(pace_full_at=int(time.time()) - 1))
    db.session.commit()
    assert runner.invoke(args=["purge"]).exit_code == 0
    db.session.expire_all()
    assert db.session.scalar(select(Device.pace_full_at)) is None


def test_offline_held_back_responses_are_discarded_by_staff_and_logged(app, tablet, unit):
    from ordet.audit import AuditEvent
    from ordet.auth.models import ADMIN

    from .staff_helpers import make_user, session_login

    app.config["KIOSK_PACE_ALLOWANCE"] = 1
    assert [send(app, tablet, unit).status_code for _ in range(4)] == [201, 202, 202, 202]
    staff = app.test_client()
    session_login(staff, make_user("leder@tempo.dk", ADMIN, unit.specialomraade.organisation))
    page = staff.get(f"/staff/tablets/{unit.id}")
    assert "3 svar holdt tilbage" in page.text
    url = f"/staff/tablets/{unit.id}/holdt-tilbage/kasser"
    assert staff.post(url, data={}).status_code == 400  # no CSRF token: nothing deleted
    assert held_back() == 3
    done = staff.post(url, data={"csrf_token": csrf_from(page.text)}, follow_redirects=True)
    assert done.status_code == 200
    assert "3 svar holdt tilbage er slettet." in done.text
    assert "svar holdt tilbage:" not in done.text.replace("\n", "")
    assert held_back() == 0 and stored() == 1  # the stored one is untouched
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "kiosk.kept_discard"))
    assert event is not None and event.target == f"tilbud:{unit.id}"
