"""Counting a hit against a rate limit, and still counting while the shared storage is away.

Sign-in, the kiosk PIN and the tablets' pace count in Flask-Limiter's storage directly (their
pages say when to try again). With ``ORDET_REDIS_URL`` that storage is Redis; when Redis is
away, a page must not turn into a server error, and a limit must not vanish either: until it is
back, each process counts in its own memory (as Flask-Limiter's in-memory fallback does for the
decorated routes, ``RATELIMIT_IN_MEMORY_FALLBACK_ENABLED``). The limits then hold per process,
which is weaker by the number of workers, for as long as the outage lasts, and it is logged.
"""

from flask import current_app
from limits import RateLimitItem
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter, RateLimiter

from .extensions import limiter

_WHILE_AWAY = FixedWindowRateLimiter(MemoryStorage())


def hit(item: RateLimitItem, *identifiers: str) -> float | None:
    """Count one hit. None if it is within the limit, else when the window resets (epoch s)."""
    try:
        return _hit(limiter.limiter, item, identifiers)
    except Exception as error:  # the storage's own errors: redis, network, timeouts
        current_app.logger.warning(
            "rate-limit storage unavailable (%s); counting in this process", type(error).__name__
        )
        return _hit(_WHILE_AWAY, item, identifiers)


def _hit(strategy: RateLimiter, item: RateLimitItem, identifiers: tuple[str, ...]):
    if strategy.hit(item, *identifiers):
        return None
    reset, _remaining = strategy.get_window_stats(item, *identifiers)
    return reset
