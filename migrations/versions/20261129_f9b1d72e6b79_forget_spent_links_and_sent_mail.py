"""Forget spent links and sent mail

Each mail carried its own link token, and the outbox kept every sent message (recipient,
``ref`` = the invitation, times) until purge. Reminders go only to those who have not
answered, so both still told how many reminders someone had before answering, and so which
response was theirs. From now on ``mark_answered`` deletes an answered invitation's tokens
and the outbox deletes a message once it is delivered, so ``outbox_message.sent_at`` goes.

``invitation_token.id`` becomes a random 63-bit key (a BIGINT without a sequence on
PostgreSQL; SQLite's INTEGER PRIMARY KEY is already 64 bits): with a sequence, the gaps the
deleted tokens leave between the ones that stay would tell the same thing.

Upgrade: deletes the tokens of answered invitations, the sent messages and the messages an
opt-out dropped (they were kept as given up, "opted out"); gives every token left a random
key. Downgrade brings back the column and the sequence, renumbering the tokens 1..n; what
was deleted stays deleted.

Revision ID: f9b1d72e6b79
Revises: a17d1c0a5e01
Create Date: 2026-11-29
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "f9b1d72e6b79"
down_revision = "a17d1c0a5e01"
branch_labels = None
depends_on = None

invitation = sa.table("invitation", sa.column("id", sa.Integer()), sa.column("answered"))
token = sa.table("invitation_token", sa.column("id"), sa.column("invitation_id"))
outbox = sa.table(
    "outbox_message",
    sa.column("sent_at", sa.DateTime()),
    sa.column("failed_at", sa.DateTime()),
    sa.column("last_error", sa.String()),
)
SEQUENCE = "invitation_token_id_seq"


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _renumber(new_id) -> None:
    """Give every token the key ``new_id(n)`` (n = 1, 2, ...); nothing refers to them."""
    bind = op.get_bind()
    ids = bind.execute(sa.select(token.c.id).order_by(token.c.id)).scalars().all()
    for n, old in enumerate(ids, start=1):
        bind.execute(token.update().where(token.c.id == old).values(id=new_id(n)))


def upgrade():
    answered = sa.select(invitation.c.id).where(invitation.c.answered.is_(True))
    op.execute(token.delete().where(token.c.invitation_id.in_(answered)))
    op.execute(outbox.delete().where(outbox.c.sent_at.is_not(None)))
    op.execute(
        outbox.delete().where(
            outbox.c.failed_at.is_not(None), outbox.c.last_error == "opted out"
        )
    )

    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_message_sent_at"))
        batch_op.drop_column("sent_at")

    if _postgresql():
        op.alter_column(
            "invitation_token",
            "id",
            existing_type=sa.Integer(),
            type_=sa.BigInteger(),
            existing_nullable=False,
            server_default=None,
        )
        op.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")
    # Random keys are far above the old ones, so no update meets a key still in use.
    _renumber(lambda n: secrets.randbits(63) or 1)


def downgrade():
    # Small keys again (they fit an INTEGER), below any random one left.
    _renumber(lambda n: n)
    if _postgresql():
        op.alter_column(
            "invitation_token",
            "id",
            existing_type=sa.BigInteger(),
            type_=sa.Integer(),
            existing_nullable=False,
        )
        op.execute(f"CREATE SEQUENCE {SEQUENCE} OWNED BY invitation_token.id")
        op.execute(
            f"ALTER TABLE invitation_token ALTER COLUMN id SET DEFAULT nextval('{SEQUENCE}')"
        )
        op.execute(
            f"SELECT setval('{SEQUENCE}', COALESCE((SELECT MAX(id) FROM invitation_token), 0)"
            " + 1, false)"
        )

    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sent_at", sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_outbox_message_sent_at"), ["sent_at"], unique=False)
