"""Issue 20, borger points 5–7, walked in Chromium on 768×1024 and 800×1280 tablets held
either way up: read-aloud with its help text and a slower speed, a restart that returns to the
screen the borger was on, and screens that use the tablet without scrolling."""

import re
from pathlib import Path

import pytest

from .browser import screenshot
from .kiosk_browser import FREE_TEXT, TABLETS, Walker, box, choose, fits, tablets
from .test_browser_kiosk import _write_recording, to_first_question

pytestmark = pytest.mark.browser
HELP_TEXT = "Her betyder det sted, hvor du bor eller kommer."


def test_5_read_aloud_reads_the_help_text_and_can_read_slower(new_context):
    for size, page in tablets(new_context):
        walker = Walker(page)
        to_first_question(walker)
        for button in ("button.speak:not(.slow)", "button.speak.slow"):
            where = box(page, button)
            assert (
                where["height"] >= 44
                and where["y"] + where["height"] <= page.viewport_size["height"]
            ), f"{size}: {button} is not on the screen"
        assert page.inner_text("button.speak.slow").strip() == "Læs langsomt op"
        walker.press("button.speak:not(.slow)")
        walker.press("button.speak.slow")
        normal, slow = page.evaluate("window.__spoken")
        assert normal["text"].startswith(f"Er du glad for at være her? {HELP_TEXT} Ja.")
        assert slow["text"] == normal["text"]
        assert slow["rate"] < normal["rate"] <= 1, f"{size}: {slow['rate']} vs {normal['rate']}"
        screenshot(page, f"issue20-5-{size}-read-aloud")


def test_5_a_recording_plays_slower_on_the_slow_button(new_context, live_server):
    folder = Path(live_server.app.config["READ_ALOUD_AUDIO_DIR"])
    recording = folder / "borger" / "da" / "glad_for_stedet.wav"
    _write_recording(recording)
    try:
        for _size, page in tablets(new_context, sizes=("800x1280",)):
            walker = Walker(page)
            to_first_question(walker)
            walker.press("button.speak:not(.slow)")
            walker.press("button.speak.slow")
            normal, slow = page.evaluate("window.__played")
            assert normal["src"] == slow["src"] and normal["src"].endswith("/glad_for_stedet")
            assert slow["rate"] < normal["rate"] == 1
            assert page.evaluate("window.__spoken") == []
    finally:
        recording.unlink()


def test_6_a_restart_returns_to_the_screen_the_borger_was_on(new_context):
    for size, page in tablets(new_context):
        walker = Walker(page)
        to_first_question(walker)
        walker.press("label[for=opt-ja]")
        walker.hit("button[name=action][value=next]")
        walker.hit("button[name=action][value=skip]")
        walker.hit("button[name=action][value=skip]")
        assert page.url.endswith("/svar/4")
        walker.goto("/kiosk/")  # the tablet's browser restarts on its home page
        assert page.url.endswith("/svar/4"), f"{size}: resumed at {page.url}"
        assert page.inner_text("#progress span").startswith("Spørgsmål 4 af")
        # Going back to a skipped question and restarting returns there, too.
        walker.hit("button[name=action][value=back]")
        walker.hit("button[name=action][value=back]")
        walker.goto("/kiosk/")
        assert page.url.endswith("/svar/2"), f"{size}: resumed at {page.url}"


def layout_problems(page) -> list[str]:
    """On a question screen: no scrolling, the buttons at the bottom, big answers when tall."""
    size = page.viewport_size
    problems = fits(page)
    nav = box(page, ".nav")
    bottom = nav["y"] + nav["height"]
    if not size["height"] - 110 <= bottom <= size["height"]:
        problems.append(f"{page.url}: the buttons end at {bottom:.0f} of {size['height']} px")
    footer = box(page, ".site-footer a")
    if footer["y"] + footer["height"] > size["height"]:
        problems.append(f"{page.url}: the statement link is below the screen")
    faces = page.eval_on_selector_all(
        ".options-smiley3 .option .picto", "els => els.map(e => e.getBoundingClientRect())"
    )
    tall = size["height"] >= 1000
    if faces and tall and min(face["height"] for face in faces) < 0.12 * size["height"]:
        problems.append(f"{page.url}: faces of {faces[0]['height']:.0f} px on a tall screen")
    cards = page.eval_on_selector_all(
        ".options-smiley3 .option label", "els => els.map(e => e.getBoundingClientRect().height)"
    )
    if cards and tall and min(cards) < 0.25 * size["height"]:
        problems.append(f"{page.url}: answer cards of {min(cards):.0f} px on a tall screen")
    return problems


@pytest.mark.parametrize(
    ("variant", "sizes"),
    [("borger", tuple(TABLETS)), ("unge", ("768x1024", "1280x800"))],
)
def test_7_every_question_screen_uses_the_tablet_without_scrolling(new_context, variant, sizes):
    problems: list[str] = []
    for size, page in tablets(new_context, variant, sizes=sizes):
        walker = Walker(page)
        to_first_question(walker)
        while "/svar/tak" not in page.url:
            position = int(re.search(r"/svar/(\d+)", page.url).group(1))
            found = layout_problems(page)
            problems += [f"{size} {problem}" for problem in found]
            if found or position in (1, 12, 13):
                screenshot(page, f"issue20-7-{variant}-{size}-q{position:02d}")
            if page.locator("textarea").count():
                page.fill("textarea", FREE_TEXT)
            else:
                walker.press(f"label[for=opt-{choose(page)}]")
            walker.hit("button[name=action][value=next]")
    assert not problems, "\n".join(problems)
