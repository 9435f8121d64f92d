"""The CSRF check: Flask-WTF's verdicts on Flask-WTF's tokens, with a serializer kept per secret."""

import time

import pytest
from flask import Flask, session
from flask_wtf import csrf as flask_wtf_csrf
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from wtforms import ValidationError

from ordet.csrf import SALT, CSRFProtect
from ordet.extensions import db
from ordet.kiosk.models import Device
from tests.factories import csrf_from, enrolment_code, make_tilbud


class _SignedLongAgo(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(time.time()) - 7200


def _token_signed_long_ago(secret: str, raw: str) -> str:
    serializer = URLSafeTimedSerializer(secret, salt=SALT, signer=_SignedLongAgo)
    return serializer.dumps(raw)


# Each case: what the request sends, given this session's token and the app's secret.
CASES = {
    "this session's token": lambda token, raw, secret: token,
    "no token": lambda token, raw, secret: None,
    "an empty token": lambda token, raw, secret: "",
    "a forged token": lambda token, raw, secret: "forfalsket",
    "a token with its signature changed": lambda token, raw, secret: token[:-2] + "xx",
    "a token signed with another secret": lambda token, raw, secret: URLSafeTimedSerializer(
        "another-secret", salt=SALT
    ).dumps(raw),
    "another session's token": lambda token, raw, secret: URLSafeTimedSerializer(
        secret, salt=SALT
    ).dumps("0" * 40),
    "a token older than the time limit": lambda token, raw, secret: _token_signed_long_ago(
        secret, raw
    ),
}


def _verdict(check, data) -> str:
    try:
        check(data)
    except ValidationError as refusal:
        return refusal.args[0]
    return "accepted"


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("session_has_token", [True, False])
def test_each_token_gets_flask_wtfs_verdict(case, session_has_token):
    app = Flask(__name__)
    app.secret_key = "test-secret"
    app.config["WTF_CSRF_TIME_LIMIT"] = 3600
    ours = CSRFProtect(app)
    with app.test_request_context("/"):
        token = flask_wtf_csrf.generate_csrf()
        raw = session["csrf_token"]
        if not session_has_token:
            del session["csrf_token"]
        data = CASES[case](token, raw, app.secret_key)
        theirs = _verdict(flask_wtf_csrf.validate_csrf, data)
        assert _verdict(ours.validate, data) == theirs
        # Twice: the kept serializer gives the second check the same verdict.
        assert _verdict(ours.validate, data) == theirs
    if case == "this session's token" and session_has_token:
        assert theirs == "accepted"
    else:
        assert theirs != "accepted"


def test_a_new_secret_key_is_used_at_once():
    app = Flask(__name__)
    app.secret_key = "first-secret"
    ours = CSRFProtect(app)
    with app.test_request_context("/"):
        first = flask_wtf_csrf.generate_csrf()
        assert _verdict(ours.validate, first) == "accepted"
        app.secret_key = "second-secret"
        assert _verdict(ours.validate, first) == "The CSRF token is invalid."


def _enrol_over_https(client, headers: dict) -> int:
    page = client.get("/kiosk/tilmeld", base_url="https://ordet.example")
    code = enrolment_code(make_tilbud())
    form = {"code": code, "label": "Test", "csrf_token": csrf_from(page.text)}
    return client.post(
        "/kiosk/tilmeld", data=form, base_url="https://ordet.example", headers=headers
    ).status_code


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 400),
        ({"Referer": "https://evil.example/kiosk/tilmeld"}, 400),
        ({"Referer": "http://ordet.example/kiosk/tilmeld"}, 400),
        ({"Referer": "https://ordet.example/kiosk/tilmeld"}, 302),
    ],
)
def test_over_https_a_form_is_accepted_only_from_its_own_site(app, client, headers, status):
    assert _enrol_over_https(client, headers) == status
    assert (db.session.query(Device).count() == 1) is (status == 302)
