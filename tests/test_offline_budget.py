"""What the offline kiosk costs a tablet: bytes it loads, and the time to the next screen.

Sizes are asserted (they do not vary between runs); the next-screen time is measured and
written to test-output/offline-figures.txt, never asserted (no timed assertions).
"""

import json
from pathlib import Path

import pytest

from .browser import OUTPUT
from .offline_browser import ready, settings, tablet

pytestmark = pytest.mark.browser

STATIC = Path(__file__).resolve().parent.parent / "ordet" / "static" / "offline"
NEXT_SCREEN = """async () => {
  const started = performance.now();
  document.querySelector("label[for=opt-ja]").click();
  document.querySelector("button[name=action][value=next]").click();
  await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
  return performance.now() - started;
}"""


def test_offline_script_and_worker_stay_under_15_kb():
    sizes = {path.name: len(path.read_bytes()) for path in STATIC.glob("*.js")}
    assert set(sizes) == {"kiosk.js", "sw.js"}
    assert sum(sizes.values()) < 15_000


def test_offline_first_question_page_load_under_60_kb_and_next_screen_time(
    browser, live_server, tmp_path
):
    cookie = live_server.tablet_cookie(live_server.app.config["BROWSER_TILBUD"]["borger"])
    with settings(live_server, KIOSK_MIN_SECONDS_BETWEEN_RESPONSES=0):
        context = tablet(browser, live_server, tmp_path / "profile", cookie)
        page = context.pages[0] if context.pages else context.new_page()
        page.goto("/kiosk/")
        page.locator("a.button.primary").first.click()
        page.locator("button[name=lang][value=da]").click()
        page.wait_for_url("**/svar/intro")
        loaded = []
        page.on("response", lambda r: loaded.append((r.url, len(r.body()))))
        page.goto("/svar/1", wait_until="networkidle")  # its first load: nothing cached yet
        first_load = sum(size for _, size in loaded)
        assert first_load < 60 * 1024, loaded
        context.close()
        context = tablet(browser, live_server, tmp_path / "measured", cookie)
        page = context.pages[0] if context.pages else context.new_page()
        ready(page)
        context.set_offline(True)
        page.locator("a.button.primary").first.click()
        page.locator("button[name=lang][value=da]").click()
        page.locator(".intro a.button.primary").click()
        times = [page.evaluate(NEXT_SCREEN) for _ in range(10)]
        context.close()
    OUTPUT.mkdir(exist_ok=True)
    figures = {
        "question_page_first_load_bytes": first_load,
        "question_page_resources": loaded,
        "offline_next_screen_ms": [round(t, 1) for t in times],
        "script_and_worker_bytes": sum(len(p.read_bytes()) for p in STATIC.glob("*.js")),
    }
    (OUTPUT / "offline-figures.json").write_text(json.dumps(figures, indent=1))
