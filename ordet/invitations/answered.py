"""A link's answer as the question screens see it: open or not, and marking it answered.

Both run in the question screen's transaction, so what they write commits with the response
or not at all.
"""

from sqlalchemy import delete, insert, select, update

from ..extensions import db
from .models import Invitation, InvitationTally, InvitationToken

INVITATION = Invitation.__table__
TOKEN = InvitationToken.__table__
TALLY = InvitationTally.__table__
# The tally column an answer is counted in, by the reminders the invitation had had.
ANSWERED_AFTER = (
    TALLY.c.answered_before_reminders,
    TALLY.c.answered_after_first,
    TALLY.c.answered_after_second,
)


def link_still_open(token_hash: str) -> bool:
    """Whether a link with this token hash exists and its invitation is not answered yet."""
    answered = db.session.execute(
        select(INVITATION.c.answered)
        .join(TOKEN, TOKEN.c.invitation_id == INVITATION.c.id)
        .where(TOKEN.c.token_hash == token_hash)
    ).scalar_one_or_none()
    return answered is False


def mark_answered(token_hash: str) -> None:
    """Record *that* the link's invitation was answered, count it on its list's tally, and
    delete every link token of the invitation.

    The tokens go because there was one per mail: left, their number would tell how many
    reminders this person got before answering. The links stop working anyway once the
    answer is in. Nothing else is written: no date and no reminder count on the invitation,
    nothing in the outbox. All of it commits with the response or not at all; a second submit
    finds no token.
    """
    found = db.session.execute(
        select(
            INVITATION.c.id,
            INVITATION.c.round_id,
            INVITATION.c.tilbud_id,
            INVITATION.c.reminders_sent,
        )
        .join(TOKEN, TOKEN.c.invitation_id == INVITATION.c.id)
        .where(TOKEN.c.token_hash == token_hash, INVITATION.c.answered.is_(False))
    ).first()
    if found is None:
        return
    invitation_id, round_id, tilbud_id, reminders = found
    marked = db.session.execute(
        update(INVITATION)
        .where(INVITATION.c.id == invitation_id, INVITATION.c.answered.is_(False))
        .values(answered=True)
    )
    if marked.rowcount != 1:
        return  # answered meanwhile on another device, and counted there
    db.session.execute(delete(TOKEN).where(TOKEN.c.invitation_id == invitation_id))
    column = ANSWERED_AFTER[min(reminders, 2)]
    counted = db.session.execute(
        update(TALLY)
        .where(TALLY.c.round_id == round_id, TALLY.c.tilbud_id == tilbud_id)
        .values({column: column + 1})
    )
    if counted.rowcount == 0:  # invitations made without ``import_upload``
        db.session.execute(
            insert(TALLY).values({"round_id": round_id, "tilbud_id": tilbud_id, column: 1})
        )
