"""Ballot stuffing: one enrolled tablet completes at most one response per interval.

The attack this answers: one tablet sent about 45 responses in six seconds. A second "Send"
within the interval is refused with "Vent et øjeblik" and keeps every answer on the draft; once
the interval has passed (in the limiter's real storage) the same draft is stored exactly once.
Staff see on the device that it hit the limit; the response gains nothing.
"""

import re
import time
from datetime import date, timedelta
from pathlib import Path

import flask_migrate
import pytest
from sqlalchemy import func, text

from ordet import create_app
from ordet.answering.models import COMPLETE, DRAFT, Answer, Response
from ordet.auth.models import TILBUD_LEAD
from ordet.config import DefaultConfig
from ordet.extensions import db
from ordet.kiosk.channel import COOKIE_NAME
from ordet.kiosk.models import Device
from ordet.kiosk.queries import limit_hits
from ordet.questionnaires import latest
from ordet.results.models import RESPONSES_KEY, ResultCount

from . import a11y_checks as checks
from . import kiosk_helpers as kiosk
from .browser import TABLET, LiveServer, screenshot
from .conftest import IsolatedClient, config_for
from .factories import csrf_from, enrol, make_round, make_tilbud
from .kiosk_browser import FREE_TEXT, Walker, choose, tab_to, walk
from .staff_helpers import make_user, session_login

MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
SEND_AGAIN = re.compile(r'<button type="submit" name="action" value="([^"]+)"')


@pytest.fixture
def tilbud(app):
    # The limit at its production default (conftest switches it off for the other tests).
    app.config["KIOSK_MIN_SECONDS_BETWEEN_RESPONSES"] = (
        DefaultConfig.KIOSK_MIN_SECONDS_BETWEEN_RESPONSES
    )
    unit = make_tilbud(name="Bostedet Grænse")
    make_round([unit])
    db.session.commit()
    return unit


def tablet(app, tilbud):
    client = app.test_client()
    enrol(client, tilbud)
    return client


@pytest.fixture
def first(client, tilbud):
    enrol(client, tilbud)
    return client


def answer_and_send(client, language: str = "da") -> tuple:
    """Answer every screen as fast as the client can, then press "Send mine svar".

    Returns the reply to the last screen and the answers given (the last screen's included).
    """
    kiosk.start(client, language)
    given: dict[str, str] = {}
    position = 1
    while True:
        page, key = kiosk.question_page(client, position)
        data = {"csrf_token": csrf_from(page.text), "question": key, "action": "next"}
        if 'name="text"' in page.text:
            data["text"] = given[key] = f"Svar nummer {position}"
        else:
            data["value"] = given[key] = kiosk.FIRST_OPTION.search(page.text).group(1)
        reply = client.post(f"/svar/{position}", data=data)
        # The last screen is the one whose answer leaves no question after it (the page
        # itself promises the longest way until an answer is chosen, issue 20).
        if position == len(latest("borger").visible_questions(given)):
            return reply, given
        assert reply.status_code == 302, reply.text  # an ordinary screen is never limited
        position += 1


def send_again(client, wait_page):
    """Press "Send igen" on the "Vent et øjeblik" page: post its form to where it was shown."""
    fields = dict(HIDDEN.findall(wait_page.text))
    fields["action"] = SEND_AGAIN.search(wait_page.text).group(1)
    return client.post(wait_page.request.path, data=fields)


def stored() -> list[Response]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Response).order_by(Response.id)))


def answers_of(response: Response) -> dict[str, str]:
    rows = db.session.scalars(db.select(Answer).where(Answer.response_id == response.id))
    return {answer.question_key: answer.value for answer in rows}


def counted() -> int:
    return db.session.scalar(
        db.select(func.coalesce(func.sum(ResultCount.count), 0)).where(
            ResultCount.question_key == RESPONSES_KEY, ResultCount.value == COMPLETE
        )
    )


def devices() -> list[Device]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Device).order_by(Device.id)))


def this_monday() -> date:
    today = date.today()
    return today - timedelta(days=today.weekday())


def test_a_second_send_at_once_waits_and_keeps_every_answer(first):
    reply, _ = answer_and_send(first)
    assert reply.status_code == 302 and reply.location.endswith("/svar/tak")

    reply, given = answer_and_send(first)

    assert reply.status_code == 429
    assert "Vent et øjeblik" in reply.text
    assert "Dine svar er gemt" in reply.text and "Send igen" in reply.text
    assert 1 <= int(reply.headers["Retry-After"]) <= 60
    done, draft = stored()
    assert (done.status, draft.status) == (COMPLETE, DRAFT)
    assert answers_of(draft) == given  # the last screen's answer too
    assert counted() == 1
    # Pressed again at once: still refused, still one response, the answers still there.
    again = send_again(first, reply)
    assert again.status_code == 429 and "Vent et øjeblik" in again.text
    assert [r.status for r in stored()] == [COMPLETE, DRAFT]
    assert answers_of(stored()[1]) == given
    assert counted() == 1
    [device] = devices()
    assert (device.limit_week, device.limit_hits) == (this_monday(), 2)


def test_the_wait_page_speaks_the_borgers_language(first):
    answer_and_send(first, "en")
    reply, _ = answer_and_send(first, "en")
    assert reply.status_code == 429
    assert "Wait a moment" in reply.text and "Send again" in reply.text


def test_the_wait_page_is_a_real_form_for_the_last_screen(first):
    answer_and_send(first)
    reply, given = answer_and_send(first)

    page = reply.text
    assert "<title>Vent et øjeblik" in page
    assert 'data-autofocus tabindex="-1">Vent et øjeblik</h1>' in page
    assert re.search(r'<form method="post"[^>]*>', page)
    assert 'class="button primary huge"' in page  # the kiosk's big touch target
    fields = dict(HIDDEN.findall(page))
    assert fields["csrf_token"]
    assert fields["question"] in given and fields["value"] == given[fields["question"]]
    assert 'id="reset-form"' in page  # the kiosk's stop button and idle reset stay


def test_after_the_interval_the_same_draft_is_stored_exactly_once(app, first):
    app.config["KIOSK_MIN_SECONDS_BETWEEN_RESPONSES"] = 1
    answer_and_send(first)
    refused, given = answer_and_send(first)
    assert refused.status_code == 429

    time.sleep(1.1)  # the limiter's memory storage lets the window expire
    sent = send_again(first, refused)

    assert sent.status_code == 302 and sent.location.endswith("/svar/tak")
    responses = stored()
    assert [r.status for r in responses] == [COMPLETE, COMPLETE]
    assert answers_of(responses[1]) == given
    assert counted() == 2
    # The same page sent once more, by a late tap: nothing more is stored.
    late = send_again(first, refused)
    assert late.status_code == 302 and late.location.endswith("/svar/tak")
    assert len(stored()) == 2 and counted() == 2


def test_two_tablets_are_limited_each_on_its_own(app, tilbud, first):
    second = tablet(app, tilbud)

    assert answer_and_send(first)[0].status_code == 302
    assert answer_and_send(second)[0].status_code == 302  # the first tablet's send is not its
    assert answer_and_send(second)[0].status_code == 429
    assert answer_and_send(first)[0].status_code == 429

    assert [r.status for r in stored()].count(COMPLETE) == 2
    assert counted() == 2
    assert [(d.limit_week, d.limit_hits) for d in devices()] == [(this_monday(), 1)] * 2


def test_the_limit_is_off_at_zero(app, first):
    app.config["KIOSK_MIN_SECONDS_BETWEEN_RESPONSES"] = 0
    for _ in range(3):
        assert answer_and_send(first)[0].status_code == 302
    assert counted() == 3
    assert devices()[0].limit_hits == 0


def test_staff_see_which_tablet_hit_the_limit(app, tilbud, first):
    answer_and_send(first)
    answer_and_send(first)
    answer_and_send(first)  # refused twice this week
    staff = app.test_client()
    session_login(staff, make_user("leder@test.dk", TILBUD_LEAD, tilbud))
    iso = this_monday().isocalendar()
    flag = f"Ramte grænsen for svar i uge {iso.week}, {iso.year} (2 gange)"

    tablets = staff.get("/staff/tablets")
    assert tablets.status_code == 200 and flag in tablets.text
    one = staff.get(f"/staff/tablets/{tilbud.id}")
    assert one.status_code == 200 and flag in one.text
    overview = staff.get("/staff/overblik")
    assert overview.status_code == 200 and flag in overview.text


def test_staff_see_no_flag_for_a_tablet_that_kept_the_pace(app, tilbud, first):
    answer_and_send(first)
    staff = app.test_client()
    session_login(staff, make_user("leder@test.dk", TILBUD_LEAD, tilbud))
    for url in ("/staff/tablets", f"/staff/tablets/{tilbud.id}", "/staff/overblik"):
        page = staff.get(url)
        assert page.status_code == 200 and "Ramte grænsen" not in page.text


def test_the_limit_adds_nothing_to_the_response(database_url, tmp_path):
    """The migration adds the flag to ``device`` and not one column to ``response``."""
    app = create_app(config_for(database_url, tmp_path))
    with app.app_context():
        try:
            if db.engine.dialect.name == "postgresql":
                with db.engine.begin() as connection:
                    connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            flask_migrate.upgrade(directory=MIGRATIONS, revision="f408b0dd5000")
            before = _columns()
            flask_migrate.upgrade(directory=MIGRATIONS, revision="8b1371d504bd")
            after = _columns()
            flask_migrate.downgrade(directory=MIGRATIONS, revision="f408b0dd5000")
            assert _columns() == before
        finally:
            db.engine.dispose()
    assert after["response"] == before["response"]
    assert after["device"] - before["device"] == {"limit_week", "limit_hits"}


def _columns() -> dict[str, set[str]]:
    with db.engine.connect() as connection:
        inspector = db.inspect(connection)
        return {
            table: {c["name"] for c in inspector.get_columns(table)}
            for table in ("response", "device")
        }


def test_a_round_flags_only_refusals_in_its_own_weeks(app, tilbud, first):
    answer_and_send(first)
    answer_and_send(first)
    [device] = devices()
    monday = this_monday()

    assert limit_hits([tilbud.id]) == {tilbud.id: (monday, 1)}
    assert limit_hits([tilbud.id], monday + timedelta(days=6), monday + timedelta(days=30)) == {
        tilbud.id: (monday, 1)
    }  # a round that opens on the Sunday of that week still covers it
    assert limit_hits([tilbud.id], monday + timedelta(days=7), monday + timedelta(days=30)) == {}
    assert limit_hits([tilbud.id], monday - timedelta(days=30), monday - timedelta(days=1)) == {}
    assert limit_hits([tilbud.id + 1000]) == {}


def test_app_servers_share_the_tablet_limit_through_redis(redis_url, tmp_path):
    """With ORDET_REDIS_URL the count is not in a server's memory: a server started after the
    first response (a fresh limiter storage in this process) still refuses the second."""
    config = {
        **config_for(f"sqlite:///{tmp_path / 'shared.sqlite'}", tmp_path),
        "RATELIMIT_STORAGE_URI": redis_url,
        "KIOSK_MIN_SECONDS_BETWEEN_RESPONSES": 60,
    }
    one = create_app(config)
    one.test_client_class = IsolatedClient
    with one.app_context():
        db.create_all()
        unit = make_tilbud()
        make_round([unit])
        db.session.commit()
        first = one.test_client()
        enrol(first, unit)
    assert answer_and_send(first)[0].status_code == 302

    two = create_app(config)
    two.test_client_class = IsolatedClient
    second = two.test_client()
    second.set_cookie(COOKIE_NAME, first.get_cookie(COOKIE_NAME).value)
    assert answer_and_send(second)[0].status_code == 429
    for app in (one, two):
        with app.app_context():
            db.engine.dispose()


@pytest.mark.browser
def test_the_wait_page_passes_the_respondent_audits(_playwright_browser, tmp_path):
    """In Chromium, at tablet size and 320 px wide: axe (with 7:1 contrast), 44 px targets,
    focus on the heading, no sideways scroll; "Send igen" works by keyboard without script."""
    config = config_for(f"sqlite:///{tmp_path / 'live.sqlite'}", tmp_path)
    app = create_app({**config, "TESTING": False, "KIOSK_MIN_SECONDS_BETWEEN_RESPONSES": 60})
    with app.app_context():
        db.create_all()
        unit = make_tilbud(name="Bostedet Browser")
        make_round([unit])
        db.session.commit()
        tilbud_id = unit.id
    server = LiveServer(app).start()
    context = _playwright_browser.new_context(
        viewport=TABLET, has_touch=True, locale="da-DK", base_url=server.url
    )
    try:
        context.set_default_timeout(15_000)
        context.add_cookies([server.tablet_cookie(tilbud_id)])
        page = context.new_page()
        walker = Walker(page, "tap")
        assert walk(walker, lambda name: None)[-1] == "thanks"
        _answer_to_the_refusal(walker)

        assert walker.response.status == 429
        assert page.title().startswith("Vent et øjeblik")
        assert page.evaluate("document.activeElement.matches('h1[data-autofocus]')")
        screenshot(page, "kiosk-wait")
        problems = {
            "axe": checks.axe_problems(page, respondent=True),
            "targets": checks.small_targets(page),
            "scroll": checks.horizontal_scroll(page),
            "csp": checks.csp_habits(walker.html()),
        }
        page.set_viewport_size({"width": 320, "height": 640})
        problems["scroll at 320"] = checks.horizontal_scroll(page)
        problems["targets at 320"] = checks.small_targets(page)
        assert not any(problems.values()), problems
        # By keyboard: Tab to "Send igen" and press Enter; still too soon, so the same page.
        assert not tab_to(page, "button.primary")
        with page.expect_navigation() as again:
            page.keyboard.press("Enter")
        assert again.value.status == 429
    finally:
        context.close()
        server.stop()
        with app.app_context():
            db.engine.dispose()
    with app.app_context():
        assert db.session.scalar(db.select(func.count()).where(Response.status == COMPLETE)) == 1
        assert db.session.scalar(db.select(func.count()).where(Response.status == DRAFT)) == 1


def _answer_to_the_refusal(walker: Walker) -> None:
    """Start a second person and answer every screen until "Send mine svar" is refused."""
    page = walker.page
    walker.goto("/kiosk/")
    walker.hit("a.button.primary")
    walker.hit("button[name=lang][value=da]")
    walker.hit(".intro a.button.primary")
    while walker.response.status == 200:
        if page.locator("textarea").count():
            page.fill("textarea", FREE_TEXT)
        else:
            walker.press(f"label[for=opt-{choose(page)}]")
        walker.hit("button[name=action][value=next]")
