"""A tablet completes at most one response per ``KIOSK_MIN_SECONDS_BETWEEN_RESPONSES``.

One enrolled tablet once sent about 45 responses in six seconds: nobody fills in a questionnaire
that fast, so a second response from the same tablet within the interval is refused (the
answering flow keeps it as a draft to be sent again). The count lives in Flask-Limiter's storage,
keyed on the enrolled device, and expires with the interval: the response itself stores no time
and no device. Storage is memory by default (per app server process); ``ORDET_REDIS_URL``
shares it between servers and workers, as for the other limits.
"""

import time

from flask import current_app
from limits import RateLimitItemPerSecond

from .. import rate_counts
from ..extensions import limiter

SCOPE = "kiosk-response"


def count_response(device_id: int) -> int | None:
    """Count one completed response of the tablet ``device_id``. If it completed one less than
    the interval ago, this one is refused: returns the seconds to wait (at least 1)."""
    item = _limit()
    if item is None:
        return None
    reset = rate_counts.hit(item, SCOPE, str(device_id))
    if reset is None:
        return None
    return max(1, int(reset - time.time() + 0.999))


def _limit() -> RateLimitItemPerSecond | None:
    config = current_app.config
    seconds = int(config["KIOSK_MIN_SECONDS_BETWEEN_RESPONSES"])
    if seconds <= 0 or not limiter.enabled or not config.get("RATELIMIT_ENABLED", True):
        return None
    return RateLimitItemPerSecond(1, seconds)
