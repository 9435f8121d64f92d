"""What the browser tests measure on a page: axe, target sizes, contrast, reflow, focus, CSP habits.

Each function returns a list of human-readable problems (empty when the page is fine), so a test
can collect them over many screens and fail once with the whole list.
"""

import json
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from .browser import OUTPUT, REQUIRE_BROWSER  # noqa: F401  (re-exported)

# A11Y.md: the EN-301-549 tag alone leaves out target size, so name the WCAG tags.
AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
MIN_TARGET = 44  # CSS px, WCAG 2.5.5 (AAA) on respondent pages
MIN_CONTRAST = 7.0  # WCAG 1.4.6 (AAA) on respondent pages
ROOT = Path(__file__).resolve().parent.parent
JS = Path(__file__).resolve().parent / "js"
VNU_JAR = ROOT / ".cache" / "node" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@dataclass
class Screen:
    """One page as the browser showed it: where, what, and the raw HTML the server sent."""

    name: str
    url: str
    title: str
    html: str
    problems: dict[str, list[str]] = field(default_factory=dict)


def axe_problems(page, respondent: bool) -> list[str]:
    """axe-core violations; on respondent pages AAA contrast (7:1) is switched on as well."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": AA_TAGS}, "resultTypes": ["violations"]}
    if respondent:
        options["rules"] = {"color-contrast-enhanced": {"enabled": True}}
    results = Axe().run(page, options=options)
    if results.violations_count == 0:
        return []
    return [results.generate_report()]


# Every visible thing a finger can hit. A radio or checkbox counts by its label, which is the
# target a borger taps (WCAG 2.5.5's "equivalent control on the same page").
_FOCUS_JS = (JS / "focus_problem.js").read_text("utf-8")
_WIDE_JS = (JS / "too_wide.js").read_text("utf-8")
_TARGETS_JS = (JS / "small_targets.js").read_text("utf-8")


def small_targets(page) -> list[str]:
    """Interactive elements smaller than 44x44 CSS px."""
    return page.evaluate(_TARGETS_JS, MIN_TARGET)


# Pictograms draw with currentColor; their contrast is their colour against what is behind them.
_PICTO_CONTRAST_JS = (JS / "pictogram_contrast.js").read_text("utf-8")


def low_contrast_pictograms(page) -> list[str]:
    return page.evaluate(_PICTO_CONTRAST_JS, MIN_CONTRAST)


def horizontal_scroll(page) -> list[str]:
    width = page.viewport_size["width"]
    scroll = page.evaluate("document.documentElement.scrollWidth")
    if scroll <= width:
        return []
    wide = page.evaluate(_WIDE_JS, width)
    return [f"scrollWidth {scroll} > viewport {width}; too wide: {', '.join(wide)}"]


def csp_habits(html: str) -> list[str]:
    """A strict CSP forbids inline scripts and style attributes: find them in the served HTML."""
    import re

    problems = []
    for match in re.finditer(r"<script\b([^>]*)>", html):
        if "src=" not in match.group(1):
            problems.append("inline <script> without src")
    if re.search(r"<[^>]+\sstyle\s*=", html):
        problems.append("style= attribute")
    if re.search(r"\son[a-z]+\s*=\s*\"", html):
        problems.append("inline event handler attribute")
    return problems


def focus_problem(page) -> str | None:
    """None when the focused element shows a visible focus indicator."""
    return page.evaluate(_FOCUS_JS)


def vnu_errors(screens: list[Screen]) -> dict[str, list[str]]:
    """Run the Nu Html Checker once over all pages; problems by screen name."""
    folder = OUTPUT / "html"
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for screen in screens:
        path = folder / (re.sub(r"[^\w.-]+", "-", screen.name) + ".html")  # a path as name
        path.write_text(screen.html, "utf-8")
        paths[str(path)] = screen.name
    done = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *paths],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(done.stderr or done.stdout or '{"messages": []}')
    found: dict[str, list[str]] = {}
    for message in report.get("messages", []):
        where = message.get("url", "").removeprefix("file:")
        name = paths.get(where, where)
        found.setdefault(name, []).append(
            f"line {message.get('lastLine')}: {message.get('message')}"
        )
    return found
