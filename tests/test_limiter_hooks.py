"""The limiter's app-wide hooks are skipped for the question screens only."""

import pytest
from flask import Blueprint, Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from ordet.limiter_hooks import skip_limiter_hooks


def app_with_default_limit() -> Flask:
    app = Flask(__name__)
    limiter = Limiter(
        get_remote_address, app=app, default_limits=["1 per minute"], storage_uri="memory://"
    )
    for name in ("skipped", "limited"):
        bp = Blueprint(name, __name__, url_prefix=f"/{name}")
        bp.add_url_rule("/", name, lambda: "ok")
        app.register_blueprint(bp)
    skip_limiter_hooks(app, limiter, {"skipped"})
    return app


def test_skipped_blueprints_are_not_limited_and_the_others_still_are():
    client = app_with_default_limit().test_client()
    assert [client.get("/skipped/").status_code for _ in range(3)] == [200, 200, 200]
    assert [client.get("/limited/").status_code for _ in range(2)] == [200, 429]


def test_an_upgrade_that_moves_the_hooks_is_noticed_at_startup():
    with pytest.raises(RuntimeError, match="hooks not found"):
        skip_limiter_hooks(
            Flask(__name__), Limiter(get_remote_address, storage_uri="memory://"), {"skipped"}
        )


def test_a_switched_off_limiter_has_nothing_to_skip():
    app = Flask(__name__)
    app.config["RATELIMIT_ENABLED"] = False
    limiter = Limiter(get_remote_address, app=app, storage_uri="memory://")
    skip_limiter_hooks(app, limiter, {"skipped"})
    assert app.before_request_funcs.get(None, []) == []
