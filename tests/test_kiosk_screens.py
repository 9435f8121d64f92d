"""What the kiosk's screens say without a browser's help (issue 20): the page as the server
sends it must be honest on its own, because a tablet may run it without JavaScript."""

import re

from ordet.answering.models import Answer, Response
from ordet.extensions import db

from . import kiosk_helpers as kiosk
from .factories import csrf_from, enrol, make_round, make_tilbud

PROGRESS = re.compile(r'<p class="progress"[^>]*>\s*<span[^>]*>([^<]+)</span>')
MAIN_BUTTON = re.compile(r'<button type="submit" name="action" value="next"[^>]*>([^<]+)</button>')
HELP, FOLLOW_UP = 13, 14  # "Fik du hjælp til at svare?" and "Hvordan hjalp de?" in borger v1


def shown(page) -> tuple[str, str]:
    return PROGRESS.search(page.text).group(1), MAIN_BUTTON.search(page.text).group(1).strip()


def test_where_the_answer_decides_the_page_never_promises_the_end_before_it(tablet):
    page, key = kiosk.question_page(tablet, HELP)
    assert key == "hjaelp"
    # Nothing chosen yet: "Ja, af en medarbejder" leads on, so the page says so.
    assert shown(page) == ("Spørgsmål 13 af 14", "Næste")
    # Each choice says where it leads, for the page to follow it as it changes.
    assert 'value="nej" data-total="13"' in page.text
    assert 'value="medarbejder" data-total="14"' in page.text
    # Without JavaScript, "Nej" and "Næste" still sends: the thank-you screen is what follows.
    sent = kiosk.answer(tablet, HELP, value="nej")
    assert sent.location.endswith("/svar/tak")


def test_the_follow_up_question_is_counted_as_promised(tablet):
    went_on = kiosk.answer(tablet, HELP, value="medarbejder")
    assert went_on.location.endswith(f"/svar/{FOLLOW_UP}")
    page, key = kiosk.question_page(tablet, FOLLOW_UP)
    assert key == "hjaelp_hvordan"
    assert shown(page) == ("Spørgsmål 14 af 14", "Send mine svar")
    # A question whose answer decides nothing has no choice-dependent numbers at all.
    first, _ = kiosk.question_page(tablet, 1)
    assert "data-total" not in first.text and "Send mine svar" not in first.text
    assert shown(first) == ("Spørgsmål 1 af 14", "Næste")


def test_next_without_a_choice_says_what_to_do_kindly_and_stores_nothing(tablet):
    page, key = kiosk.question_page(tablet, 1)
    response = tablet.post(
        "/svar/1", data={"csrf_token": csrf_from(page.text), "question": key, "action": "next"}
    )
    assert response.status_code == 400  # the screen again; nothing was sent to keep
    assert "Vælg et svar. Eller tryk på Spring over." in response.text
    assert "Det svar findes ikke" not in response.text
    assert 'class="prompt"' in response.text and 'class="error"' not in response.text
    assert db.session.scalar(db.select(db.func.count(Answer.id))) == 0


def test_a_restart_returns_to_the_screen_the_borger_was_on_not_the_first_gap(tablet):
    kiosk.answer(tablet, 1, value="ja")
    skipped = kiosk.answer(tablet, 2, action="skip")
    assert skipped.location.endswith("/svar/3")
    kiosk.question_page(tablet, 3)
    # The tablet's browser restarts (or someone taps the kiosk's home): Start resumes.
    resumed = tablet.get("/kiosk/")
    assert resumed.location.endswith("/svar/")
    assert tablet.get("/svar/").location.endswith("/svar/3")


def test_a_restart_after_skipping_the_first_screens_does_not_go_back_to_the_intro(tablet):
    kiosk.answer(tablet, 1, action="skip")
    kiosk.answer(tablet, 2, action="skip")
    kiosk.question_page(tablet, 3)
    assert tablet.get("/svar/").location.endswith("/svar/3")


def test_the_place_is_only_a_screen_number_and_goes_with_the_response(tablet):
    kiosk.answer(tablet, 1, value="ja")
    kiosk.question_page(tablet, 2)
    with tablet.session_transaction() as session:
        assert session["respondent"]["at"] == 2
    position = 2  # skip to the end: the response is sent, the place forgotten
    while True:
        response = kiosk.answer(tablet, position, action="skip")
        if response.location.endswith("/svar/tak"):
            break
        position += 1
    with tablet.session_transaction() as session:
        assert "respondent" not in session
    assert db.session.scalar(db.select(Response.status)) == "complete"


def test_the_statement_on_a_tablet_stays_in_the_kiosk_and_leads_back(tablet):
    kiosk.answer(tablet, 1, value="ja")
    page, _ = kiosk.question_page(tablet, 2)
    assert 'href="/kiosk/tilgaengelighed"' in page.text
    statement = tablet.get("/kiosk/tilgaengelighed")
    assert statement.status_code == 200
    assert "Tilgængelighedserklæring for Ordet er dit" in statement.text
    assert 'data-idle="' in statement.text and 'id="idle-dialog"' in statement.text
    assert "Tilbage til spørgsmålet" in statement.text
    assert not re.search(r'href="(https?:|mailto:|//)', statement.text)
    assert tablet.get("/svar/").location.endswith("/svar/2")


def test_the_statement_from_start_leads_back_to_start_and_the_site_keeps_its_links(client, app):
    unit = make_tilbud()
    make_round([unit])
    db.session.commit()
    enrol(client, unit)
    start = client.get("/kiosk/")
    assert 'href="/kiosk/tilgaengelighed"' in start.text
    statement = client.get("/kiosk/tilgaengelighed")
    assert "Tilbage til start" in statement.text and "Tilbage til spørgsmålet" not in statement.text
    public = client.get("/tilgaengelighed")
    assert 'href="mailto:' in public.text and 'href="https://digst.dk/"' in public.text


def test_the_kiosk_statement_needs_an_enrolled_tablet(client, app):
    assert client.get("/kiosk/tilgaengelighed").status_code == 403
