"""Ordet er dit: the application factory."""

import os
from typing import Any

from flask import Flask

from . import config, database, limit_storage
from .extensions import babel, csrf, db, limiter, login_manager, migrate


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(config.DefaultConfig)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.update(config.from_environment())
    else:
        app.config.update(test_config)
    # Several gunicorn workers counting rate limits each in its own memory: refuse to start.
    limit_storage.check(app.config)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.setdefault(
        "SQLALCHEMY_DATABASE_URI", f"sqlite:///{os.path.join(app.instance_path, 'ordet.sqlite')}"
    )
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = config.engine_options(app.config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config.local_secret_key(app.instance_path)

    from . import models  # noqa: F401  (every table known to SQLAlchemy and Alembic)
    from .web import init_web

    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, render_as_batch=True)
    babel.init_app(app, locale_selector=_select_locale)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    init_web(app)

    from .cli import register_commands

    register_commands(app)
    return app


def _select_locale() -> str:
    from .web import current_language

    return current_language()
