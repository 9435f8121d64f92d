"""Every respondent screen, reached by walking the kiosk at tablet size, audited in Chromium.

One walk per questionnaire variant collects each screen's raw HTML and measurements; the tests
below then each assert one property over all screens, naming every screen that fails.
"""

import re

import pytest

from . import a11y_checks as checks
from .browser import TABLET, screenshot
from .kiosk_browser import Walker, walk

pytestmark = pytest.mark.browser
VARIANTS = ("borger", "unge", "paaroerende")
LIVE_PROGRESS = re.compile(
    r'<p class="progress" id="progress" aria-live="polite">\s*<span[^>]*>([^<]+)<'
)
LABEL = re.compile(r'<label for="opt-([a-z_]+)">(.*?)</label>', re.S)
WORD = re.compile(r'<span class="option-text">([^<]+)</span>')


@pytest.fixture(scope="module")
def respondent_screens(_playwright_browser, live_server) -> list[checks.Screen]:
    screens: list[checks.Screen] = []
    for variant in VARIANTS:
        context = _playwright_browser.new_context(
            viewport=TABLET, has_touch=True, locale="da-DK", base_url=live_server.url
        )
        tilbud_id = live_server.app.config["BROWSER_TILBUD"][variant]
        context.add_cookies([live_server.tablet_cookie(tilbud_id)])
        page = context.new_page()
        walker = Walker(page, "tap")

        def audit(name: str, walker=walker, variant=variant) -> None:
            screens.append(_audit(walker, f"{variant}-{name}"))

        walk(walker, audit)
        if variant == "borger":
            screens.extend(_special_states(walker))
        context.close()
    return screens


def _special_states(walker: Walker) -> list[checks.Screen]:
    """A question with its error message, and with larger text switched on."""
    page = walker.page
    walker.goto("/kiosk/")
    walker.hit("a.button.primary")
    walker.hit("button[name=lang][value=da]")
    walker.hit(".intro a.button.primary")
    walker.hit("button[name=action][value=next]")  # no answer chosen
    found = [_audit(walker, "borger-q01-error")]
    walker.hit(".respondent-header button[aria-pressed]")
    found.append(_audit(walker, "borger-q01-large-text"))
    assert page.get_attribute("html", "class") == "large-text"
    return found


def _audit(walker: Walker, name: str) -> checks.Screen:
    page = walker.page
    page.wait_for_load_state("load")
    html = walker.html()
    screen = checks.Screen(name, page.url, page.title(), html)
    screen.problems = {
        "axe": checks.axe_problems(page, respondent=True),
        "targets": checks.small_targets(page),
        "pictograms": checks.low_contrast_pictograms(page),
        "scroll": checks.horizontal_scroll(page),
        "csp": checks.csp_habits(html),
        "focus": _focus_after_change(page),
    }
    screenshot(page, name)
    return screen


def _focus_after_change(page) -> list[str]:
    if not page.locator("[data-autofocus]").count():
        return []
    if not page.evaluate("document.activeElement.matches('[data-autofocus]')"):
        tag = page.evaluate("document.activeElement.tagName")
        return [f"focus is on {tag}, not on the question/heading"]
    # After a tap the focus is not drawn (issue 20); the first key press shows where it is.
    page.keyboard.press("Shift")
    problem = checks.focus_problem(page)
    return [problem] if problem else []


def _failures(screens, kind: str) -> str:
    return "\n".join(
        f"{screen.name} ({screen.url}): {problem}"
        for screen in screens
        for problem in screen.problems[kind]
    )


def test_the_walk_reaches_every_kind_of_screen(respondent_screens):
    names = [screen.name for screen in respondent_screens]
    for variant in VARIANTS:
        assert f"{variant}-start" in names and f"{variant}-thanks" in names
    # The follow-up question appears because the walk answers "Ja, af en medarbejder".
    assert any(name.endswith("hjaelp_hvordan") for name in names)
    assert len(names) > 35


@pytest.mark.parametrize("kind", ["axe", "targets", "pictograms", "scroll", "csp", "focus"])
def test_every_respondent_screen_passes(respondent_screens, kind):
    """axe (WCAG 2.2 A/AA, best practice, AAA contrast), 44px targets, 7:1 pictograms, no
    horizontal scroll at 1024 px, no inline script/style, focus on the question after a change."""
    failures = _failures(respondent_screens, kind)
    assert not failures, failures


def test_the_title_and_a_live_region_say_which_question(respondent_screens):
    questions = [s for s in respondent_screens if re.search(r"-q\d\d-[a-z_]+$", s.name)]
    assert questions
    for screen in questions:
        match = re.match(r"Spørgsmål (\d+) af (\d+) – Ordet er dit$", screen.title)
        assert match, f"{screen.name}: title {screen.title!r}"
        position = int(screen.name.split("-q")[1][:2])
        assert int(match.group(1)) == position
        live = LIVE_PROGRESS.search(screen.html)
        assert live and live.group(1) == f"Spørgsmål {position} af {match.group(2)}", screen.name


def test_smileys_differ_in_shape_and_word_not_only_colour(respondent_screens):
    """Each answer on a scale has its own face drawing and its own visible word."""
    scales = [s for s in respondent_screens if re.search(r"options-(smiley|likert)", s.html)]
    assert scales
    for screen in scales:
        labels = [body for _, body in LABEL.findall(screen.html)]
        shapes = [
            re.sub(r"\s+", "", body.split('<span class="option-text">')[0]) for body in labels
        ]
        words = [WORD.search(body).group(1) for body in labels]
        assert all(shapes) and len(set(shapes)) == len(shapes), f"{screen.name}: faces repeat"
        assert all(words) and len(set(words)) == len(words), f"{screen.name}: words repeat"


def test_every_page_is_valid_html(respondent_screens):
    if not checks.VNU_JAR.exists():
        if checks.REQUIRE_BROWSER:
            pytest.fail(f"ORDET_REQUIRE_BROWSER=1 but {checks.VNU_JAR} is missing")
        pytest.skip(f"{checks.VNU_JAR} missing (`make test` installs vnu-jar)")
    errors = checks.vnu_errors(respondent_screens)
    assert not errors, "\n".join(f"{name}: {e}" for name, found in errors.items() for e in found)
