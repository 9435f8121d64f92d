"""The Wi-Fi is up but the server can't be reached (or a gateway answers 502): the screen goes
on offline with its answer, exactly as when the browser says it is offline, and each response
arrives once when the server is back, also when a request reached the server before the reply
was lost. ``context.set_offline`` stays False throughout: the browser believes it is online.
"""

import contextlib
import time

import pytest

from ordet.answering.models import DRAFT

from .offline_browser import (
    MOVED_ON,
    WAITING,
    answer_to_the_end,
    count,
    kept_reasons,
    outbox_empties,
    ready,
    settings,
    tablet,
)

pytestmark = pytest.mark.browser

BAD_GATEWAY = "<html><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>"


def _unreachable(route):
    route.abort()


def _bad_gateway(route):
    route.fulfill(status=502, content_type="text/html", body=BAD_GATEWAY)


def _too_slow(route):
    time.sleep(7)  # longer than the script waits for a reply; then it would arrive
    with contextlib.suppress(Exception):  # the page gave up on it meanwhile: it is gone
        route.continue_()


def _reached_then_lost(route):
    route.fetch()  # the server gets the request and saves; its reply never reaches the tablet
    route.abort()


def _online_to_second_question(page):
    ready(page)
    page.locator("a.button.primary").first.click()
    page.locator("button[name=lang][value=da]").click()
    page.wait_for_url("**/svar/intro")
    page.locator(".intro a.button.primary").click()
    page.wait_for_url("**/svar/1")
    page.locator("label[for=opt-ja]").click()
    page.locator("button[name=action][value=next]").click()
    page.wait_for_url("**/svar/2")


def _pick_until_the_last_screen(page):
    """Answer online up to the last screen, its answer chosen but not yet sent."""
    while True:
        values = page.eval_on_selector_all("input[name=value]", "e => e.map(x => x.value)")
        if values:
            pick = "medarbejder" if "medarbejder" in values else values[0]
            page.locator(f"label[for=opt-{pick}]").click()
        else:
            page.fill("textarea", "Haven")
        main = page.locator("button[name=action][value=next]")
        if main.inner_text().strip() == "Send mine svar":
            return
        key = page.input_value("input[name=question]")
        main.click()
        page.wait_for_function(MOVED_ON, arg=key)
        page.wait_for_selector("html[data-offline=ready]")


@pytest.mark.parametrize(
    "failure", [_unreachable, _bad_gateway, _too_slow], ids=["unreachable", "502", "timeout"]
)
def test_offline_server_unreachable_with_wifi_up_the_borger_goes_on_and_nothing_is_lost(
    browser, live_server, tmp_path, failure
):
    cookie = live_server.tablet_cookie(live_server.app.config["BROWSER_TILBUD"]["borger"])
    before = count(live_server)
    # The live server is shared by the browser tests: compare with what was there before.
    drafts, kept = count(live_server, DRAFT), kept_reasons(live_server)
    with settings(live_server, KIOSK_MIN_SECONDS_BETWEEN_RESPONSES=0):
        context = tablet(browser, live_server, tmp_path / "profile", cookie)
        page = context.pages[0] if context.pages else context.new_page()
        _online_to_second_question(page)
        page.route("**/svar/**", failure)  # the server stops answering (its pages)
        page.route("**/kiosk/**", _unreachable)
        answer_to_the_end(page)  # no error, no Start screen: the borger goes on to "Tak"
        assert "Tak" in page.locator("h1").inner_text()
        assert page.evaluate("navigator.onLine")
        assert page.evaluate(WAITING) == 1
        assert count(live_server) == before
        page.unroute_all()  # the server is back: "Tak" returns to Start, which sends first
        page.locator("a.button.primary[href='/kiosk/']").click()
        page.wait_for_selector("html[data-offline=ready]")
        outbox_empties(page)
        context.close()
    assert kept_reasons(live_server) == kept
    assert count(live_server) == before + 1
    assert count(live_server, DRAFT) == drafts  # the draft begun online was completed, not doubled


@pytest.mark.parametrize("where", ["middle", "last"])
def test_offline_a_save_that_reached_the_server_then_offline_gives_one_response(
    browser, live_server, tmp_path, where
):
    cookie = live_server.tablet_cookie(live_server.app.config["BROWSER_TILBUD"]["borger"])
    before = count(live_server)
    # The live server is shared by the browser tests: compare with what was there before.
    drafts, kept = count(live_server, DRAFT), kept_reasons(live_server)
    with settings(live_server, KIOSK_MIN_SECONDS_BETWEEN_RESPONSES=0):
        context = tablet(browser, live_server, tmp_path / "profile", cookie)
        page = context.pages[0] if context.pages else context.new_page()
        _online_to_second_question(page)
        page.route("**/kiosk/offline/svar", _unreachable)  # the outbox waits till the end
        if where == "last":
            _pick_until_the_last_screen(page)
            page.route("**/svar/**", _reached_then_lost)
            page.locator("button[name=action][value=next]").click()  # "Send mine svar"
            page.wait_for_selector("body[data-return-after]")
        else:
            page.route("**/svar/**", _reached_then_lost)
            answer_to_the_end(page)
        assert "Tak" in page.locator("h1").inner_text()
        assert page.evaluate(WAITING) == 1
        page.unroute_all()  # the server is back: "Tak" returns to Start, which sends first
        page.locator("a.button.primary[href='/kiosk/']").click()
        page.wait_for_selector("html[data-offline=ready]")
        outbox_empties(page)
        context.close()
    assert kept_reasons(live_server) == kept
    assert count(live_server) == before + 1
    assert count(live_server, DRAFT) == drafts
