"""Walk the kiosk in a real browser, as a borger does: by touch, by mouse or by keyboard."""

import re
from collections.abc import Callable

from .a11y_checks import focus_problem

FREE_TEXT = "Jeg kan lide haven."
# Answers that open the follow-up question, so the walk sees every screen there is.
PREFERRED = ("medarbejder",)


class Walker:
    """Moves through screens by touch ("tap") or mouse ("click"), keeping the last response."""

    def __init__(self, page, how: str = "tap"):
        self.page = page
        self.how = how
        self.response = None

    def goto(self, path: str) -> None:
        self.response = self.page.goto(path)

    def hit(self, selector: str) -> None:
        """Tap or click something that loads a new screen, and wait for it."""
        with self.page.expect_navigation() as navigation:
            self.press(selector)
        self.response = navigation.value

    def press(self, selector: str) -> None:
        target = self.page.locator(selector).first
        if self.how == "tap":
            target.tap()
        else:
            target.click()

    def html(self) -> str:
        return self.response.text() if self.response else ""


def choose(page) -> str | None:
    """The radio value to pick on this question: a follow-up opener if any, else the first."""
    values = page.eval_on_selector_all("input[name=value]", "els => els.map(e => e.value)")
    if not values:
        return None
    return next((v for v in values if v in PREFERRED), values[0])


def walk(walker: Walker, on_screen: Callable[[str], None], language: str = "da") -> list[str]:
    """Start to thanks; ``on_screen(name)`` runs on every screen. Returns the screen names."""
    names = []

    def seen(name: str) -> None:
        names.append(name)
        on_screen(name)

    walker.goto("/kiosk/")
    seen("start")
    walker.hit("a.button.primary")
    seen("language")
    walker.hit(f"button[name=lang][value={language}]")
    seen("intro")
    walker.hit(".intro a.button.primary")
    return names + answer_all(walker, on_screen)


def answer_all(walker: Walker, on_screen: Callable[[str], None]) -> list[str]:
    """From the first question to the thank-you screen, answering each question."""
    names = []

    def seen(name: str) -> None:
        names.append(name)
        on_screen(name)

    page = walker.page
    while True:
        position = int(re.search(r"/svar/(\d+)", page.url).group(1))
        key = page.input_value("input[name=question]")
        seen(f"q{position:02d}-{key}")
        if page.locator("textarea").count():
            page.fill("textarea", FREE_TEXT)
        else:
            walker.press(f"label[for=opt-{choose(page)}]")
        walker.hit("button[name=action][value=next]")
        if page.url.endswith("/svar/tak"):
            seen("thanks")
            return names


def tab_to(page, selector: str, limit: int = 40) -> list[str]:
    """Press Tab until ``selector`` has focus; returns focus problems met on the way."""
    problems = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        problem = focus_problem(page)
        if problem:
            problems.append(problem)
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return problems
    raise AssertionError(f"Tab never reached {selector} on {page.url}")


# Issue 20: the two tablet sizes borgere use, each way up.
TABLETS = {
    "768x1024": {"width": 768, "height": 1024},
    "1024x768": {"width": 1024, "height": 768},
    "800x1280": {"width": 800, "height": 1280},
    "1280x800": {"width": 1280, "height": 800},
}
# A tablet with a voice (headless Chromium has none), recording what is read and how fast.
VOICE_STUB = """
window.ordetForceSpeech = true;
window.__spoken = [];
window.__played = [];
if (window.speechSynthesis) {
  window.speechSynthesis.speak = (u) => window.__spoken.push({text: u.text, rate: u.rate});
}
HTMLMediaElement.prototype.play = function () {
  window.__played.push({src: this.src, rate: this.playbackRate});
  return Promise.resolve();
};
"""


def tablets(new_context, variant: str = "borger", sizes=tuple(TABLETS), **options):
    """A fresh enrolled tablet with a voice per size: yields (size name, page)."""
    for name in sizes:
        context = new_context(TABLETS[name], variant, **options)
        context.add_init_script(VOICE_STUB)
        yield name, context.new_page()
        context.close()


def box(page, selector: str) -> dict:
    """Where ``selector``'s first match is drawn, in CSS px of the viewport."""
    found = page.locator(selector).first.bounding_box()
    assert found, f"{selector} is not drawn on {page.url}"
    return found


def fits(page) -> list[str]:
    """Problems that make a person scroll: the page taller or wider than the screen."""
    size = page.viewport_size
    height, width = page.evaluate(
        "[document.documentElement.scrollHeight, document.documentElement.scrollWidth]"
    )
    problems = []
    if height > size["height"]:
        problems.append(f"{page.url}: {height} px tall on a {size['height']} px screen")
    if width > size["width"]:
        problems.append(f"{page.url}: {width} px wide on a {size['width']} px screen")
    return problems
