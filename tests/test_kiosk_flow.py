"""A borger answers on an enrolled tablet: the whole flow, through the real pages."""

import html
import re
import time
from datetime import date, timedelta

import pytest

from ordet.answering.models import Answer, Response
from ordet.extensions import db
from ordet.kiosk.models import Device
from ordet.kiosk.services import revoke
from ordet.results.counts import recount
from ordet.results.models import RESPONSES_KEY, TEXT_VALUE, ResultCount
from ordet.weeks import week_of

from . import kiosk_helpers as kiosk
from .factories import csrf_from, enrol, make_round, make_tilbud


@pytest.fixture
def tilbud(app):
    unit = make_tilbud(name="Bostedet Test")
    make_round([unit])
    db.session.commit()
    return unit


@pytest.fixture
def tablet(client, tilbud):
    enrol(client, tilbud)
    return client


def responses() -> list[Response]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Response)))


def first_option(key, html):
    return (
        None
        if key == "hjaelp_hvordan"
        else kiosk.FIRST_OPTION.search(html).group(1)
        if 'name="value"' in html
        else "Alt er godt"
    )


def send_help_then_no(tablet) -> None:
    """Skip to the last screen, answer help and how, go back, then send "no": "how" goes."""
    kiosk.start(tablet)
    for position in range(1, 13):
        kiosk.answer(tablet, position, action="skip")
    kiosk.answer(tablet, 13, "anden")
    kiosk.answer(tablet, 14, "forklarede", action="back")
    kiosk.answer(tablet, 13, "nej")


@pytest.mark.parametrize("language", ["da", "en"])
def test_a_whole_questionnaire_is_stored_as_one_complete_response(tablet, tilbud, language):
    def choose(key, html):
        if key == "hjaelp":
            return "medarbejder"
        if key == "hjaelp_hvordan":
            return "laeste_op"
        if key == "andet":
            return "Jeg kan lide haven."
        return "ja"

    start_page = tablet.get("/kiosk/")
    assert "Bostedet Test" in start_page.text
    given = kiosk.walk(tablet, choose, language)

    thanks = tablet.get("/svar/tak")
    assert ("Tak for dine svar" if language == "da" else "Thank you") in thanks.text
    assert 'data-return-url="/kiosk/"' in thanks.text
    [stored] = responses()
    assert stored.status == "complete"
    assert stored.language == language
    assert stored.assisted == "medarbejder"
    assert stored.answered_week == week_of(date.today())  # the week, never the day
    assert stored.answered_week.weekday() == 0
    assert stored.tilbud_id == tilbud.id
    assert stored.draft_key_hash is None
    assert {a.question_key: a.value for a in stored.answers} == given
    assert given["hjaelp_hvordan"] == "laeste_op"
    assert db.session.get(Device, 1).last_answer_week == week_of(date.today())  # not the day


def test_responses_sent_from_a_tablet_are_counted_as_a_recount_counts_them(tablet):
    def choose(key, html):
        return {"hjaelp": "medarbejder", "hjaelp_hvordan": "laeste_op", "andet": "Godt"}.get(
            key, first_option(key, html)
        )

    kiosk.walk(tablet, choose)
    send_help_then_no(tablet)

    kept = sorted(tuple(row) for row in db.session.execute(db.select(ResultCount.__table__)))
    recount()
    rebuilt = sorted(tuple(row) for row in db.session.execute(db.select(ResultCount.__table__)))
    assert rebuilt == kept
    by_key = {(row[4], row[5], row[6]): row[8] for row in kept}  # row[7]: the week
    assert by_key[(RESPONSES_KEY, "complete", "medarbejder")] == 1
    assert by_key[(RESPONSES_KEY, "complete", "nej")] == 1
    assert by_key[("andet", TEXT_VALUE, "medarbejder")] == 1  # the text itself is not copied
    assert ("hjaelp_hvordan", "forklarede", "nej") not in by_key


# Quotes, a backslash, a line break, Danish letters, an emoji, and text that looks like JSON.
WRITTEN = 'Hun sagde "nej tak" \\ og gik.\nPå næste linje: {"a": [1, null]} 😀 null'


def test_a_written_answer_comes_back_on_its_screen_exactly_as_written(tablet):
    kiosk.start(tablet)
    position = next(
        p for p in range(1, 20) if 'name="text"' in kiosk.question_page(tablet, p)[0].text
    )
    kiosk.answer(tablet, 1, "ja")
    assert kiosk.answer(tablet, position, text=WRITTEN).status_code == 302
    page, _ = kiosk.question_page(tablet, position)
    shown = re.search(r"<textarea[^>]*>(.*?)</textarea>", page.text, re.DOTALL).group(1)
    assert html.unescape(shown) == WRITTEN
    # The other answer is read back with it.
    assert 'value="ja" checked' in kiosk.question_page(tablet, 1)[0].text


def test_the_question_page_is_labelled_and_shows_progress(tablet):
    kiosk.start(tablet)
    page = tablet.get("/svar/3")
    assert "<title>Spørgsmål 3 af 13 – Ordet er dit</title>" in page.text
    assert "<legend" in page.text and 'type="radio"' in page.text
    assert "Ved ikke" in page.text and "Vil ikke svare" in page.text
    assert page.headers["Cache-Control"] == "no-store"


def test_english_shows_english_questions_and_buttons(tablet):
    kiosk.start(tablet, "en")
    page = tablet.get("/svar/1")
    assert "Do you like being here?" in page.text
    assert "Next" in page.text and "Næste" not in page.text
    assert '<html lang="en"' in page.text


def test_double_submit_stores_one_response(tablet):
    kiosk.start(tablet)
    position = 1
    while True:
        page, key = kiosk.question_page(tablet, position)
        data = {"csrf_token": csrf_from(page.text), "question": key, "action": "skip"}
        if position > 1:
            break
        tablet.post(f"/svar/{position}", data={**data, "action": "next", "value": "ja"})
        position += 1
    # Jump to the last screen: skip the rest, then tap "Send" twice.
    total = 13
    for position in range(2, total):
        kiosk.answer(tablet, position, action="skip")
    page, key = kiosk.question_page(tablet, total)
    data = {"csrf_token": csrf_from(page.text), "question": key, "action": "next", "value": "nej"}
    first = tablet.post(f"/svar/{total}", data=data)
    second = tablet.post(f"/svar/{total}", data=data)
    assert first.location.endswith("/svar/tak") and second.location.endswith("/svar/tak")
    [stored] = responses()
    assert stored.status == "complete"
    assert len(stored.answers) == 2


def test_reload_midway_resumes_where_it_was(tablet):
    kiosk.start(tablet)
    kiosk.answer(tablet, 1, "ja")
    kiosk.answer(tablet, 2, "nej")
    # A reload of Start (or a restarted browser with its cookies) resumes.
    resumed = tablet.get("/kiosk/")
    assert resumed.location.endswith("/svar/")
    assert tablet.get("/svar/").location.endswith("/svar/3")
    back_page = tablet.get("/svar/2")
    assert 'value="nej" checked' in back_page.text
    [draft] = responses()
    assert draft.status == "draft" and len(draft.answers) == 2


def test_inactivity_closes_the_draft_as_partial_and_returns_to_start(tablet, app):
    kiosk.start(tablet)
    kiosk.answer(tablet, 1, "ja")
    with tablet.session_transaction() as session:
        session["respondent"] = {**session["respondent"], "seen": time.time() - 3600}
    after = tablet.get("/svar/2")
    assert after.location.endswith("/kiosk/")
    [closed] = responses()
    assert closed.status == "partial" and closed.draft_key_hash is None
    # Back or history never shows the earlier person's answers.
    assert tablet.get("/svar/1").location.endswith("/kiosk/")
    assert "Start" in tablet.get("/kiosk/").text


def test_the_page_carries_the_inactivity_warning_with_more_time(tablet, app):
    kiosk.start(tablet)
    page = tablet.get("/svar/1")
    assert f'data-idle="{app.config["KIOSK_IDLE_SECONDS"]}"' in page.text
    assert "Vil du have mere tid?" in page.text
    assert "Ja, jeg vil gerne have mere tid" in page.text


def test_stop_keeps_answers_as_partial_and_an_empty_draft_leaves_nothing(tablet):
    kiosk.start(tablet)
    page = tablet.get("/svar/intro")
    tablet.post("/kiosk/afbryd", data={"csrf_token": csrf_from(page.text)})
    assert responses() == []
    kiosk.start(tablet)
    kiosk.answer(tablet, 1, "ja")
    page = tablet.get("/svar/2")
    tablet.post("/kiosk/afbryd", data={"csrf_token": csrf_from(page.text)})
    [partial] = responses()
    assert partial.status == "partial"
    assert tablet.get("/svar/2").location.endswith("/kiosk/")


def test_changing_help_to_no_removes_how_they_helped(tablet):
    send_help_then_no(tablet)
    [stored] = responses()
    assert stored.status == "complete"
    assert {a.question_key: a.value for a in stored.answers} == {"hjaelp": "nej"}
    assert stored.assisted == "nej"


def test_a_revoked_tablet_is_refused_and_stores_nothing(tablet):
    kiosk.start(tablet)
    kiosk.answer(tablet, 1, "ja")
    page, key = kiosk.question_page(tablet, 2)
    revoke(db.session.scalar(db.select(Device)), date.today())
    db.session.commit()
    data = {"csrf_token": csrf_from(page.text), "question": key, "value": "ja", "action": "next"}
    refused = tablet.post("/svar/2", data=data)
    assert refused.status_code == 403
    assert "afmeldt" in refused.text
    assert db.session.scalar(db.select(db.func.count(Answer.id))) == 1
    start = tablet.get("/kiosk/")
    assert start.status_code == 403 and "afmeldt" in start.text


def test_an_unknown_tablet_is_told_to_enrol(client, tilbud):
    page = client.get("/kiosk/")
    assert page.status_code == 403
    assert "ikke tilmeldt" in page.text
    client.set_cookie("ordet_kiosk", "forged.value")
    assert client.get("/kiosk/sprog").status_code == 403


def test_a_closed_round_says_so_plainly(client, app):
    unit = make_tilbud()
    make_round(
        [unit],
        opens_on=date.today() - timedelta(days=40),
        closes_on=date.today() - timedelta(days=1),
    )
    db.session.commit()
    enrol(client, unit)
    page = client.get("/kiosk/")
    assert "Der er ikke noget spørgeskema lige nu" in page.text
    assert client.get("/kiosk/sprog").location.endswith("/kiosk/")
    assert responses() == []


def test_a_round_closing_mid_answer_refuses_further_answers(tablet, tilbud):
    from ordet.rounds.models import Round

    kiosk.start(tablet)
    kiosk.answer(tablet, 1, "ja")
    page, key = kiosk.question_page(tablet, 2)
    db.session.scalar(db.select(Round)).closed_early = True
    db.session.commit()
    data = {"csrf_token": csrf_from(page.text), "question": key, "value": "ja", "action": "next"}
    refused = tablet.post("/svar/2", data=data)
    assert refused.status_code == 403
    assert "lukket" in refused.text
    [draft] = responses()
    assert len(draft.answers) == 1


def test_an_enrolment_code_works_once(client, tilbud, app):
    from .factories import enrolment_code

    code = enrolment_code(tilbud)
    page = client.get("/kiosk/tilmeld")
    ok = client.post(
        "/kiosk/tilmeld", data={"code": code.lower(), "csrf_token": csrf_from(page.text)}
    )
    assert ok.status_code == 302
    other = app.test_client()  # the client fixture set the isolated class
    page = other.get(f"/kiosk/tilmeld?kode={code}")
    assert code in page.text
    again = other.post("/kiosk/tilmeld", data={"code": code, "csrf_token": csrf_from(page.text)})
    assert again.status_code == 400
    assert "Koden virker ikke" in again.text
    assert db.session.scalar(db.select(db.func.count(Device.id))) == 1


def test_a_busy_respondent_is_still_seen_within_the_grace(tablet, app):
    """The last-seen time is rewritten at most every few seconds; never so rarely that an
    active respondent is closed: a screen more than TOUCH_EVERY_SECONDS later moves it on."""
    from ordet.answering.session import TOUCH_EVERY_SECONDS

    kiosk.start(tablet)
    long_ago = time.time() - TOUCH_EVERY_SECONDS - 1
    with tablet.session_transaction() as session:
        session["respondent"] = {**session["respondent"], "seen": long_ago}
    assert tablet.get("/svar/1").status_code == 200
    with tablet.session_transaction() as session:
        assert session["respondent"]["seen"] > long_ago + 1
    seen = time.time()
    with tablet.session_transaction() as session:
        session["respondent"] = {**session["respondent"], "seen": seen}
    kiosk.answer(tablet, 1, "ja")  # a moment later: the cookie is not rewritten for it
    with tablet.session_transaction() as session:
        assert session["respondent"]["seen"] == seen
