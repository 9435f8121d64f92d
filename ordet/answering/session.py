"""The respondent's place in the flow, kept in the signed session cookie.

Only a random draft key lives here; the answers are on the server under its hash.
"""

import time
from dataclasses import dataclass

from flask import session

from ..security import new_token


@dataclass(frozen=True)
class Respondent:
    channel: str
    draft_key: str
    seen: float


def begin(channel: str) -> str:
    """Start a fresh respondent session and return its new draft key."""
    draft_key = new_token()
    session["respondent"] = {"channel": channel, "key": draft_key, "seen": time.time()}
    session.pop("finished", None)
    session.permanent = True
    return draft_key


def current() -> Respondent | None:
    data = session.get("respondent")
    if not isinstance(data, dict):
        return None
    try:
        return Respondent(str(data["channel"]), str(data["key"]), float(data["seen"]))
    except (KeyError, TypeError, ValueError):
        return None


def touch() -> None:
    data = session.get("respondent")
    if isinstance(data, dict):
        session["respondent"] = {**data, "seen": time.time()}


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
