"""Real-browser fixtures: a live server on a temp SQLite file and Debian's Chromium via Playwright.

One Chromium per test session, a fresh context (cookies, viewport) per test. Never
`playwright install`: downloads fail on these machines; Chromium comes from apt (`make test`).
Without Chromium the browser tests skip locally and fail when ``ORDET_REQUIRE_BROWSER=1`` (CI).
"""

import os
import shutil
import threading
from datetime import date
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from ordet import create_app
from ordet.extensions import db
from ordet.kiosk import services as kiosk_services
from ordet.kiosk.channel import COOKIE_NAME

CHROMIUM = os.environ.get("ORDET_CHROMIUM", "/usr/bin/chromium")
REQUIRE_BROWSER = os.environ.get("ORDET_REQUIRE_BROWSER") == "1"
# A11Y.md: without the networking flags Chromium keeps trying hosts that are closed here.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
OUTPUT = Path(__file__).resolve().parent.parent / "test-output"
SCREENSHOTS = OUTPUT / "screenshots"
TABLET = {"width": 1024, "height": 768}
TABLET_PORTRAIT = {"width": 768, "height": 1024}
PHONE = {"width": 390, "height": 844}
# 200 % browser zoom of a 1024x768 tablet: the same CSS pixels as a 512x384 viewport at scale 2.
ZOOM_200 = {"width": 512, "height": 384}


def chromium_missing() -> str | None:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (`make test` installs it with apt)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (`make install`)"
    return None


def _closing(app):
    """The app, with its response closed however the serving ends. werkzeug's development
    server drops a response it was writing when the browser goes away mid-body (a page
    navigating while a script still downloads) without closing it, so its open static file
    is only found by the garbage collector (a ResourceWarning); gunicorn closes it."""

    def serve(environ, start_response):
        body = app(environ, start_response)
        try:
            yield from body
        finally:
            if hasattr(body, "close"):
                body.close()

    return serve


class LiveServer:
    """The app served by werkzeug on 127.0.0.1 and a free port, in a thread."""

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, _closing(app), threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> "LiveServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)

    def tablet_cookie(self, tilbud_id: int) -> dict:
        """A freshly enrolled kiosk tablet of ``tilbud_id``, as a cookie for a browser context."""
        from ordet.org.models import Tilbud

        with self.app.app_context():
            tilbud = db.session.get(Tilbud, tilbud_id)
            code = kiosk_services.create_enrolment_code(tilbud, date.today(), days=14)
            device, secret = kiosk_services.enrol(code, date.today(), "Browsertest")
            db.session.commit()
            value = kiosk_services.cookie_value(self.app.config["SECRET_KEY"], device, secret)
        return {"name": COOKIE_NAME, "value": value, "url": self.url}


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The app with demo data plus one tilbud per questionnaire variant, served for real.

    SQLite only: the live server builds its own app, so the engine parametrisation of the
    `app` fixture would only run the same browser walk twice.
    """
    from ordet import demo

    from . import factories

    folder = tmp_path_factory.mktemp("live")
    config = dict(
        SECRET_KEY="browser-test-secret",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'live.sqlite'}",
        MAIL_OUTBOX_DIR=str(folder / "outbox"),
        TESTING=False,  # errors render as the real error pages
        RATELIMIT_ENABLED=False,
        KIOSK_THANKS_SECONDS=3600,  # the thanks test lowers it; audits must not race a redirect
        READ_ALOUD_AUDIO_DIR=str(folder / "audio"),
    )
    app = create_app(config)
    with app.app_context():
        db.create_all()
        demo.seed(app.config["SECRET_KEY"], date.today())
        tilbud = {
            variant: factories.make_tilbud(name=f"Bostedet Browser ({variant})", variant=variant)
            for variant in ("borger", "unge", "paaroerende")
        }
        factories.make_round(list(tilbud.values()))
        db.session.commit()
        app.config["BROWSER_TILBUD"] = {variant: unit.id for variant, unit in tilbud.items()}
    server = LiveServer(app).start()
    yield server
    server.stop()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def _playwright_browser():
    missing = chromium_missing()
    if missing:
        if REQUIRE_BROWSER:
            pytest.fail(f"ORDET_REQUIRE_BROWSER=1 but {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def browser(_playwright_browser):
    """The session's Chromium; make contexts with :func:`new_context` (closed after the test)."""
    return _playwright_browser


@pytest.fixture
def new_context(browser, live_server):
    """Factory for browser contexts at a viewport, optionally enrolled as a kiosk tablet."""
    contexts = []

    def make(viewport=TABLET, variant: str | None = None, touch=True, **options):
        context = browser.new_context(
            viewport=viewport,
            has_touch=touch,
            locale="da-DK",
            base_url=live_server.url,
            **options,
        )
        context.set_default_timeout(15_000)
        if variant:
            tilbud_id = live_server.app.config["BROWSER_TILBUD"][variant]
            context.add_cookies([live_server.tablet_cookie(tilbud_id)])
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> None:
    """Save the whole screen for a person to look at (test-output/ is gitignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
