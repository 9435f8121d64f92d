"""With ORDET_REDIS_URL, several app servers share one rate limit (a real redis-server)."""

from ordet import create_app
from ordet.extensions import db

from .conftest import IsolatedClient, config_for
from .factories import csrf_from


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
