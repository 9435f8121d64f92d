"""With ORDET_REDIS_URL, several app servers share one rate limit (a real redis-server)."""

import shutil

import pytest

from ordet import create_app
from ordet.auth.models import ADMIN
from ordet.extensions import db, limiter

from .conftest import IsolatedClient, config_for
from .factories import csrf_from, make_organisation
from .redis_server import REQUIRE_REDIS, running_redis
from .staff_helpers import make_user


def app_server(redis_url, tmp_path):
    config = config_for(f"sqlite:///{tmp_path / 'shared.sqlite'}", tmp_path)
    app = create_app({**config, "RATELIMIT_STORAGE_URI": redis_url})
    app.test_client_class = IsolatedClient
    with app.app_context():
        db.create_all()
    return app


def wrong_code(client):
    page = client.get("/kiosk/tilmeld")
    return client.post(
        "/kiosk/tilmeld", data={"code": "AAAAA-BBBBB", "csrf_token": csrf_from(page.text)}
    ).status_code


def test_two_app_servers_share_the_enrolment_limit_through_redis(redis_url, tmp_path):
    first, second = app_server(redis_url, tmp_path), app_server(redis_url, tmp_path)
    one, two = first.test_client(), second.test_client()
    statuses = [wrong_code(one) for _ in range(6)] + [wrong_code(two) for _ in range(4)]
    assert statuses == [400] * 10  # a wrong code: the form says so
    assert wrong_code(two) == 429
    assert wrong_code(one) == 429
    for app in (first, second):
        with app.app_context():
            db.engine.dispose()


def test_with_redis_away_the_pages_answer_and_the_limits_still_count(tmp_path):
    """Redis stopped under a running app: sign-in and enrolment give their own pages (never a
    500), and each process goes on counting in its own memory until Redis is back."""
    if shutil.which("redis-server") is None:
        if REQUIRE_REDIS:
            pytest.fail("ORDET_REQUIRE_REDIS=1 but redis-server is not on PATH")
        pytest.skip("redis-server not installed")
    try:
        with running_redis(tmp_path) as url:
            app = app_server(url, tmp_path)
            client = app.test_client()
            assert wrong_code(client) == 400  # counted in Redis
        # Redis is gone now: the process counts anew in its memory.
        assert [wrong_code(client) for _ in range(10)] == [400] * 10
        assert wrong_code(client) == 429
        with app.app_context():
            make_user("a@test.dk", ADMIN, make_organisation())
            db.session.commit()
        for _ in range(10):
            assert sign_in(client, "a@test.dk").status_code == 400
        refused = sign_in(client, "a@test.dk")
        assert refused.status_code == 429 and "Der er prøvet for mange gange" in refused.text
        with app.app_context():
            db.engine.dispose()
    finally:
        # The extension is one object for every app of the test run, and it remembers that
        # its storage died; production has one app per process.
        limiter._storage_dead = False


def sign_in(client, email):
    page = client.get("/staff/log-ind")
    form = {"email": email, "password": "forkert-kode", "csrf_token": csrf_from(page.text)}
    return client.post("/staff/log-ind", data=form)
