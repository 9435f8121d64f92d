"""Offline, the kiosk behaves as online: the same screens for back, skip and follow-ups, the
same answers stored, inactivity, the tablet limit, a missing choice; and without JavaScript the
server-rendered flow is as before. Real Chromium (tests/offline_browser.py)."""

import pytest
from sqlalchemy import select

from ordet.answering.models import COMPLETE, PARTIAL, Response
from ordet.extensions import db

from .browser import TABLET
from .offline_browser import (
    FREE_TEXT,
    MOVED_ON,
    OUTBOX,
    WAITING,
    count,
    one_response,
    outbox_empties,
    ready,
    settings,
    tablet,
)

pytestmark = pytest.mark.browser


STEPS = [
    ("next", "ja"),
    ("skip", None),
    ("back", None),
    ("next", "nej"),
    *[("skip", None)] * 9,
    ("next", FREE_TEXT),
    ("next", "medarbejder"),  # opens the follow-up
    ("back", None),
    ("back", None),
    ("next", None),  # keeps the text
    ("next", "nej"),  # closes the follow-up: this is the last screen now
]


def screens_walked(page) -> list[str]:
    """Walk ``STEPS`` from the first question; what each screen showed: progress and question."""
    seen = []
    for action, value in STEPS:
        key = page.input_value("input[name=question]")
        seen.append(f"{page.locator('.progress span').inner_text()} {key}")
        if value and page.locator("textarea").count():
            page.fill("textarea", value)
        elif value:
            page.locator(f"label[for=opt-{value}]").click()
        page.locator(f"button[name=action][value={action}]").click()
        page.wait_for_function(
            "([key, url]) => { const q = document.querySelector('input[name=question]');"
            " return !q || q.value !== key || location.href !== url }",
            arg=[key, page.url],
        )
        page.wait_for_load_state()
    seen.append(page.locator("h1").inner_text())
    return seen


def newest_answers(live_server) -> tuple[str, dict]:
    from ordet.answering.models import Answer

    tilbud_id = live_server.app.config["BROWSER_TILBUD"]["borger"]
    with live_server.app.app_context():
        newest = db.session.scalar(
            select(Response).where(Response.tilbud_id == tilbud_id).order_by(Response.id.desc())
        )
        answers = db.session.execute(
            select(Answer.question_key, Answer.value).where(Answer.response_id == newest.id)
        )
        return newest.status, dict(answers.all())


def test_offline_flow_is_the_online_flow_back_skip_and_follow_up(browser, live_server, tmp_path):
    cookie = live_server.tablet_cookie(live_server.app.config["BROWSER_TILBUD"]["borger"])
    walked, before = {}, 0
    with settings(live_server, KIOSK_MIN_SECONDS_BETWEEN_RESPONSES=0):
        for mode in ("online", "offline"):
            context = tablet(browser, live_server, tmp_path / mode, cookie)
            page = context.pages[0] if context.pages else context.new_page()
            ready(page)
            if mode == "offline":
                context.set_offline(True)
            page.locator("a.button.primary").first.click()
            page.locator("button[name=lang][value=da]").click()
            page.locator(".intro a.button.primary").click()
            page.wait_for_selector("input[name=question]", state="attached")
            walked[mode] = screens_walked(page)
            if mode == "offline":
                assert count(live_server) == before
                context.set_offline(False)
                page.locator("a.button.primary[href='/kiosk/']").click()
                outbox_empties(page)
            walked[mode + " stored"] = newest_answers(live_server)
            before = count(live_server)
            context.close()
    assert walked["offline"] == walked["online"]
    assert walked["offline stored"] == walked["online stored"]
    status, answers = walked["online stored"]
    assert status == COMPLETE and answers["andet"] == FREE_TEXT and "hjaelp_hvordan" not in answers


def test_offline_inactivity_goes_back_to_start_and_keeps_a_partial(browser, live_server, tmp_path):
    cookie = live_server.tablet_cookie(live_server.app.config["BROWSER_TILBUD"]["borger"])
    before = count(live_server, PARTIAL)
    with settings(live_server, KIOSK_IDLE_SECONDS=1, KIOSK_WARNING_SECONDS=2):
        context = tablet(browser, live_server, tmp_path / "profile", cookie)
        page = context.pages[0] if context.pages else context.new_page()
        ready(page)
        context.set_offline(True)
        page.locator("a.button.primary").first.click()
        page.locator("button[name=lang][value=da]").click()
        page.locator(".intro a.button.primary").click()
        page.locator("label[for=opt-ja]").click()
        page.locator("button[name=action][value=next]").click()
        page.wait_for_selector("#idle-dialog[open]")  # the warning, as online
        page.wait_for_selector(".start a.button.primary[href='/kiosk/sprog']")  # then Start
        assert page.evaluate(WAITING) == 1
        context.set_offline(False)
        outbox_empties(page)
        context.close()
    assert count(live_server, PARTIAL) == before + 1


def test_offline_script_absent_the_server_rendered_flow_works_as_today(browser, live_server):
    from .kiosk_browser import Walker, walk

    tilbud_id = live_server.app.config["BROWSER_TILBUD"]["borger"]
    before = count(live_server)
    with settings(live_server, KIOSK_MIN_SECONDS_BETWEEN_RESPONSES=0):
        context = browser.new_context(
            viewport=TABLET, java_script_enabled=False, base_url=live_server.url
        )
        context.add_cookies([live_server.tablet_cookie(tilbud_id)])
        page = context.new_page()
        names = walk(Walker(page, "click"), lambda name: None)
        assert "Tak" in page.locator("h1").inner_text()
        context.close()
    assert names[-1] == "thanks"
    assert count(live_server) == before + 1


def test_offline_tablet_limit_applies_to_when_responses_are_answered(
    browser, live_server, tmp_path
):
    cookie = live_server.tablet_cookie(live_server.app.config["BROWSER_TILBUD"]["borger"])
    with settings(live_server, KIOSK_MIN_SECONDS_BETWEEN_RESPONSES=3600):
        context = tablet(browser, live_server, tmp_path / "profile", cookie)
        page = context.pages[0] if context.pages else context.new_page()
        ready(page)
        context.set_offline(True)
        one_response(page)
        page.locator("a.button.primary").first.click()
        page.locator("button[name=lang][value=da]").click()
        page.locator(".intro a.button.primary").click()
        page.locator("label[for=opt-ja]").click()
        skip = page.locator("button[name=action][value=skip]")
        while skip.count():
            key = page.input_value("input[name=question]")
            (
                page.locator("button[name=action][value=next]")
                if key == "glad_for_stedet"
                else skip
            ).click()
            page.wait_for_function(MOVED_ON, arg=key)
        # Too soon after the last one, as online: "Vent et øjeblik", the answers kept.
        assert "Vent et øjeblik" in page.locator("h1").inner_text()
        items = page.evaluate(OUTBOX)
        assert sorted(item["open"] for item in items) == [False, True]
        context.close()


def test_offline_next_without_a_choice_says_so_as_online(browser, live_server, tmp_path):
    cookie = live_server.tablet_cookie(live_server.app.config["BROWSER_TILBUD"]["borger"])
    context = tablet(browser, live_server, tmp_path / "profile", cookie)
    page = context.pages[0] if context.pages else context.new_page()
    ready(page)
    said = {}
    for mode in ("online", "offline"):
        context.set_offline(mode == "offline")
        # Start as the script left it (online: the server's again once nothing waits).
        page.wait_for_selector("html[data-offline=ready]")
        page.locator(".start a.button.primary[href='/kiosk/sprog']").click()
        page.locator("button[name=lang][value=da]").click()
        page.locator(".intro a.button.primary").click()
        page.wait_for_selector("input[name=question]", state="attached")
        page.locator("button[name=action][value=next]").click()
        said[mode] = page.locator("[role=alert]").inner_text()
        assert page.input_value("input[name=question]") == "glad_for_stedet"
        page.locator("#reset-form button").click()  # Stop: back to Start
        page.wait_for_selector(".start a.button.primary[href='/kiosk/sprog']")
    context.close()
    assert said["offline"] == said["online"] == "Vælg et svar. Eller tryk på Spring over."
