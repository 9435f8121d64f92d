"""The kiosk without a network, in a real Chromium: nothing lost, nothing twice, nothing readable.

A persistent context keeps the service worker, its cache and IndexedDB across a browser
restart, as a tablet does.
"""

import time
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select

from ordet.answering.models import COMPLETE, DRAFT, PARTIAL, Response
from ordet.extensions import db

from .browser import CHROMIUM, CHROMIUM_ARGS, TABLET

pytestmark = pytest.mark.browser

OUTBOX = """() => new Promise((resolve) => {
  const open = indexedDB.open("ordet-offline", 1);
  open.onupgradeneeded = () => open.result.createObjectStore("outbox", { keyPath: "id" });
  open.onsuccess = () => {
    const get = open.result.transaction("outbox").objectStore("outbox").getAll();
    get.onsuccess = () => { open.result.close(); resolve(get.result); };
  };
})"""
WAITING = f"async () => (await ({OUTBOX})()).filter(i => !i.open).length"
MOVED_ON = """key => {
  const shown = document.querySelector("input[name=question]");
  return !shown || shown.value !== key;
}"""
FREE_TEXT = "Haven er det bedste ved stedet"


@contextmanager
def settings(live_server, **values):
    old = {key: live_server.app.config[key] for key in values}
    live_server.app.config.update(values)
    try:
        yield
    finally:
        live_server.app.config.update(old)


def count(live_server, status=COMPLETE) -> int:
    tilbud_id = live_server.app.config["BROWSER_TILBUD"]["borger"]
    with live_server.app.app_context():
        return db.session.scalar(
            select(func.count()).where(Response.tilbud_id == tilbud_id, Response.status == status)
        )


def tablet(browser, live_server, folder, cookie=None):
    context = browser.browser_type.launch_persistent_context(
        str(folder),
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
        viewport=TABLET,
        has_touch=True,
        locale="da-DK",
        base_url=live_server.url,
    )
    context.set_default_timeout(20_000)
    if cookie:  # lasting, as the enrolment sets it: it survives the restart
        context.add_cookies([{**cookie, "expires": time.time() + 86400}])
    return context


def outbox_empties(page) -> None:
    """Wait until the tablet has had every response acknowledged (IndexedDB is asynchronous:
    ``wait_for_function`` would take its promise for a truthy value)."""
    for _ in range(200):
        if not page.evaluate(OUTBOX):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"still waiting: {len(page.evaluate(OUTBOX))}")


def ready(page) -> None:
    page.goto("/kiosk/")
    page.wait_for_selector("html[data-offline=ready]")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def answer_to_the_end(page) -> None:
    """Answer each screen (the follow-up opener where there is one) until "Tak"."""
    while not page.locator("body[data-return-after]").count():
        if page.locator("textarea").count():
            page.fill("textarea", FREE_TEXT)
        else:
            values = page.eval_on_selector_all("input[name=value]", "e => e.map(x => x.value)")
            pick = "medarbejder" if "medarbejder" in values else values[0]
            page.locator(f"label[for=opt-{pick}]").click()
        key = page.input_value("input[name=question]")
        page.locator("button[name=action][value=next]").click()
        page.wait_for_function(MOVED_ON, arg=key)


def one_response(page) -> None:
    page.locator("a.button.primary").first.click()  # Start
    page.locator("button[name=lang][value=da]").click()
    page.locator(".intro a.button.primary").click()
    answer_to_the_end(page)
    page.locator("a.button.primary[href='/kiosk/']").click()


def test_offline_mid_questionnaire_then_twenty_survive_reload_and_restart(
    browser, live_server, tmp_path
):
    cookie = live_server.tablet_cookie(live_server.app.config["BROWSER_TILBUD"]["borger"])
    before = count(live_server)
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
        assert page.evaluate("localStorage.length + sessionStorage.length") == 0
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
    with live_server.app.app_context():
        from ordet.offline.models import OfflineKept

        kept = db.session.scalars(select(OfflineKept.reason)).all()
    assert kept == []
    assert count(live_server) == before + 21
    assert count(live_server, DRAFT) == 0  # the draft begun online was completed, not doubled


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
RESEAL = """async (id) => {
  const cache = await caches.open("ordet-offline-1");
  const bundle = await (await cache.match("/kiosk/offline/pakke")).json();
  const d = new Date(); d.setDate(d.getDate() - (d.getDay() + 6) % 7);
  const pad = (n) => String(n).padStart(2, "0");
  const week = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const content = { id, round: bundle.round, questionnaire: bundle.questionnaire,
    version: bundle.version, language: "da", answers: {}, complete: true, week, gap: null,
    draft: null };
  const b64 = (b) => btoa(String.fromCharCode(...new Uint8Array(b)));
  const spki = Uint8Array.from(atob(bundle.key), (c) => c.charCodeAt(0));
  const pub = await crypto.subtle.importKey("spki", spki, { name: "RSA-OAEP", hash: "SHA-256" },
    false, ["encrypt"]);
  const aes = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, true, ["encrypt"]);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, aes,
    new TextEncoder().encode(JSON.stringify(content)));
  const key = await crypto.subtle.encrypt({ name: "RSA-OAEP" }, pub,
    await crypto.subtle.exportKey("raw", aes));
  const item = { id, open: false, key: b64(key), iv: b64(iv), data: b64(data) };
  await new Promise((resolve) => {
    const open = indexedDB.open("ordet-offline", 1);
    open.onsuccess = () => {
      const tx = open.result.transaction("outbox", "readwrite");
      tx.objectStore("outbox").put(item);
      tx.oncomplete = () => { open.result.close(); resolve(); };
    };
  });
}"""


def kept_reasons(live_server) -> list[str]:
    from ordet.offline.models import OfflineKept

    with live_server.app.app_context():
        return sorted(db.session.scalars(select(OfflineKept.reason)))


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
        page.locator("a.button.primary").first.click()
        page.locator("button[name=lang][value=da]").click()
        page.locator(".intro a.button.primary").click()
        page.wait_for_selector("input[name=question]", state="attached")
        page.locator("button[name=action][value=next]").click()
        said[mode] = page.locator("[role=alert]").inner_text()
        assert page.input_value("input[name=question]") == "glad_for_stedet"
        page.locator("#reset-form button").click()  # Stop: back to Start
        page.wait_for_selector(".start a.button.primary[href='/kiosk/sprog']")
    context.close()
    assert said["offline"] == said["online"] == "Det svar findes ikke. Vælg et af svarene."
