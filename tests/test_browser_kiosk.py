"""The kiosk in Chromium as borgere use it: touch at several sizes, keyboard only, zoom, larger
text, reduced motion, the inactivity warning, read-aloud and the way back to Start."""

import wave
from contextlib import contextmanager
from pathlib import Path

import pytest

from ordet.answering.models import COMPLETE, PARTIAL, Response
from ordet.extensions import db

from . import a11y_checks as checks
from .browser import PHONE, TABLET, TABLET_PORTRAIT, ZOOM_200
from .kiosk_browser import FREE_TEXT, Walker, tab_to, walk

pytestmark = pytest.mark.browser
NARROW = {"width": 320, "height": 640}


def newest_response(live_server, variant: str) -> Response:
    tilbud_id = live_server.app.config["BROWSER_TILBUD"][variant]
    with live_server.app.app_context():
        found = db.session.scalar(
            db.select(Response).filter_by(tilbud_id=tilbud_id).order_by(Response.id.desc())
        )
        db.session.expunge(found)
        return found


@contextmanager
def settings(live_server, **values):
    """Change the live app's settings for one test (tests run one at a time)."""
    old = {key: live_server.app.config[key] for key in values}
    live_server.app.config.update(values)
    try:
        yield
    finally:
        live_server.app.config.update(old)


def to_first_question(walker: Walker, language: str = "da") -> None:
    walker.goto("/kiosk/")
    walker.hit("a.button.primary")
    walker.hit(f"button[name=lang][value={language}]")
    walker.hit(".intro a.button.primary")


@pytest.mark.parametrize(
    ("viewport", "variant"),
    [
        pytest.param(TABLET_PORTRAIT, "borger", id="tablet-portrait"),
        pytest.param(PHONE, "paaroerende", id="phone"),
        pytest.param(NARROW, "borger", id="320px"),
        pytest.param(ZOOM_200, "unge", id="zoom-200"),
    ],
)
def test_a_whole_walk_by_touch_fits_the_screen(new_context, live_server, viewport, variant):
    """Every screen reflows without sideways scrolling, every target stays 44x44 CSS px."""
    page = new_context(viewport, variant).new_page()
    problems: list[str] = []

    def measure(name: str) -> None:
        found = checks.horizontal_scroll(page) + checks.small_targets(page)
        problems.extend(f"{name}: {problem}" for problem in found)

    names = walk(Walker(page, "tap"), measure)
    assert not problems, "\n".join(problems)
    assert names[-1] == "thanks"
    assert newest_response(live_server, variant).status == COMPLETE


def test_larger_text_enlarges_the_question_and_still_fits_320px(new_context):
    page = new_context(NARROW, "borger").new_page()
    walker = Walker(page)
    to_first_question(walker)
    size = "parseFloat(getComputedStyle(document.querySelector('.q-text')).fontSize)"
    before = page.evaluate(size)
    walker.hit(".respondent-header button[aria-pressed=false]")
    assert page.get_attribute(".respondent-header button", "aria-pressed") == "true"
    assert page.evaluate(size) >= 1.45 * before
    assert checks.horizontal_scroll(page) == []
    assert checks.small_targets(page) == []


def test_a_whole_questionnaire_by_keyboard_only_with_focus_always_visible(new_context, live_server):
    page = new_context(TABLET, "borger", touch=False).new_page()
    walker = Walker(page, "click")
    problems: list[str] = []

    def press_enter() -> None:
        with page.expect_navigation():
            page.keyboard.press("Enter")
        problems.extend(checks.focus_problem(page) and [f"{page.url}: focus lost"] or [])
        assert page.evaluate("document.activeElement.matches('[data-autofocus]')"), page.url

    walker.goto("/kiosk/")
    assert page.evaluate("document.activeElement.matches('a.button.primary')")
    press_enter()
    problems += tab_to(page, "button[name=lang][value=da]")
    press_enter()
    problems += tab_to(page, ".intro a.button.primary")
    press_enter()
    while "/svar/tak" not in page.url:
        if page.locator("textarea").count():
            problems += tab_to(page, "textarea")
            page.keyboard.type(FREE_TEXT)
        else:
            problems += tab_to(page, "input[name=value]")
            page.keyboard.press("Space")
            assert page.evaluate("document.activeElement.checked")
        problems += tab_to(page, "button[name=action][value=next]")
        press_enter()
    assert not problems, "\n".join(problems)
    assert page.title().startswith("Tak for dine svar")
    assert newest_response(live_server, "borger").status == COMPLETE


def test_motion_is_dropped_when_the_person_asks_for_less(new_context):
    page = new_context(TABLET, "borger").new_page()
    to_first_question(Walker(page))
    duration = "getComputedStyle(document.querySelector('.option label')).transitionDuration"
    page.emulate_media(reduced_motion="no-preference")
    assert page.evaluate(duration) != "0s"
    page.emulate_media(reduced_motion="reduce")
    assert page.evaluate(duration) == "0s"


def test_the_inactivity_warning_gives_more_time_then_returns_to_start(new_context, live_server):
    page = new_context(TABLET, "borger").new_page()
    walker = Walker(page)
    with settings(live_server, KIOSK_IDLE_SECONDS=1, KIOSK_WARNING_SECONDS=3):
        to_first_question(walker)
        walker.press("label[for=opt-ja]")
        walker.hit("button[name=action][value=next]")
        dialog = page.locator("#idle-dialog")
        dialog.wait_for(state="visible")
        assert "Vil du have mere tid?" in dialog.inner_text()
        assert page.evaluate("document.activeElement.hasAttribute('data-more-time')")
        assert checks.axe_problems(page, respondent=True) == []
        assert checks.small_targets(page) == []

        page.get_by_role("button", name="Ja, jeg vil gerne have mere tid").click()
        dialog.wait_for(state="hidden")
        assert page.url.endswith("/svar/2")

        dialog.wait_for(state="visible")  # idle again: this time nobody answers
        page.wait_for_url("**/kiosk/")
    assert page.locator("a.button.primary", has_text="Start").is_visible()
    assert newest_response(live_server, "borger").status == PARTIAL


def test_the_thanks_screen_returns_to_start_and_back_shows_no_answers(new_context, live_server):
    page = new_context(TABLET, "borger").new_page()
    with settings(live_server, KIOSK_THANKS_SECONDS=1):
        walk(Walker(page, "click"), lambda name: None)
        page.wait_for_url("**/kiosk/")
    page.go_back()
    page.wait_for_load_state("load")
    assert page.url.endswith("/kiosk/")
    assert page.locator("input:checked").count() == 0
    assert FREE_TEXT not in page.content()


SPEECH_STUB = """
window.ordetForceSpeech = true;  // headless Chromium has no voices installed
window.__spoken = [];
window.__played = [];
if (window.speechSynthesis) {
  window.speechSynthesis.speak = (u) => window.__spoken.push({text: u.text, lang: u.lang});
}
HTMLMediaElement.prototype.play = function () {
  window.__played.push(this.src);
  return Promise.resolve();
};
"""


@pytest.mark.parametrize(
    ("language", "expected", "speech_lang"),
    [
        (
            "da",
            "Er du glad for at være her? Her betyder det sted, hvor du bor eller kommer. Ja. "
            "Både og. Nej. Ved ikke. Vil ikke svare.",
            "da-DK",
        ),
        (
            "en",
            "Do you like being here? Here means the place where you live or come. Yes. "
            "Yes and no. No. I don't know.",
            "en-GB",
        ),
    ],
)
def test_read_aloud_speaks_the_question_and_its_answers_in_the_page_language(
    new_context, language, expected, speech_lang
):
    context = new_context(TABLET, "borger")
    context.add_init_script(SPEECH_STUB)
    page = context.new_page()
    walker = Walker(page)
    to_first_question(walker, language)
    walker.press("button.speak")  # the first: normal speed
    [spoken] = page.evaluate("window.__spoken")
    assert spoken["text"].startswith(expected)
    assert spoken["lang"] == speech_lang
    assert page.evaluate("window.__played") == []


def _write_recording(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(8000)
        audio.writeframes(b"\0\0" * 800)


def test_a_recorded_reading_plays_instead_of_the_synthetic_voice(new_context, live_server):
    folder = Path(live_server.app.config["READ_ALOUD_AUDIO_DIR"])
    recording = folder / "borger" / "da" / "glad_for_stedet.wav"
    _write_recording(recording)
    try:
        context = new_context(TABLET, "borger")
        context.add_init_script(SPEECH_STUB)
        page = context.new_page()
        walker = Walker(page)
        to_first_question(walker)
        walker.press("button.speak")
        [played] = page.evaluate("window.__played")
        assert played.endswith("/lyd/borger/da/glad_for_stedet")
        assert page.evaluate("window.__spoken") == []
        fetched = page.request.get(played)
        assert fetched.status == 200 and fetched.headers["content-type"] == "audio/wav"
        # A question without a recording still uses the synthetic voice.
        walker.press("label[for=opt-ja]")
        walker.hit("button[name=action][value=next]")
        walker.press("button.speak")
        assert len(page.evaluate("window.__spoken")) == 1
    finally:
        recording.unlink()
