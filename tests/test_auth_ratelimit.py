"""Sign-in attempts are limited per account and per address, with a Danish message.

The window reset advances the clock of the limiter's memory storage by a minute (the
``limits`` package reads ``time.time()`` through its module): deterministic, no sleep, and
the real limiter and storage do the counting. Limits are settings
(``LOGIN_RATE_LIMIT_ACCOUNT`` / ``_ADDRESS``).
"""

import time

import limits.storage.memory

from ordet.auth.models import ADMIN

from .factories import make_organisation
from .staff_helpers import PASSWORD, make_user, post_form, token_in

REFUSED = "Der er prøvet for mange gange"


def _attempt(client, email, password="forkert-kode"):  # noqa: S107
    return post_form(client, "/staff/log-ind", {"email": email, "password": password})


def test_eleventh_attempt_within_a_minute_is_refused(app, client):
    org = make_organisation()
    make_user("a@test.dk", ADMIN, org)
    for _ in range(10):
        assert _attempt(client, "a@test.dk").status_code == 400
    refused = _attempt(client, "a@test.dk", PASSWORD)  # even the right password
    assert refused.status_code == 429
    assert REFUSED in refused.text and "prøv igen kl." in refused.text
    assert client.get("/staff/").status_code == 302
    # Another account from the same address is not locked out by this one.
    other = _attempt(client, "b@test.dk")
    assert other.status_code == 400


def test_the_account_limit_holds_across_addresses(app, client):
    org = make_organisation()
    make_user("a@test.dk", ADMIN, org)
    for n in range(10):
        page = client.get("/staff/log-ind")
        client.post(
            "/staff/log-ind",
            data={"csrf_token": token_in(page.text), "email": "a@test.dk", "password": "x"},
            environ_base={"REMOTE_ADDR": f"10.0.0.{n}"},
        )
    page = client.get("/staff/log-ind")
    refused = client.post(
        "/staff/log-ind",
        data={"csrf_token": token_in(page.text), "email": "A@test.dk", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.1.1"},
    )
    assert refused.status_code == 429


def test_per_address_limit(app, client):
    app.config["LOGIN_RATE_LIMIT_ADDRESS"] = "3 per minute"
    for n in range(3):
        assert _attempt(client, f"u{n}@test.dk").status_code == 400
    assert _attempt(client, "u9@test.dk").status_code == 429


class _Clock:
    """Stands in for the ``time`` module inside limits' memory storage only."""

    def __init__(self):
        self.offset = 0.0

    def time(self) -> float:
        return time.time() + self.offset


def test_limit_resets_after_the_window(app, client, monkeypatch):
    clock = _Clock()
    monkeypatch.setattr(limits.storage.memory, "time", clock)
    org = make_organisation()
    make_user("a@test.dk", ADMIN, org)
    for _ in range(10):
        assert _attempt(client, "a@test.dk").status_code == 400
    assert _attempt(client, "a@test.dk", PASSWORD).status_code == 429
    clock.offset = 61
    assert _attempt(client, "a@test.dk", PASSWORD).status_code == 302


def test_forgotten_password_is_limited_too(app, client):
    for _ in range(3):
        assert (
            post_form(client, "/staff/glemt-adgangskode", {"email": "x@test.dk"}).status_code == 200
        )
    refused = post_form(client, "/staff/glemt-adgangskode", {"email": "x@test.dk"})
    assert refused.status_code == 429 and REFUSED in refused.text
