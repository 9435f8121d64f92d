"""The language screen puts the tablet's default language first and gives it the focus."""

import re

from ordet.extensions import db
from ordet.kiosk import pin
from ordet.kiosk.models import Device

from .factories import csrf_from, enrol, make_round, make_tilbud

BUTTON = re.compile(r'<button type="submit" name="lang" value="([a-z]+)"[^>]*>')


def _tablet(client):
    tilbud = make_tilbud()
    make_round([tilbud])
    db.session.commit()
    enrol(client, tilbud)
    return db.session.scalar(db.select(Device).where(Device.tilbud_id == tilbud.id))


def _buttons(html: str) -> list[tuple[str, bool]]:
    return [(m.group(1), "data-autofocus" in m.group(0)) for m in BUTTON.finditer(html)]


def test_without_a_default_danish_comes_first_and_the_heading_has_the_focus(client):
    _tablet(client)
    page = client.get("/kiosk/sprog")
    assert page.status_code == 200
    assert _buttons(page.text) == [("da", False), ("en", False)]
    assert re.search(r"<h1 data-autofocus", page.text)


def test_the_default_language_comes_first_with_the_focus(client):
    device = _tablet(client)
    pin.set_default_language(device.id, "en")
    db.session.commit()
    page = client.get("/kiosk/sprog")
    assert _buttons(page.text) == [("en", True), ("da", False)]
    assert page.text.count("data-autofocus") == 1
    # Every language can still be chosen: Danish starts a Danish session.
    response = client.post("/kiosk/sprog", data={"lang": "da", "csrf_token": csrf_from(page.text)})
    assert response.status_code == 302
    assert '<html lang="da"' in client.get("/svar/intro").text


def test_a_default_the_questionnaire_lacks_is_ignored(client):
    device = _tablet(client)
    pin.set_default_language(device.id, "de")
    db.session.commit()
    page = client.get("/kiosk/sprog")
    assert _buttons(page.text) == [("da", False), ("en", False)]


def test_a_wrong_choice_keeps_the_order(client):
    device = _tablet(client)
    pin.set_default_language(device.id, "en")
    db.session.commit()
    page = client.get("/kiosk/sprog")
    response = client.post("/kiosk/sprog", data={"lang": "xx", "csrf_token": csrf_from(page.text)})
    assert response.status_code == 400
    assert "Vælg et af sprogene." in response.text
    assert _buttons(response.text) == [("en", True), ("da", False)]
