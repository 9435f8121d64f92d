"""Attacks on the offline intake: it is exempt from the CSRF token (a tablet offline for days
holds an expired one), so it must take nothing a cross-site form can send, and nothing from a
tablet that is not (or no longer) enrolled."""

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from ordet.answering.models import Response
from ordet.extensions import db
from ordet.kiosk import services as kiosk_services
from ordet.kiosk.models import Device

from .factories import enrol, make_round, make_tilbud
from .offline_helpers import payload, seal


@pytest.fixture
def unit(app):
    tilbud = make_tilbud(name="Bostedet Angreb")
    tilbud.round = make_round([tilbud])
    db.session.commit()
    return tilbud


def stored() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Response))


def test_offline_intake_takes_nothing_a_cross_site_form_can_send(app, client, unit):
    enrol(client, unit)  # the tablet's cookie goes along with a form another site submits
    envelope = seal(app.instance_path, payload(unit.round.id, {"glad_for_stedet": "ja"}))
    as_text = client.post(
        "/kiosk/offline/svar", data=json.dumps(envelope), content_type="text/plain"
    )
    as_form = client.post("/kiosk/offline/svar", data=envelope)
    assert as_text.status_code == 400 and as_form.status_code == 400
    assert stored() == 0
    # The tablet's own request, JSON, is taken.
    assert client.post("/kiosk/offline/svar", json=envelope).status_code == 201


def test_offline_outbox_of_a_revoked_tablet_is_refused(app, client, unit):
    enrol(client, unit)
    device = db.session.scalar(select(Device))
    kiosk_services.revoke(device, date.today())
    db.session.commit()
    envelope = seal(app.instance_path, payload(unit.round.id, {"glad_for_stedet": "ja"}))
    assert client.post("/kiosk/offline/svar", json=envelope).status_code == 403
    assert client.post("/kiosk/offline/status", json={"waiting": 1}).status_code == 403
    assert client.get("/kiosk/offline/pakke").status_code == 403
    assert stored() == 0
