"""The link channel: a pårørende answers on their own device through a personal link.

The session cookie on the respondent's own device holds the hash of the link's token; the
response row never does. ``completed`` uses it to record *that* the invitation was answered.
"""

from flask import url_for
from flask_babel import lazy_gettext as _l

from ..answering.channels import ChannelRefusal
from ..answering.models import LINK
from ..answering.services import Draft
from ..answering.session import Respondent, current
from . import answered


def _token_hash(respondent: Respondent | None) -> str | None:
    token_hash = (respondent.extra if respondent else {}).get("token_hash")
    return token_hash if isinstance(token_hash, str) else None


class LinkChannel:
    name = LINK

    def check(self, draft: Draft | None, respondent: Respondent) -> None:
        if draft is None or draft.channel != LINK:
            raise ChannelRefusal(restart=True)
        token_hash = _token_hash(respondent)
        if token_hash is None or not answered.link_still_open(token_hash):
            raise ChannelRefusal(403, str(_l("Linket virker ikke længere.")))

    def start_url(self) -> str:
        return url_for("link.missing")

    def completed(self, draft: Draft) -> None:
        token_hash = _token_hash(current())
        if token_hash is not None:
            answered.mark_answered(token_hash)

    def thanks_template(self) -> str:
        return "invitations/thanks.html"
