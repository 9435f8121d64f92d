"""The respondent's place in the flow, kept in the signed session cookie.

Only a random draft key lives here; the answers are on the server under its hash.
"""

import time
from dataclasses import dataclass, field

from flask import session

from ..security import new_token

TOUCH_EVERY_SECONDS = 15


@dataclass(frozen=True)
class Respondent:
    channel: str
    draft_key: str
    seen: float
    extra: dict = field(default_factory=dict)


def begin(channel: str, draft_key: str | None = None, extra: dict | None = None) -> str:
    """Start a respondent session and return its draft key (new, unless the channel has one).

    ``extra``: what the channel needs to remember on this device (the link keeps its token's
    hash here, never in the database next to the response).
    """
    draft_key = draft_key or new_token()
    session["respondent"] = {
        "channel": channel,
        "key": draft_key,
        "seen": time.time(),
        "extra": extra or {},
    }
    session.pop("finished", None)
    session.permanent = True
    return draft_key


def current() -> Respondent | None:
    data = session.get("respondent")
    if not isinstance(data, dict):
        return None
    try:
        extra = data.get("extra") if isinstance(data.get("extra"), dict) else {}
        return Respondent(str(data["channel"]), str(data["key"]), float(data["seen"]), extra)
    except (KeyError, TypeError, ValueError):
        return None


def touch() -> None:
    """Note that the respondent is still here, at most every ``TOUCH_EVERY_SECONDS``.

    Each rewrite re-signs and re-sends the session cookie. The server's inactivity limit has a
    minute of grace beyond the tablet's own warning, so a coarser time is precise enough, and a
    screen's save and the next screen's load, a moment apart, rewrite the cookie once.
    """
    data = session.get("respondent")
    if not isinstance(data, dict):
        return
    now = time.time()
    try:
        recent = now - float(data.get("seen", 0)) < TOUCH_EVERY_SECONDS
    except (TypeError, ValueError):
        recent = False
    if not recent:
        session["respondent"] = {**data, "seen": now}


def remember_place(position: int) -> None:
    """Note which question screen this respondent is on, so a restart returns to it (not to the
    first question left unanswered, which a skipped question would be). Only the number of the
    screen, in this browser's session: never an answer."""
    data = session.get("respondent")
    if isinstance(data, dict) and data.get("at") != position:
        session["respondent"] = {**data, "at": position}


def place() -> int | None:
    """The question screen ``remember_place`` noted last, or None."""
    data = session.get("respondent")
    at = data.get("at") if isinstance(data, dict) else None
    return at if isinstance(at, int) and at > 0 else None


def finish(channel: str) -> None:
    """Forget the draft: nothing in this browser leads back to the answers."""
    session.pop("respondent", None)
    session.pop("large_text", None)
    session["finished"] = channel


def clear() -> None:
    for key in ("respondent", "lang", "large_text", "finished"):
        session.pop(key, None)


def set_language(language: str) -> None:
    session["lang"] = language
