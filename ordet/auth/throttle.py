"""Rate limits on sign-in, per account and per address, in Flask-Limiter's storage.

We use the limiter's storage directly rather than a route decorator: the account key is the
email typed into the form, and the page must say *when* the user may try again.
Storage is memory by default; ``RATELIMIT_STORAGE_URI`` (``ORDET_REDIS_URL``) shares it
between servers.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app
from limits import parse

from .. import rate_counts
from ..extensions import limiter


@dataclass(frozen=True)
class Refusal:
    retry_at: datetime  # UTC, naive
    seconds: int


def _checks(kind: str, account: str, address: str) -> list[tuple[str, str, str]]:
    config = current_app.config
    return [
        (config[f"{kind}_RATE_LIMIT_ACCOUNT"], f"{kind.lower()}-account", account),
        (config[f"{kind}_RATE_LIMIT_ADDRESS"], f"{kind.lower()}-address", address),
    ]


def attempt(kind: str, account: str, address: str) -> Refusal | None:
    """Count one attempt; a Refusal if any limit is already used up (the attempt is refused)."""
    if not limiter.enabled or not current_app.config.get("RATELIMIT_ENABLED", True):
        return None
    refusal: Refusal | None = None
    for value, scope, key in _checks(kind, account, address):
        reset = rate_counts.hit(parse(value), scope, key)
        if reset is not None:
            retry_at = datetime.fromtimestamp(reset, UTC).replace(tzinfo=None)
            seconds = max(1, int(reset - datetime.now(UTC).timestamp() + 0.999))
            if refusal is None or retry_at > refusal.retry_at:
                refusal = Refusal(retry_at, seconds)
    return refusal
