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
