"""One answer in progress per invitation, whichever of its links is opened.

Every mail carries a link of its own (``mailing.issue_token``), and relatives come back
through whichever mail is on top, usually the newest reminder. A draft key made from the
link would give each link its own draft: the reminder's link started over at question 1,
and the first draft, closed as partial at round end, was counted beside the finished one.
So the draft key of a link session is made from the *invitation*: an HMAC with the app's
secret over its id. Every link of the invitation finds the same draft by the key's hash.

Why a finished answer still cannot be traced to its invitation: the key is computed, never
stored; the response holds only its hash, and only while it is a draft: completing it (or
closing it as partial) clears the hash (``answering.services``), and nothing on the
invitation names a response. While the draft is open, telling whose it is would take both
the database and the app's secret.
"""

import hashlib
import hmac

from sqlalchemy import update

from ..answering import services as answering
from ..answering.models import DRAFT, Response
from ..extensions import db
from ..security import hash_secret


def draft_key(secret_key: str, invitation_id: int) -> str:
    """The draft key of every link of invitation ``invitation_id``."""
    message = f"invitation-draft:{invitation_id}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


def _link_draft_key(secret_key: str, token: str) -> str:
    """The key drafts had when it came from the link (before one key per invitation).

    Only to carry such drafts over (``find``); remove once every round open at the change
    has closed.
    """
    return hmac.new(secret_key.encode(), f"draft:{token}".encode(), hashlib.sha256).hexdigest()


def find(
    secret_key: str, invitation_id: int, token: str, adopt: bool = False
) -> tuple[str, answering.Draft | None]:
    """(the invitation's draft key, its open draft or None).

    A draft begun under the link's own key (older code) is found too; with ``adopt`` it is
    moved to the invitation's key, so the other links find it from then on.
    """
    key = draft_key(secret_key, invitation_id)
    draft = answering.find_draft(key)
    if draft is not None:
        return key, draft
    old = _link_draft_key(secret_key, token)
    draft = answering.find_draft(old)
    if draft is not None and adopt:
        db.session.execute(
            update(Response)
            .where(Response.draft_key_hash == hash_secret(old), Response.status == DRAFT)
            .values(draft_key_hash=hash_secret(key))
        )
    return key, draft
