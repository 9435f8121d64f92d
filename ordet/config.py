"""Defaults. ``instance/config.py`` and ``ORDET_*`` environment variables override them."""

import os
import secrets
import sqlite3
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine

TRANSLATIONS = str(Path(__file__).resolve().parent.parent / "translations")


class DefaultConfig:
    BABEL_DEFAULT_LOCALE = "da"
    BABEL_TRANSLATION_DIRECTORIES = TRANSLATIONS
    BABEL_DEFAULT_TIMEZONE = "Europe/Copenhagen"
    LANGUAGES = ("da", "en")
    # Per gunicorn worker (sync workers use one connection at a time; the rest is headroom for
    # the mail worker and CLI). PostgreSQL's max_connections must exceed
    # servers × workers × (pool size + overflow).
    DB_POOL_SIZE = 5
    DB_MAX_OVERFLOW = 5
    DB_POOL_RECYCLE = 1800
    # SQLite: how long a writer waits for another writer before giving up (seconds).
    SQLITE_BUSY_TIMEOUT = 30.0
    # Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
    PROXY_FIX = 0
    # Kiosk forms are tiny; anything larger is malformed or hostile.
    MAX_CONTENT_LENGTH = 64 * 1024
    MAX_FORM_PARTS = 200
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = 24 * 3600  # a kiosk session outlives a browser restart
    # Only respondent sessions are permanent, and they change at least every few seconds while
    # in use (``answering.session.touch``): re-sending an unchanged cookie on every screen would
    # cost a signature per request for nothing.
    SESSION_REFRESH_EACH_REQUEST = False
    WTF_CSRF_TIME_LIMIT = (
        None  # a kiosk page may stay open for hours; the token lives with the session
    )
    # Seconds of inactivity before the kiosk warns, and how long the warning waits for "mere tid".
    KIOSK_IDLE_SECONDS = 120
    STAFF_LIVE_REFRESH_SECONDS = 60  # the live overview fetches its counts again this often
    KIOSK_WARNING_SECONDS = 30
    # Seconds the thank-you screen stays before the kiosk returns to Start.
    KIOSK_THANKS_SECONDS = 12
    KIOSK_COOKIE_DAYS = 5 * 365
    ENROLMENT_CODE_DAYS = 14
    FREE_TEXT_MAX = 2000
    ANONYMITY_THRESHOLD = 5
    MAIL_URL = None
    MAIL_FROM = "Ordet er dit <ordet-er-dit@rm.example>"
    MAIL_OUTBOX_DIR = None  # None: instance/outbox
    # The address respondents reach the site at; links in mail are built from it.
    PUBLIC_URL = "http://127.0.0.1:5000"
    # Days after a round closes before pårørende emails and names are deleted (``purge``).
    INVITATION_RETENTION_DAYS = 30
    # Days the audit log keeps an event (shown on /staff/log, deleted by ``purge``);
    # None keeps every event. Your organisation's logging policy sets it.
    AUDIT_RETENTION_DAYS: int | None = None
    INVITATION_UPLOAD_MAX_BYTES = 8 * 1024 * 1024
    ACCESSIBILITY_STATEMENT_URL = "/tilgaengelighed"
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = False
    # Redis away: count in each process's memory until it is back, never a server error
    # (``ordet.rate_counts`` does the same for the limits counted by hand).
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    KIOSK_ENROL_RATE_LIMIT = "10 per minute"
    # A tablet completes at most one response per this many seconds (0: no limit). Counted in
    # the rate-limit storage per enrolled tablet, never on the response (``kiosk.pace``).
    KIOSK_MIN_SECONDS_BETWEEN_RESPONSES = 60
    # The most responses a tablet may store at once beyond that rate (``kiosk.allowance``):
    # its allowance refills by one per KIOSK_MIN_SECONDS_BETWEEN_RESPONSES up to this many, and
    # every stored response spends one, online or from the offline outbox. An honest tablet
    # offline for days brings what the borgere who passed it answered: every borger answers
    # once a round, so a few a day in a common room, well under 50 over the grace period
    # below. What exceeds it is held back for staff, not stored.
    KIOSK_PACE_ALLOWANCE = 50
    # A response kept offline on a tablet is still stored when it arrives up to this many days
    # after its round closed, if the week it was answered in overlaps the round.
    KIOSK_OFFLINE_GRACE_DAYS = 14


ENV_SETTINGS = {
    "ORDET_DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "ORDET_SECRET_KEY": "SECRET_KEY",
    # Optional: the master key of the stored SSO secrets (else SECRET_KEY; DRIFT.md, step 12).
    "ORDET_SSO_SECRET_KEY": "SSO_SECRET_KEY",
    "ORDET_MAIL_URL": "MAIL_URL",
    "ORDET_MAIL_FROM": "MAIL_FROM",
    "ORDET_PUBLIC_URL": "PUBLIC_URL",
    "ORDET_REDIS_URL": "RATELIMIT_STORAGE_URI",
    "ORDET_ACCESSIBILITY_STATEMENT_URL": "ACCESSIBILITY_STATEMENT_URL",
    "ORDET_KIOSK_ENROL_RATE_LIMIT": "KIOSK_ENROL_RATE_LIMIT",
}
INT_SETTINGS = {
    "ORDET_PROXY_FIX": "PROXY_FIX",
    "ORDET_DB_POOL_SIZE": "DB_POOL_SIZE",
    "ORDET_DB_MAX_OVERFLOW": "DB_MAX_OVERFLOW",
    "ORDET_KIOSK_MIN_SECONDS_BETWEEN_RESPONSES": "KIOSK_MIN_SECONDS_BETWEEN_RESPONSES",
    "ORDET_KIOSK_PACE_ALLOWANCE": "KIOSK_PACE_ALLOWANCE",
    "ORDET_AUDIT_RETENTION_DAYS": "AUDIT_RETENTION_DAYS",
}


def from_environment() -> dict[str, str | int | bool]:
    """Settings given as ``ORDET_*`` variables, under their Flask names."""
    found: dict[str, str | int | bool] = {
        name: os.environ[var] for var, name in ENV_SETTINGS.items() if os.environ.get(var)
    }
    found.update(
        {name: int(os.environ[var]) for var, name in INT_SETTINGS.items() if os.environ.get(var)}
    )
    if os.environ.get("ORDET_SESSION_COOKIE_SECURE"):
        found["SESSION_COOKIE_SECURE"] = os.environ["ORDET_SESSION_COOKIE_SECURE"] == "1"
    return found


def local_secret_key(instance_path: str) -> str:
    """A secret kept in ``instance/secret_key`` so a local install needs no setup.

    Production sets ``ORDET_SECRET_KEY``; this only spares a newcomer a step.
    """
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def engine_options(config: dict) -> dict:
    """Connection pool settings for the configured database, unless the config gives its own."""
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    url = str(config.get("SQLALCHEMY_DATABASE_URI", ""))
    if url.startswith("postgresql"):
        # A restarted database server costs one retry, not a 500. (An SQLite file has no server
        # to lose, so a ping there would only add a statement to every request.)
        options.setdefault("pool_pre_ping", True)
        options.setdefault("pool_size", config["DB_POOL_SIZE"])
        options.setdefault("max_overflow", config["DB_MAX_OVERFLOW"])
        options.setdefault("pool_recycle", config["DB_POOL_RECYCLE"])
    elif url.startswith("sqlite") and ":memory:" not in url and url not in ("sqlite://", "sqlite:"):
        connect_args = dict(options.get("connect_args") or {})
        connect_args.setdefault("timeout", config["SQLITE_BUSY_TIMEOUT"])
        options["connect_args"] = connect_args
    return options


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """WAL: readers go on while one writer writes, and a writer waits (busy timeout) for another.

    ``synchronous=FULL``: every commit is on disk before the respondent sees "Tak". NORMAL
    would save an fsync per commit (~4 ms on the test machine) but a power cut could undo
    the last acknowledged responses. Set explicitly: some SQLite builds default WAL to NORMAL.

    ``secure_delete=ON``: what an UPDATE or DELETE frees is overwritten with zeros, so a
    redacted comment's original does not linger in a page's free space (Debian's build does
    this by default; others do not). ``scrub.reclaim`` then moves the pages into the file.
    """
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # sqlite3's own shortcut (a cursor made and closed for the statement), as at every connect.
    dbapi_connection.execute("PRAGMA journal_mode=WAL")
    dbapi_connection.execute("PRAGMA synchronous=FULL")
    dbapi_connection.execute("PRAGMA secure_delete=ON")
