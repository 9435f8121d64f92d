"""The national page and an operator's page with "Landsplan", audited in Chromium (axe, CSP
habits, the footer link, no page-wide horizontal scroll), on a server of their own: the shared
live server's demo has no national round to show."""

import pytest

from ordet import create_app
from ordet.auth.models import ADMIN, Grant, User
from ordet.extensions import db

from . import a11y_checks as checks
from . import national_data
from .browser import TABLET, LiveServer, screenshot
from .staff_helpers import PASSWORD
from .test_a11y_pages import assert_clean, audit

pytestmark = pytest.mark.browser


@pytest.fixture
def national_server(tmp_path):
    app = create_app(
        {
            "SECRET_KEY": "national-a11y",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'national.sqlite'}",
            "TESTING": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        db.create_all()
        world = national_data.build()
        org = world.organisations["Region Øst"]
        # The platform administrator reads the national pages (a national analyst's password
        # sign-in needs the rollout branch's fix of ``user_organisations``).
        for email, grants in (
            ("platform@a11y.dk", []),
            ("admin@a11y.dk", [Grant(role=ADMIN, organisation_id=org.id)]),
        ):
            user = User(email=email, name=email, language="da", platform_admin=not grants)
            user.set_password(PASSWORD)
            user.grants.extend(grants)
            db.session.add(user)
        db.session.commit()
        slugs = (world.national_round.slug, world.rounds["Region Øst"].slug, org.id)
    server = LiveServer(app).start()
    yield server, slugs
    server.stop()
    with app.app_context():
        db.engine.dispose()


def sign_in(page, email: str) -> None:
    page.goto("/staff/log-ind")
    page.fill("main input[name=email]", email)
    page.fill("main input[type=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def test_national_pages_are_accessible(browser, national_server):
    server, (national_slug, round_slug, operator) = national_server
    screens = []
    for email, paths in (
        (
            "platform@a11y.dk",
            [
                "/staff/landsplan/",
                f"/staff/landsplan/{national_slug}/",
                f"/staff/landsplan/{national_slug}/?tema=tryghed&operatoer={operator}",
            ],
        ),
        ("admin@a11y.dk", [f"/staff/resultater/{round_slug}/unge/"]),
    ):
        context = browser.new_context(viewport=TABLET, locale="da-DK", base_url=server.url)
        page = context.new_page()
        sign_in(page, email)
        for path in paths:
            page.goto(path)
            assert "/log-ind" not in page.url
            screen = audit(page, f"national-{len(screens)}")
            screen.problems["scroll"] = checks.horizontal_scroll(page)
            screenshot(page, f"national-{len(screens)}")
            screens.append(screen)
        context.close()
    assert "Landsplan" in screens[-1].html
    assert_clean(screens)
