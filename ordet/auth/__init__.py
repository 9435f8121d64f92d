"""Staff users, their roles over a scope, and sign-in."""

from flask import Flask

# Defaults for the settings sign-in reads; instance/config.py or test config may override.
DEFAULTS = {
    # Per account (the email typed) and per client address; "N per minute|hour|second".
    "LOGIN_RATE_LIMIT_ACCOUNT": "10 per minute",
    "LOGIN_RATE_LIMIT_ADDRESS": "30 per minute",
    "RESET_RATE_LIMIT_ACCOUNT": "3 per hour",
    "RESET_RATE_LIMIT_ADDRESS": "20 per hour",
    "KIOSK_PIN_RATE_LIMIT_ACCOUNT": "5 per 15 minutes",
    "KIOSK_PIN_RATE_LIMIT_ADDRESS": "20 per 15 minutes",
    # Sign-ins started or answered through an organisation's IdP, per client address.
    "SSO_RATE_LIMIT": "30 per minute",
    "STAFF_IDLE_MINUTES": 30,
    "PASSWORD_RESET_MINUTES": 60,
    "INVITE_DAYS": 7,
    "MAIL_OUTBOX_DIR": None,  # None: <instance>/outbox
}


def init_auth(app: Flask) -> None:
    """Settings, the sign-in blueprint, Flask-Login's messages and the idle timeout."""
    from flask_babel import lazy_gettext as _l

    from ..extensions import login_manager
    from . import login  # noqa: F401  (registers the user loader)
    from .session import enforce_idle_timeout
    from .sso import admin_views  # noqa: F401  (the admin page's routes)
    from .sso.views import bp as sso_bp
    from .views import bp

    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Log ind for at se siden.")
    login_manager.login_message_category = "info"
    app.register_blueprint(bp)
    app.register_blueprint(sso_bp)
    app.before_request(enforce_idle_timeout)
