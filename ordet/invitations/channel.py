"""The link channel: a pårørende answers on their own device through a personal link.

The session cookie on the respondent's own device holds the hash of the link's token; the
response row never does. ``completed`` uses it to record *that* the invitation was answered.
"""

from datetime import date

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..answering.channels import ChannelRefusal
from ..answering.models import LINK
from ..answering.services import Draft
from ..answering.session import Respondent, current
from ..extensions import db
from . import services
from .models import Invitation, InvitationToken


def _invitation(respondent: Respondent | None) -> Invitation | None:
    token_hash = (respondent.extra if respondent else {}).get("token_hash")
    if not isinstance(token_hash, str):
        return None
    return db.session.scalar(
        select(Invitation)
        .join(InvitationToken, InvitationToken.invitation_id == Invitation.id)
        .where(InvitationToken.token_hash == token_hash)
    )


class LinkChannel:
    name = LINK

    def check(self, draft: Draft | None, respondent: Respondent) -> None:
        if draft is None or draft.channel != LINK:
            raise ChannelRefusal(restart=True)
        invitation = _invitation(respondent)
        if invitation is None or invitation.answered:
            raise ChannelRefusal(403, str(_l("Linket virker ikke længere.")))

    def start_url(self) -> str:
        return url_for("link.missing")

    def completed(self, draft: Draft) -> None:
        invitation = _invitation(current())
        if invitation is not None:
            services.mark_answered(invitation, date.today())

    def thanks_template(self) -> str:
        return "invitations/thanks.html"
