"""A link's answer as the question screens see it: open or not, and marking it answered.

Both run on the question screens' own connection (``driver_sql``), so what they write commits
with the response or not at all.
"""

from sqlalchemy import delete, insert, select, update

from .. import driver_sql
from .models import Invitation, InvitationTally, InvitationToken


def link_still_open(token_hash: str) -> bool:
    """Whether a link with this token hash exists and its invitation is not answered yet."""
    found = driver_sql.fetch_one(LINK_INVITATION_SQL, {"token_hash": token_hash})
    return found is not None and not found[0]


# The question screens read the invitation on their own connection (``driver_sql``).
LINK_INVITATION_SQL = """
SELECT i.answered FROM invitation AS i
JOIN invitation_token AS t ON t.invitation_id = i.id
WHERE t.token_hash = :token_hash
"""

INVITATION = Invitation.__table__
TOKEN = InvitationToken.__table__
TALLY = InvitationTally.__table__
# The tally column an answer is counted in, by the reminders the invitation had had.
ANSWERED_AFTER = (
    TALLY.c.answered_before_reminders,
    TALLY.c.answered_after_first,
    TALLY.c.answered_after_second,
)


def mark_answered(token_hash: str) -> None:
    """Record *that* the link's invitation was answered, count it on its list's tally, and
    delete every link token of the invitation.

    The tokens go because there was one per mail: left, their number would tell how many
    reminders this person got before answering. The links stop working anyway once the
    answer is in. Nothing else is written: no date and no reminder count on the invitation,
    nothing in the outbox. Runs on the question screens' connection (``driver_sql``), so all
    of it commits with the response or not at all; a second submit finds no token.
    """
    connection = driver_sql.connection()
    found = connection.execute(
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
    marked = connection.execute(
        update(INVITATION)
        .where(INVITATION.c.id == invitation_id, INVITATION.c.answered.is_(False))
        .values(answered=True)
    )
    if marked.rowcount != 1:
        return  # answered meanwhile on another device, and counted there
    connection.execute(delete(TOKEN).where(TOKEN.c.invitation_id == invitation_id))
    column = ANSWERED_AFTER[min(reminders, 2)]
    counted = connection.execute(
        update(TALLY)
        .where(TALLY.c.round_id == round_id, TALLY.c.tilbud_id == tilbud_id)
        .values({column: column + 1})
    )
    if counted.rowcount == 0:  # invitations made without ``import_upload``
        connection.execute(
            insert(TALLY).values({"round_id": round_id, "tilbud_id": tilbud_id, column: 1})
        )
