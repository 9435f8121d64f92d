"""The session cookie: Flask's format, so a tablet keeps its place across a deploy of this code."""

import time

import pytest
from flask import Flask, request, session
from flask.sessions import SecureCookieSessionInterface
from markupsafe import Markup

from ordet.session_cookie import SessionInterface

RESPONDENT = {
    "respondent": {"channel": "kiosk", "key": "k" * 43, "seen": 1795770306.5, "extra": {}},
    "lang": "en",
    "csrf_token": "c" * 40,
}


@pytest.fixture
def plain_app():
    app = Flask(__name__)
    app.secret_key = "test-secret"
    return app


def cookie_from(app: Flask, interface, data: dict) -> str:
    with app.test_request_context("/"):
        for key, value in data.items():
            session[key] = value
        response = app.response_class()
        interface.save_session(app, session, response)
    return response.headers["Set-Cookie"].split(";", 1)[0].split("=", 1)[1]


def read(app: Flask, interface, cookie: str) -> dict:
    with app.test_request_context("/", headers={"Cookie": f"session={cookie}"}):
        return dict(interface.open_session(app, request))


@pytest.mark.parametrize(
    "data",
    [
        RESPONDENT,
        # Tagged values (a flashed Danish message, a tuple) come back as they went in.
        {"_flashes": [("info", Markup("Gemt <b>æøå</b>"))], "pair": (1, "to")},
        {"note": '" leading space and a quote', " spaced key": "value"},
        # A dict that looks like a tagged value is itself tagged, nested or not.
        {"looks_tagged": {" t": [1, 2]}, "nested": {"list": [{"ok": True, "n": None}]}},
    ],
)
def test_cookies_written_by_either_interface_read_the_same(plain_app, data):
    ours, flasks = SessionInterface(), SecureCookieSessionInterface()
    assert read(plain_app, flasks, cookie_from(plain_app, ours, data)) == data
    assert read(plain_app, ours, cookie_from(plain_app, flasks, data)) == data
    assert read(plain_app, ours, cookie_from(plain_app, ours, data)) == data


def test_an_untagged_session_is_written_as_flask_writes_it(plain_app):
    ours, flasks = SessionInterface(), SecureCookieSessionInterface()
    with plain_app.app_context():
        assert ours.serializer.dumps(RESPONDENT) == flasks.serializer.dumps(RESPONDENT)


def test_a_tampered_or_foreign_cookie_is_an_empty_session(plain_app):
    ours = SessionInterface()
    cookie = cookie_from(plain_app, ours, RESPONDENT)
    payload, timestamp, signature = cookie.split(".")
    forged = cookie_from(plain_app, ours, {**RESPONDENT, "lang": "da"}).split(".")[0]
    assert read(plain_app, ours, f"{forged}.{timestamp}.{signature}") == {}
    assert read(plain_app, ours, cookie[:-2] + ("AA" if cookie[-2:] != "AA" else "BB")) == {}
    other = Flask(__name__)
    other.secret_key = "another-secret"
    assert read(plain_app, ours, cookie_from(other, ours, RESPONDENT)) == {}


def test_a_rotated_key_still_reads_old_cookies_and_signs_with_the_new(plain_app):
    ours = SessionInterface()
    old_cookie = cookie_from(plain_app, ours, RESPONDENT)
    plain_app.config["SECRET_KEY_FALLBACKS"] = ["test-secret"]
    plain_app.secret_key = "new-secret"
    assert read(plain_app, ours, old_cookie) == RESPONDENT
    new_cookie = cookie_from(plain_app, ours, RESPONDENT)
    plain_app.config["SECRET_KEY_FALLBACKS"] = []
    assert read(plain_app, ours, new_cookie) == RESPONDENT
    assert read(plain_app, ours, old_cookie) == {}


def test_an_expired_cookie_is_an_empty_session(plain_app, monkeypatch):
    ours = SessionInterface()
    cookie = cookie_from(plain_app, ours, RESPONDENT)
    lifetime = plain_app.permanent_session_lifetime.total_seconds()
    later = time.time() + lifetime + 10
    monkeypatch.setattr(time, "time", lambda: later)
    assert read(plain_app, ours, cookie) == {}
