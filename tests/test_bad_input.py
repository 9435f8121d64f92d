"""Bad input at the kiosk: a clear Danish message, a 4xx, and nothing stored."""

from ordet.answering.models import Answer, Response
from ordet.extensions import db

from .factories import csrf_from, enrol, make_round, make_tilbud


def stored_answers() -> list[tuple[str, str]]:
    return [(a.question_key, a.value) for a in db.session.scalars(db.select(Answer))]


def post(client, position, **fields):
    page = client.get(f"/svar/{position}")
    data = {"csrf_token": csrf_from(page.text), "action": "next", **fields}
    return client.post(f"/svar/{position}", data=data)


def test_an_option_that_is_not_in_the_question_is_refused(tablet):
    refused = post(tablet, 1, question="glad_for_stedet", value="maaske")
    assert refused.status_code == 400
    assert "Det svar findes ikke" in refused.text
    assert 'role="alert"' in refused.text
    assert stored_answers() == []


def test_a_question_key_not_in_the_version_is_refused(tablet):
    refused = post(tablet, 1, question="findes_ikke", value="ja")
    assert refused.status_code == 400
    assert "Det spørgsmål findes ikke" in refused.text
    assert stored_answers() == []


def test_a_follow_up_that_is_not_visible_yet_is_refused(tablet):
    refused = post(tablet, 1, question="hjaelp_hvordan", value="laeste_op")
    assert refused.status_code == 400
    assert stored_answers() == []


def test_free_text_over_2000_characters_says_the_limit(tablet):
    refused = post(tablet, 12, question="andet", text="x" * 2001)
    assert refused.status_code == 400
    assert "2000 tegn" in refused.text
    # What was typed stays on the page so nothing is lost.
    assert "x" * 2001 in refused.text
    assert stored_answers() == []
    accepted = post(tablet, 12, question="andet", text="x" * 2000)
    assert accepted.status_code == 302


def test_a_missing_or_wrong_csrf_token_is_refused(tablet):
    missing = tablet.post("/svar/1", data={"question": "glad_for_stedet", "value": "ja"})
    assert missing.status_code == 400
    assert "for gammel" in missing.text
    wrong = tablet.post(
        "/svar/1", data={"question": "glad_for_stedet", "value": "ja", "csrf_token": "forfalsket"}
    )
    assert wrong.status_code == 400
    assert stored_answers() == []


def test_a_huge_form_body_is_refused(tablet):
    page = tablet.get("/svar/12")
    huge = tablet.post(
        "/svar/12",
        data={"csrf_token": csrf_from(page.text), "question": "andet", "text": "x" * 200_000},
    )
    assert huge.status_code == 413
    assert "for stort" in huge.text
    assert stored_answers() == []


def test_malformed_bodies_and_positions_are_refused(tablet):
    page = tablet.get("/svar/1")
    token = csrf_from(page.text)
    garbage = tablet.post(
        "/svar/1",
        data=b"\xff\xfe\x00garbage=%%%",
        headers={"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": token},
    )
    assert garbage.status_code == 400
    assert tablet.get("/svar/99").status_code == 404
    assert tablet.get("/svar/0").status_code == 404
    assert tablet.get("/svar/-1").status_code == 404
    assert stored_answers() == []


def test_a_number_too_big_for_any_id_is_page_not_found(tablet):
    # PostgreSQL refuses to compare an INTEGER column with it; that must not become a 503.
    huge = 10**30
    for address in (f"/svar/{huge}", f"/lyd/{huge}/borger/1/da/glad", f"/lyd/1/borger/{huge}/da/x"):
        page = tablet.get(address)
        assert page.status_code == 404, address
        assert "Siden findes ikke" in page.text


def test_another_tilbuds_draft_is_refused(app, tablet):
    other_unit = make_tilbud()
    make_round([other_unit])
    db.session.commit()
    other = app.test_client()
    enrol(other, other_unit)
    # Copy this tablet's session (and so its draft key) onto the other tilbud's tablet.
    token = csrf_from(tablet.get("/svar/1").text)
    with tablet.session_transaction() as session:
        stolen = dict(session)
    with other.session_transaction() as session:
        session.update(stolen)
    page = other.get("/svar/1")
    assert page.status_code == 403
    assert "et andet tilbud" in page.text
    refused = other.post(
        "/svar/1", data={"csrf_token": token, "question": "glad_for_stedet", "value": "ja"}
    )
    assert refused.status_code == 403
    assert stored_answers() == []
    [draft] = db.session.scalars(db.select(Response))
    assert draft.status == "draft"


def test_an_unknown_language_is_refused(client, app):
    unit = make_tilbud()
    make_round([unit])
    db.session.commit()
    enrol(client, unit)
    page = client.get("/kiosk/sprog")
    refused = client.post("/kiosk/sprog", data={"lang": "xx", "csrf_token": csrf_from(page.text)})
    assert refused.status_code == 400
    assert "Vælg et af sprogene" in refused.text
    assert db.session.scalars(db.select(Response)).all() == []


def test_text_size_toggle_never_redirects_off_site(client, app):
    page = client.get("/tilgaengelighed")
    token = csrf_from(client.get("/kiosk/tilmeld").text)
    assert page.status_code == 200
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        response = client.post("/tekststoerrelse", data={"next": target, "csrf_token": token})
        assert response.location == "/"
