"""How a respondent reached the questions: the kiosk tablet or a personal link.

The answering flow is the same; each channel decides who may continue a draft, where a
respondent starts over, and what else happens when a response is completed.
"""

from typing import Protocol

from .services import Draft
from .session import Respondent


class ChannelRefusal(Exception):
    """The request may not touch the draft. ``restart``: send the respondent to the start."""

    def __init__(self, status: int = 403, message: str | None = None, restart: bool = False):
        super().__init__(message or "")
        self.status, self.message, self.restart = status, message, restart


class Channel(Protocol):
    name: str

    def check(self, draft: Draft | None, respondent: Respondent) -> None:
        """Raise ``ChannelRefusal`` unless this request may continue ``draft``."""

    def start_url(self) -> str: ...

    def completed(self, draft: Draft) -> None:
        """Called in the transaction that completes ``draft``."""

    def thanks_template(self) -> str: ...


_channels: dict[str, Channel] = {}


def register(channel: Channel) -> None:
    _channels[channel.name] = channel


def channel_for(name: str) -> Channel:
    return _channels.get(name) or _channels["kiosk"]
