"""How a respondent reached the questions: the kiosk tablet or a personal link.

The answering flow is the same; each channel decides who may continue a draft, where a
respondent starts over, and what else happens when a response is completed.
"""

from collections.abc import Callable
from typing import Protocol

from .services import Draft
from .session import Respondent


class ChannelRefusal(Exception):
    """The request may not touch the draft. ``restart``: send the respondent to the start."""

    def __init__(self, status: int = 403, message: str | None = None, restart: bool = False):
        super().__init__(message or "")
        self.status, self.message, self.restart = status, message, restart


class TooSoon(Exception):
    """The channel refuses to complete a response now (a kiosk tablet that sent one moments ago).

    The request undoes the completion and keeps the answers on the draft; ``record`` then notes
    the refusal in the same transaction. ``seconds``: how long until it may be sent again.
    """

    def __init__(self, seconds: int, record: Callable[[], None]):
        super().__init__(seconds)
        self.seconds, self.record = seconds, record


class Channel(Protocol):
    name: str

    def check(self, draft: Draft | None, respondent: Respondent) -> None:
        """Raise ``ChannelRefusal`` unless this request may continue ``draft``."""

    def start_url(self) -> str: ...

    def completed(self, draft: Draft) -> None:
        """Called in the transaction that completes ``draft``; may raise ``TooSoon``."""

    def thanks_template(self) -> str: ...


_channels: dict[str, Channel] = {}


def register(channel: Channel) -> None:
    _channels[channel.name] = channel


def channel_for(name: str) -> Channel:
    return _channels.get(name) or _channels["kiosk"]
