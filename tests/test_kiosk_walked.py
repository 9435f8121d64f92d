"""Issue 20, borger points 1–4, walked in Chromium on 768×1024 and 800×1280 tablets held
either way up: what a borger sees is measured on the page (text, boxes, computed styles), and
each screen is saved under test-output/screenshots/ for a person to look at."""

import pytest

from . import a11y_checks as checks
from .browser import screenshot
from .kiosk_browser import TABLETS, Walker, box, fits, tablets
from .test_browser_kiosk import newest_response, settings, to_first_question

pytestmark = pytest.mark.browser
HELP = "/svar/13"  # "Fik du hjælp til at svare?": "Ja, …" opens "Hvordan hjalp de?"
ERROR_RED = "rgb(138, 0, 0)"


def progress_and_button(page) -> tuple[str, str]:
    return (
        page.inner_text("#progress span").strip(),
        page.inner_text("button[name=action][value=next]").strip(),
    )


def test_1_the_button_and_the_progress_follow_the_answer_chosen(new_context):
    for size, page in tablets(new_context):
        walker = Walker(page)
        to_first_question(walker)
        walker.goto(HELP)
        assert progress_and_button(page) == ("Spørgsmål 13 af 14", "Næste"), size
        walker.press("label[for=opt-nej]")
        assert progress_and_button(page) == ("Spørgsmål 13 af 13", "Send mine svar"), size
        assert page.title().startswith("Spørgsmål 13 af 13")
        assert page.evaluate("document.querySelector('progress').max") == 13
        screenshot(page, f"issue20-1-{size}-nej")
        walker.press("label[for=opt-medarbejder]")
        assert progress_and_button(page) == ("Spørgsmål 13 af 14", "Næste"), size
        walker.hit("button[name=action][value=next]")
        assert page.url.endswith("/svar/14")
        assert progress_and_button(page) == ("Spørgsmål 14 af 14", "Send mine svar"), size
        # Back on the help question its stored answer decides the page at once.
        walker.hit("button[name=action][value=back]")
        assert progress_and_button(page) == ("Spørgsmål 13 af 14", "Næste"), size
        screenshot(page, f"issue20-1-{size}-medarbejder")


def test_1_without_javascript_the_page_never_says_send_before_a_question(new_context):
    page = new_context(TABLETS["800x1280"], "borger", java_script_enabled=False).new_page()
    walker = Walker(page)
    to_first_question(walker)
    walker.goto(HELP)
    walker.press("label[for=opt-medarbejder]")
    assert progress_and_button(page) == ("Spørgsmål 13 af 14", "Næste")
    walker.hit("button[name=action][value=next]")
    assert progress_and_button(page) == ("Spørgsmål 14 af 14", "Send mine svar")


def test_2_the_statement_on_a_tablet_keeps_the_kiosk_frame_and_leads_back(new_context):
    for size, page in tablets(new_context):
        walker = Walker(page)
        to_first_question(walker)
        walker.press("label[for=opt-ja]")
        walker.hit("button[name=action][value=next]")
        walker.hit(".site-footer a")
        assert page.url.endswith("/kiosk/tilgaengelighed"), size
        assert page.locator("h1").first.inner_text().startswith("Tilgængelighedserklæring")
        back = box(page, "a.button.primary")
        assert page.inner_text("a.button.primary >> nth=0") == "Tilbage til spørgsmålet"
        assert back["y"] + back["height"] <= TABLETS[size]["height"] / 3, size
        assert back["height"] >= 60 and back["width"] >= 200, size
        assert page.get_attribute("body", "data-idle"), "no inactivity reset"
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)")
        outside = [h for h in hrefs if not h.startswith(page.url.split("/kiosk/")[0])]
        assert not outside, f"links out of the kiosk: {outside}"
        assert checks.axe_problems(page, respondent=True) == [], size
        assert checks.small_targets(page) == [], size
        screenshot(page, f"issue20-2-{size}-statement")
        walker.hit("a.button.primary")
        assert page.url.endswith("/svar/2"), size


def test_2_the_statement_resets_like_a_question_when_nobody_is_there(new_context, live_server):
    page = new_context(TABLETS["768x1024"], "borger").new_page()
    walker = Walker(page)
    to_first_question(walker)
    walker.press("label[for=opt-ja]")
    walker.hit("button[name=action][value=next]")
    with settings(live_server, KIOSK_IDLE_SECONDS=1, KIOSK_WARNING_SECONDS=2):
        walker.hit(".site-footer a")
        page.locator("#idle-dialog").wait_for(state="visible")
        page.wait_for_url("**/kiosk/")
    assert newest_response(live_server, "borger").status == "partial"


def test_3_next_without_a_choice_says_what_to_do_not_that_something_is_wrong(new_context):
    for size, page in tablets(new_context):
        walker = Walker(page)
        to_first_question(walker)
        walker.hit("button[name=action][value=next]")
        assert walker.response.status == 400
        prompt = page.locator("#q-error")
        assert prompt.inner_text() == "Vælg et svar. Eller tryk på Spring over."
        assert "findes ikke" not in page.inner_text("main")
        style = prompt.evaluate(
            "e => [getComputedStyle(e).color, getComputedStyle(e).borderLeftColor]"
        )
        assert ERROR_RED not in style, f"{size}: the prompt is drawn as an error"
        where = box(page, "#q-error")
        assert where["y"] + where["height"] <= TABLETS[size]["height"], size
        assert page.is_visible("button[name=action][value=skip]")
        screenshot(page, f"issue20-3-{size}-prompt")
        walker.hit("button[name=action][value=skip]")
        assert page.url.endswith("/svar/2"), size


def test_4_larger_text_shows_pressed_keeps_faces_level_and_a_tap_draws_no_box(new_context):
    for size, page in tablets(new_context):
        walker = Walker(page)
        to_first_question(walker)
        toggle = ".respondent-header button[aria-pressed]"
        plain = page.eval_on_selector(toggle, "e => getComputedStyle(e).backgroundColor")
        assert_focus_not_drawn_after_a_tap(page, size)
        walker.hit(toggle)
        assert page.get_attribute(toggle, "aria-pressed") == "true"
        pressed = page.eval_on_selector(toggle, "e => getComputedStyle(e).backgroundColor")
        assert pressed != plain, f"{size}: 'Større tekst' looks the same switched on"
        mark = page.eval_on_selector(toggle, "e => getComputedStyle(e, '::after').content")
        assert "✓" in mark, size
        faces = page.eval_on_selector_all(
            ".options-smiley3 .picto", "els => els.map(e => e.getBoundingClientRect().top)"
        )
        assert len(faces) == 3 and max(faces) - min(faces) < 1, f"{size}: faces at {faces}"
        lines = page.eval_on_selector_all(
            ".options-smiley3 .option-text",
            "els => els.map(e => Math.round(e.getBoundingClientRect().height /"
            " parseFloat(getComputedStyle(e).lineHeight)))",
        )
        assert lines == [1, 1, 1], f"{size}: an answer's word wraps ({lines} lines)"
        assert_focus_not_drawn_after_a_tap(page, size)
        screenshot(page, f"issue20-4-{size}-large-text")
        # A key press shows where the focus is: keyboard users keep a visible focus.
        page.keyboard.press("Shift")
        assert outline(page) == ("solid", True), size
        walker.hit(toggle)
        assert page.get_attribute(toggle, "aria-pressed") == "false"
        assert fits(page) == [], size


def assert_focus_not_drawn_after_a_tap(page, size: str) -> None:
    assert page.evaluate("document.activeElement.matches('[data-autofocus]')"), size
    assert outline(page)[0] == "none", f"{size}: a box is drawn round the question after a tap"
    assert page.evaluate("getComputedStyle(document.activeElement).boxShadow") == "none"


def outline(page) -> tuple[str, bool]:
    style, width = page.evaluate(
        "[getComputedStyle(document.activeElement).outlineStyle,"
        " parseFloat(getComputedStyle(document.activeElement).outlineWidth)]"
    )
    return style, width >= 2


def test_4_after_a_key_the_next_screen_shows_its_focus(new_context):
    page = new_context(TABLETS["1024x768"], "borger", touch=False).new_page()
    walker = Walker(page, "click")
    to_first_question(walker)
    page.focus("input[value=ja]")
    page.keyboard.press("Space")
    page.focus("button[name=action][value=next]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.matches('[data-autofocus]')")
    assert outline(page) == ("solid", True)
