"""Fixtures: the app on SQLite and on PostgreSQL, clients, and the real parts the tests use."""

import contextvars
import os

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text

from ordet import create_app
from ordet.extensions import db, limiter

from . import kiosk_helpers, postgres
from .browser import _playwright_browser, browser, live_server, new_context  # noqa: F401
from .factories import enrol, make_round, make_tilbud
from .redis_server import redis_url  # noqa: F401

REQUIRE_POSTGRES = os.environ.get("ORDET_REQUIRE_POSTGRES") == "1"
ENGINES = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def postgres_url():
    """A PostgreSQL URL: given, or a throwaway cluster; None when neither can be had."""
    given = os.environ.get("ORDET_TEST_DATABASE_URL")
    if given:
        yield given
        return
    if not postgres.available():
        if REQUIRE_POSTGRES:
            pytest.fail("ORDET_REQUIRE_POSTGRES=1 but initdb/pg_ctl are not on PATH")
        yield None
        return
    cluster = postgres.Cluster().start()
    yield cluster.url
    cluster.stop()


@pytest.fixture(params=ENGINES)
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite'}"
    url = request.getfixturevalue("postgres_url")
    if url is None:
        pytest.skip("PostgreSQL binaries not found (CI sets ORDET_REQUIRE_POSTGRES=1)")
    return url


def config_for(database_url: str, tmp_path) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        # Tests send several responses from one tablet within a second, which the real limit
        # refuses; test_tablet_limit.py turns it on.
        "KIOSK_MIN_SECONDS_BETWEEN_RESPONSES": 0,
    }


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(config_for(database_url, tmp_path))
    with app.app_context():
        _fresh_schema()
        limiter.reset()
        yield app
        db.session.remove()
        db.engine.dispose()


def _fresh_schema() -> None:
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    db.create_all()


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, as in production, not the test's.

    Without this, Flask reuses the test's app context: ``g`` and the database session would
    leak from one request into the next and hide bugs.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def tablet(client, app):
    """An enrolled tablet of a tilbud with an open round, at the start of a questionnaire."""
    unit = make_tilbud()
    make_round([unit])
    db.session.commit()
    enrol(client, unit)
    kiosk_helpers.start(client)
    return client


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
