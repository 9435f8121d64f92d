"""Flask-WTF's CSRF protection, as shipped, refusing each forged or stale token."""

import time

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from ordet.extensions import db
from ordet.kiosk.models import Device
from tests.factories import csrf_from, enrolment_code, make_tilbud

SALT = "wtf-csrf-token"  # Flask-WTF's


class _SignedLongAgo(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(time.time()) - 7200


# Each case: the token a request sends, given the page's token and the app's secret.
FORGED = {
    "no token": lambda token, secret: None,
    "an empty token": lambda token, secret: "",
    "a made-up token": lambda token, secret: "forfalsket",
    "a token with its signature changed": lambda token, secret: token[:-2] + "xx",
    "a token signed with another secret": lambda token, secret: URLSafeTimedSerializer(
        "another-secret", salt=SALT
    ).dumps("0" * 40),
    "another session's token": lambda token, secret: URLSafeTimedSerializer(
        secret, salt=SALT
    ).dumps("0" * 40),
    "a token older than the time limit": lambda token, secret: URLSafeTimedSerializer(
        secret, salt=SALT, signer=_SignedLongAgo
    ).dumps("0" * 40),
}


def _enrol(client, token_for) -> int:
    page = client.get("/kiosk/tilmeld")
    token = csrf_from(page.text)
    form = {"code": enrolment_code(make_tilbud()), "label": "Test"}
    sent = token_for(token, client.application.secret_key)
    if sent is not None:
        form["csrf_token"] = sent
    return client.post("/kiosk/tilmeld", data=form).status_code


@pytest.mark.parametrize("case", FORGED)
def test_a_forged_or_stale_token_changes_nothing(app, client, case):
    assert _enrol(client, FORGED[case]) == 400
    assert db.session.query(Device).count() == 0


def test_the_pages_own_token_is_accepted(app, client):
    assert _enrol(client, lambda token, secret: token) == 302
    assert db.session.query(Device).count() == 1


def test_a_token_from_another_browser_is_refused(app, client):
    other = app.test_client()
    stolen = csrf_from(other.get("/kiosk/tilmeld").text)
    assert _enrol(client, lambda token, secret: stolen) == 400
    assert db.session.query(Device).count() == 0


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
