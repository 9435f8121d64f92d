"""Every other page, found from the app itself, audited in Chromium: what an anonymous visitor
can open, every staff page reachable from the staff start page (when staff login exists), and
the pårørende link (when the invitations blueprint exists). Pages merged later are covered too."""

import re
from collections import Counter
from datetime import date
from urllib.parse import urljoin, urlparse

import pytest
from werkzeug.exceptions import HTTPException

from ordet.extensions import db
from ordet.security import hash_secret, new_token

from . import a11y_checks as checks
from .browser import PHONE, TABLET, screenshot
from .kiosk_browser import Walker, answer_all

pytestmark = pytest.mark.browser
# Links a crawler must not follow: they end a session, download files or change things.
SKIP_LINK = re.compile(r"log-?ud|logout|eksport|export|download|hent|\.xlsx|\.csv|/lyd/", re.I)
MAX_STAFF_PAGES = 60
PAGES_PER_ROUTE = 2


def endpoint_of(app, url: str) -> str:
    parts = urlparse(url)
    try:
        return app.url_map.bind("localhost").match(parts.path, query_args=parts.query)[0]
    except HTTPException:
        return parts.path


def parameterless_get_paths(app) -> list[str]:
    """Every GET route that needs no URL parameters, plus a page that does not exist."""
    paths = sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static"
    )
    return [*paths, "/findes-ikke"]


def _is_html(page, url: str) -> bool:
    """Look before going: a GET that answers with a file would start a download."""
    response = page.request.get(url, max_redirects=5)
    return "text/html" in response.headers.get("content-type", "")


def audit(page, name: str, respondent: bool = False, html: str | None = None) -> checks.Screen:
    """axe, CSP habits and the footer link; ``html`` is the served page (fetched if not given)."""
    html = page.request.get(page.url).text() if html is None else html
    screen = checks.Screen(name, page.url, page.title(), html)
    screen.problems = {
        "axe": checks.axe_problems(page, respondent=respondent),
        "csp": checks.csp_habits(html),
        "footer": []
        if page.locator("footer a", has_text="Tilgængelighedserklæring").count()
        else ["no Tilgængelighedserklæring link in the footer"],
    }
    return screen


def _name(url: str) -> str:
    path = urlparse(url).path.strip("/") or "forside"
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")


def visit_all(page, base: str, paths: list[str], prefix: str) -> list[checks.Screen]:
    screens, seen = [], set()
    for path in paths:
        url = urljoin(base, path)
        if not _is_html(page, url):
            continue
        response = page.goto(url)
        assert response.status < 500, f"{url} answered {response.status}"
        if page.url in seen:
            continue
        seen.add(page.url)
        screens.append(audit(page, f"{prefix}-{_name(page.url)}"))
    return screens


def assert_clean(screens: list[checks.Screen]) -> None:
    failures = [
        f"{screen.name} ({screen.url}) {kind}: {problem}"
        for screen in screens
        for kind, problems in screen.problems.items()
        for problem in problems
    ]
    if checks.VNU_JAR.exists():
        for name, errors in checks.vnu_errors(screens).items():
            failures += [f"{name} html: {error}" for error in errors]
    elif checks.REQUIRE_BROWSER:
        failures.append(f"{checks.VNU_JAR} missing")
    assert not failures, "\n".join(failures)


def test_every_page_an_anonymous_visitor_can_open(new_context, live_server):
    page = new_context(TABLET).new_page()
    screens = visit_all(page, live_server.url, parameterless_get_paths(live_server.app), "anon")
    names = {screen.name for screen in screens}
    assert {"anon-forside", "anon-tilgaengelighed", "anon-kiosk", "anon-findes-ikke"} <= names
    assert_clean(screens)


def test_the_accessibility_statement_follows_the_official_structure(new_context):
    page = new_context(TABLET).new_page()
    page.goto("/tilgaengelighed")
    headings = page.locator("h2").all_inner_texts()
    assert headings == [
        "Overholdelsesstatus",
        "Indhold, der ikke er tilgængeligt",
        "Udarbejdelse af denne tilgængelighedserklæring",
        "Feedback og kontaktoplysninger",
        "Håndhævelsesprocedure",
    ]
    assert page.locator("a[href^='mailto:']").count() == 1
    assert "Digitaliseringsstyrelsen" in page.inner_text("main")


def log_in_as_demo_admin(page, live_server) -> None:
    """Through the real sign-in form, so whatever the staff session keeps is set as in use."""
    from ordet.demo import DEMO_PASSWORD

    with live_server.app.test_request_context():
        from flask import url_for

        login_url = url_for("auth.login")
    page.goto(login_url)
    page.fill("main input[type=email], main input[name=email]", "admin@demo.ordet.dk")
    page.fill("main input[type=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit], main form input[type=submit]")
    assert login_url not in page.url, "the demo admin could not sign in"


def test_every_staff_page_after_logging_in(new_context, live_server):
    app = live_server.app
    if "auth.login" not in app.view_functions:
        pytest.skip("no staff login yet (auth.login)")
    page = new_context(TABLET, touch=False).new_page()
    log_in_as_demo_admin(page, live_server)
    start = [p for p in parameterless_get_paths(app) if p.startswith("/staff")]
    queue, seen, screens = [urljoin(live_server.url, p) for p in start], set(), []
    per_endpoint: Counter = Counter()
    while queue and len(seen) < MAX_STAFF_PAGES:
        url = queue.pop(0).split("#")[0]
        if url in seen or SKIP_LINK.search(url):
            continue
        endpoint = endpoint_of(app, url)
        # Two pages per route are enough: the others are the same template with other data.
        if per_endpoint[endpoint] >= PAGES_PER_ROUTE or not _is_html(page, url):
            continue
        per_endpoint[endpoint] += 1
        seen.add(url)
        page.goto(url)
        if "/log-ind" in page.url and "/log-ind" not in url:
            raise AssertionError(f"{url} sent the signed-in admin to the login page")
        screens.append(audit(page, f"staff-{_name(page.url)}-{len(seen)}"))
        links = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.href)")
        queue += [u for u in links if u.startswith(live_server.url + "/staff")]
    assert screens
    assert_clean(screens)


def _link_token(live_server) -> str:
    """A fresh pårørende link to the browser test tilbud (the invitations models, directly)."""
    from ordet.invitations.models import Invitation, InvitationToken

    token = new_token()
    with live_server.app.app_context():
        tilbud_id = live_server.app.config["BROWSER_TILBUD"]["paaroerende"]
        from ordet.rounds.models import RoundTilbud

        round_id = db.session.scalar(db.select(RoundTilbud.round_id).filter_by(tilbud_id=tilbud_id))
        invitation = Invitation(
            round_id=round_id,
            tilbud_id=tilbud_id,
            email="paaroerende@example.dk",
            invited_on=date.today(),
        )
        invitation.tokens.append(InvitationToken(token_hash=hash_secret(token)))
        db.session.add(invitation)
        db.session.commit()
    return token


def test_the_paaroerende_link_on_a_phone(new_context, live_server):
    if "link.start" not in live_server.app.view_functions:
        pytest.skip("no pårørende link pages yet (link.start)")
    page = new_context(PHONE).new_page()
    walker = Walker(page, "tap")
    walker.goto(f"/s/{_link_token(live_server)}")
    screens = [audit(page, "link-start", respondent=True, html=walker.html())]
    for _ in range(3):  # the link's own welcome screen(s), then the shared /svar screens
        if re.search(r"/svar/\d+$", page.url):
            break
        walker.hit("main a.button.primary, main button.primary")
        screens.append(audit(page, f"link-{_name(page.url)}", True, walker.html()))

    def measure(name: str) -> None:
        screen = audit(page, f"link-{name}", respondent=True, html=walker.html())
        screen.problems["targets"] = checks.small_targets(page)
        screen.problems["scroll"] = checks.horizontal_scroll(page)
        screenshot(page, f"phone-link-{name}")
        screens.append(screen)

    names = answer_all(walker, measure)
    assert names[-1] == "thanks"
    assert_clean(screens)
