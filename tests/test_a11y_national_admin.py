"""The national level's management and rollout pages (issue 21) audited in Chromium as the
demo's platform administrator and national analyst: axe, CSP habits, the HTML checker."""

import pytest

from .browser import TABLET
from .test_a11y_pages import assert_clean, audit

pytestmark = pytest.mark.browser
PAGES = {
    "platform@demo.ordet.dk": [
        "/staff/landsplan/udrulning",
        "/staff/landsplan/runder",
        "/staff/landsplan/institutioner",
        "/staff/landsplan/analytikere",
    ],
    # An operator's round form, with the "Landsdækkende runde" select.
    "region-sjaelland@demo.ordet.dk": ["/staff/runder/ny"],
    "landsanalytiker@demo.ordet.dk": ["/staff/landsplan/udrulning", "/staff/"],
}


def _log_in(page, email: str) -> None:
    from ordet.demo import DEMO_PASSWORD

    page.goto("/staff/log-ind")
    page.fill("main input[name=email]", email)
    page.fill("main input[type=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "/log-ind" not in page.url, f"{email} could not sign in"


@pytest.mark.parametrize("email", sorted(PAGES))
def test_the_national_pages_are_accessible(new_context, live_server, email):
    page = new_context(TABLET, touch=False).new_page()
    _log_in(page, email)
    screens = []
    for path in PAGES[email]:
        response = page.goto(path)
        assert response.status == 200, f"{path}: {response.status}"
        screens.append(audit(page, f"national-{email.split('@')[0]}-{path.strip('/')}"))
    if email.startswith("platform"):
        # A refused form: the error summary and the field's message.
        page.goto("/staff/landsplan/institutioner")
        with page.expect_navigation():
            page.click("main button:has-text('Tilføj til udrulningen')")
        assert "Vælg et tilbud." in page.inner_text("main")
        screens.append(audit(page, "national-institution-refused"))
    assert_clean(screens)
