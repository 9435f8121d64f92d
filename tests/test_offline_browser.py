"""The kiosk without a network, in a real Chromium: nothing lost, nothing twice, nothing readable.

A persistent context keeps the service worker, its cache and IndexedDB across a browser
restart, as a tablet does (tests/offline_browser.py).
"""

import pytest
from sqlalchemy import select

from ordet.answering.models import DRAFT
from ordet.extensions import db

from .offline_browser import (
    FREE_TEXT,
    OUTBOX,
    RESEAL,
    WAITING,
    answer_to_the_end,
    count,
    kept_reasons,
    one_response,
    outbox_empties,
    ready,
    settings,
    tablet,
)

pytestmark = pytest.mark.browser


def test_offline_mid_questionnaire_then_twenty_survive_reload_and_restart(
    browser, live_server, tmp_path
):
    cookie = live_server.tablet_cookie(live_server.app.config["BROWSER_TILBUD"]["borger"])
    before = count(live_server)
    # The live server is shared by the browser tests: compare with what was there before.
    drafts, kept_before = count(live_server, DRAFT), kept_reasons(live_server)
    with settings(live_server, KIOSK_MIN_SECONDS_BETWEEN_RESPONSES=0):
        context = tablet(browser, live_server, tmp_path / "profile", cookie)
        page = context.pages[0] if context.pages else context.new_page()
        ready(page)
        # Online: the first question goes to the server as a draft.
        page.locator("a.button.primary").first.click()
        page.wait_for_url("**/kiosk/sprog")
        page.locator("button[name=lang][value=da]").click()
        page.wait_for_url("**/svar/intro")
        page.locator(".intro a.button.primary").click()
        page.wait_for_url("**/svar/1")
        page.locator("label[for=opt-ja]").click()
        page.locator("button[name=action][value=next]").click()
        page.wait_for_url("**/svar/2")
        assert count(live_server, DRAFT) >= 1
        context.set_offline(True)
        answer_to_the_end(page)  # the network went: the borger goes on and sees "Tak"
        assert "Tak" in page.locator("h1").inner_text()
        page.locator("a.button.primary[href='/kiosk/']").click()
        for _ in range(20):
            one_response(page)
        items = page.evaluate(OUTBOX)
        assert len(items) == 21
        text = str(items)
        for readable in (FREE_TEXT, "medarbejder", "answers", '"ja"', "borger"):
            assert readable not in text
        # Nor anywhere else the tablet keeps things: no page with answers cached, no storage.
        cached = page.evaluate(
            "async () => (await (await caches.open('ordet-offline-1')).keys()).map(r => r.url)"
        )
        assert cached and not [url for url in cached if "/svar/" in url]
        # Web storage holds only how the person moves (a tap or a key, ordet.js), never answers.
        stored = page.evaluate(
            "() => [localStorage, sessionStorage].flatMap(s => Object.keys(s).map(k => [k, s[k]]))"
        )
        assert stored in ([], [["ordet-input", "pointer"]], [["ordet-input", "keyboard"]])
        page.reload()  # offline: the cached Start
        page.wait_for_selector("html[data-offline=ready]")
        assert page.evaluate(WAITING) == 21
        context.close()
        # The browser restarts, still without a network.
        context = tablet(browser, live_server, tmp_path / "profile")
        context.set_offline(True)
        page = context.pages[0] if context.pages else context.new_page()
        page.goto("/kiosk/")
        page.wait_for_selector("html[data-offline=ready]")
        assert page.locator("[data-offline-waiting]").inner_text() == "21 svar venter"
        assert count(live_server) == before
        context.set_offline(False)  # the network returns: the outbox is sent
        outbox_empties(page)
        context.close()
    assert kept_reasons(live_server) == kept_before
    assert count(live_server) == before + 21
    assert count(live_server, DRAFT) == drafts  # the draft begun online was completed, not doubled


def test_offline_outbox_sent_from_two_tabs_at_once_and_a_lost_acknowledgement(
    browser, live_server, tmp_path
):
    cookie = live_server.tablet_cookie(live_server.app.config["BROWSER_TILBUD"]["borger"])
    before = count(live_server)
    with settings(live_server, KIOSK_MIN_SECONDS_BETWEEN_RESPONSES=0):
        context = tablet(browser, live_server, tmp_path / "profile", cookie)
        first = context.pages[0] if context.pages else context.new_page()
        ready(first)
        second = context.new_page()
        ready(second)
        context.set_offline(True)
        first.bring_to_front()  # a tab in the background gets no animation frames
        for _ in range(3):
            one_response(first)
        lost = []

        def lose_acknowledgement(route):
            response = route.fetch()  # the server stores it ...
            lost.append(response.status)
            route.abort()  # ... and the tablet never hears back

        first.route("**/kiosk/offline/svar", lose_acknowledgement)
        context.set_offline(False)  # both tabs send the same outbox at once
        outbox_empties(second)
        first.unroute("**/kiosk/offline/svar")
        first.reload()  # at Start the outbox is sent again: nothing is left, nothing doubles
        first.wait_for_selector("html[data-offline=ready]")
        outbox_empties(first)
        context.close()
    assert lost  # the server answered at least once where the tablet never heard it
    assert count(live_server) == before + 3


# What a tablet with a bug (or a forger) would send: its id again, sealed with other answers.


def test_offline_conflicting_resend_and_round_closed_while_waiting_are_kept_for_staff(
    browser, live_server, tmp_path
):
    from ordet.rounds.models import Round, RoundTilbud

    tilbud_id = live_server.app.config["BROWSER_TILBUD"]["borger"]
    cookie = live_server.tablet_cookie(tilbud_id)
    before, reasons = count(live_server), kept_reasons(live_server)
    with settings(live_server, KIOSK_MIN_SECONDS_BETWEEN_RESPONSES=0):
        context = tablet(browser, live_server, tmp_path / "profile", cookie)
        page = context.pages[0] if context.pages else context.new_page()
        ready(page)
        context.set_offline(True)
        one_response(page)
        sent = page.evaluate(OUTBOX)[0]["id"]
        context.set_offline(False)
        outbox_empties(page)
        assert count(live_server) == before + 1
        # The same id comes again with other content: refused (409), kept, gone from the tablet.
        context.set_offline(True)
        page.evaluate(RESEAL, sent)
        context.set_offline(False)
        outbox_empties(page)
        assert count(live_server) == before + 1
        assert kept_reasons(live_server) == sorted([*reasons, "conflict"])
        # A response waits while staff close the round early: kept and reported, not stored.
        context.set_offline(True)
        one_response(page)
        with live_server.app.app_context():
            round_ = db.session.scalar(
                select(Round).join(RoundTilbud).where(RoundTilbud.tilbud_id == tilbud_id)
            )
            round_.closed_early = True
            round_id = round_.id
            db.session.commit()
        try:
            context.set_offline(False)
            page.goto("/kiosk/")  # Start: no questionnaire now, but the outbox is still sent
            page.wait_for_selector("html[data-offline=ready]")
            outbox_empties(page)
        finally:
            with live_server.app.app_context():
                db.session.get(Round, round_id).closed_early = False
                db.session.commit()
        context.close()
    assert count(live_server) == before + 1
    assert kept_reasons(live_server) == sorted([*reasons, "conflict", "late"])


# Each step: (action, answer). Back, skip, a follow-up opened and closed again, a text.
