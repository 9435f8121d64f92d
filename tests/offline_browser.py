"""Drive the offline kiosk in a real Chromium: a persistent profile (as a tablet keeps its
service worker, cache and IndexedDB), the outbox as the page sees it, and the live server's rows."""

import time
from contextlib import contextmanager

from sqlalchemy import func, select

from ordet.answering.models import COMPLETE, Response
from ordet.extensions import db

from .browser import CHROMIUM, CHROMIUM_ARGS, TABLET

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


RESEAL = """async (id) => {
  const cache = await caches.open("ordet-offline-1");
  const bundle = await (await cache.match("/kiosk/offline/pakke")).json();
  const d = new Date(); d.setDate(d.getDate() - (d.getDay() + 6) % 7);
  const pad = (n) => String(n).padStart(2, "0");
  const week = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const content = { id, round: bundle.round, questionnaire: bundle.questionnaire,
    version: bundle.version, language: "da", answers: {}, complete: true, week,
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
