"""A busy or unavailable database: the kiosk waits, or asks to retry and keeps the answer."""

import re
import sqlite3
import threading

import pytest

from ordet import create_app
from ordet.answering.models import Answer
from ordet.extensions import db, limiter

from . import kiosk_helpers as kiosk
from .conftest import IsolatedClient, config_for
from .factories import csrf_from, enrol, make_round, make_tilbud

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


@pytest.fixture
def sqlite_app(tmp_path, request):
    path = tmp_path / "busy.sqlite"
    config = config_for(f"sqlite:///{path}", tmp_path)
    app = create_app({**config, "SQLITE_BUSY_TIMEOUT": request.param})
    app.test_client_class = IsolatedClient
    with app.app_context():
        db.create_all()
        limiter.reset()
        tilbud = make_tilbud(name="Bostedet Travl")
        make_round([tilbud])
        db.session.commit()
        client = app.test_client()
        enrol(client, tilbud)
        kiosk.start(client)
        yield app, client, path
        db.session.remove()
        db.engine.dispose()


def hold_write_lock(path):
    """Another process's writer: BEGIN IMMEDIATE takes SQLite's one write lock."""
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    return other


def stored_answers():
    db.session.expire_all()
    return {a.question_key: a.value for a in db.session.scalars(db.select(Answer))}


@pytest.mark.parametrize("sqlite_app", [30.0], indirect=True)
def test_a_busy_sqlite_database_makes_the_save_wait_not_fail(sqlite_app):
    app, client, path = sqlite_app
    page, key = kiosk.question_page(client, 1)
    other = hold_write_lock(path)
    release = threading.Timer(0.5, other.commit)
    release.start()
    try:
        response = client.post(
            "/svar/1", data={"csrf_token": csrf_from(page.text), "question": key, "value": "ja"}
        )
    finally:
        release.join()
        other.close()
    assert response.status_code == 302
    assert stored_answers() == {key: "ja"}


@pytest.mark.parametrize("sqlite_app", [0.05], indirect=True)
def test_unavailable_database_keeps_the_answer_on_the_page_and_retry_succeeds(sqlite_app):
    app, client, path = sqlite_app
    page, key = kiosk.question_page(client, 1)
    other = hold_write_lock(path)
    try:
        data = {"csrf_token": csrf_from(page.text), "question": key, "value": "ja"}
        failed = client.post("/svar/1", data={**data, "action": "next"})
    finally:
        other.rollback()
        other.close()
    assert failed.status_code == 503
    assert "Prøv igen om lidt" in failed.text
    kept = dict(HIDDEN.findall(failed.text))
    assert kept["value"] == "ja" and kept["question"] == key
    assert 'name="action" value="next"' in failed.text
    assert stored_answers() == {}

    retried = client.post("/svar/1", data={**kept, "action": "next"})
    assert retried.status_code == 302 and retried.location.endswith("/svar/2")
    assert stored_answers() == {key: "ja"}
