"""invitation answered flag and list tally

An invitation keeps only *whether* it was answered. ``answered_week`` and
``answered_after_reminders``, which let an invitation be joined to its response, go; the
reminders' effect is kept as counts per list (round × tilbud) in ``invitation_tally``.

Upgrade: ``answered`` is true where ``answered_week`` was set; each list's tally is counted
from the old columns (answers by ``answered_after_reminders``, reminder mails by
``reminders_sent``). Answered invitations had stopped passing reminders when they answered,
so their reminder columns still told how many reminders they had had: they are brought to
what the new rule sets (a reminder passes every invitation of the list, answered or not),
taking the day a reminder reached the list's invitations invited on the same day or later.

Downgrade cannot bring back what was dropped: answered invitations get ``answered_week`` =
``invited_on`` and no ``answered_after_reminders``; the tally goes.

Revision ID: a95910353e4c
Revises: f408b0dd5000
Create Date: 2026-11-29 20:49:29.111819

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a95910353e4c'
down_revision = 'f408b0dd5000'
branch_labels = None
depends_on = None


invitation = sa.table(
    'invitation',
    sa.column('id', sa.Integer()),
    sa.column('round_id', sa.Integer()),
    sa.column('tilbud_id', sa.Integer()),
    sa.column('invited_on', sa.Date()),
    sa.column('reminders_sent', sa.Integer()),
    sa.column('first_reminder_on', sa.Date()),
    sa.column('second_reminder_on', sa.Date()),
    sa.column('answered_week', sa.Date()),
    sa.column('answered_after_reminders', sa.Integer()),
    sa.column('answered', sa.Boolean()),
)
tally = sa.table(
    'invitation_tally',
    sa.column('round_id', sa.Integer()),
    sa.column('tilbud_id', sa.Integer()),
    sa.column('answered_before_reminders', sa.Integer()),
    sa.column('answered_after_first', sa.Integer()),
    sa.column('answered_after_second', sa.Integer()),
    sa.column('first_reminders', sa.Integer()),
    sa.column('second_reminders', sa.Integer()),
)


def _count(condition):
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def upgrade():
    op.create_table('invitation_tally',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('tilbud_id', sa.Integer(), nullable=False),
    sa.Column('answered_before_reminders', sa.Integer(), nullable=False),
    sa.Column('answered_after_first', sa.Integer(), nullable=False),
    sa.Column('answered_after_second', sa.Integer(), nullable=False),
    sa.Column('first_reminders', sa.Integer(), nullable=False),
    sa.Column('second_reminders', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_invitation_tally_round_id_round')),
    sa.ForeignKeyConstraint(['tilbud_id'], ['tilbud.id'], name=op.f('fk_invitation_tally_tilbud_id_tilbud')),
    sa.PrimaryKeyConstraint('round_id', 'tilbud_id', name=op.f('pk_invitation_tally'))
    )
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('answered', sa.Boolean(), nullable=False, server_default=sa.false())
        )

    answered = invitation.c.answered_week.is_not(None)
    stage = sa.func.coalesce(invitation.c.answered_after_reminders, 0)
    op.execute(invitation.update().where(answered).values(answered=True))
    op.execute(
        tally.insert().from_select(
            [
                'round_id',
                'tilbud_id',
                'answered_before_reminders',
                'answered_after_first',
                'answered_after_second',
                'first_reminders',
                'second_reminders',
            ],
            sa.select(
                invitation.c.round_id,
                invitation.c.tilbud_id,
                _count(sa.and_(answered, stage == 0)),
                _count(sa.and_(answered, stage == 1)),
                _count(sa.and_(answered, stage >= 2)),
                _count(invitation.c.reminders_sent >= 1),
                _count(invitation.c.reminders_sent >= 2),
            ).group_by(invitation.c.round_id, invitation.c.tilbud_id),
        )
    )
    _pass_reminders(1, invitation.c.first_reminder_on)
    _pass_reminders(2, invitation.c.second_reminder_on)

    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.alter_column('answered', existing_type=sa.Boolean(), server_default=None)
        batch_op.drop_column('answered_after_reminders')
        batch_op.drop_column('answered_week')


def _pass_reminders(number, reminder_on):
    """Answered invitations pass reminder ``number`` on the day it reached the list's
    invitations invited on the same day or later (so it would have reached them too)."""
    other = invitation.alias('other')
    other_on = other.c.first_reminder_on if number == 1 else other.c.second_reminder_on
    same_list_later = sa.and_(
        other.c.round_id == invitation.c.round_id,
        other.c.tilbud_id == invitation.c.tilbud_id,
        other.c.invited_on >= invitation.c.invited_on,
        other_on.is_not(None),
    )
    reached = sa.select(sa.func.min(other_on)).where(same_list_later).scalar_subquery()
    op.execute(
        invitation.update()
        .where(
            invitation.c.answered.is_(True),
            invitation.c.reminders_sent == number - 1,
            sa.exists().where(same_list_later),
        )
        .values({'reminders_sent': number, reminder_on.name: reached})
    )


def downgrade():
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answered_week', sa.DATE(), nullable=True))
        batch_op.add_column(sa.Column('answered_after_reminders', sa.INTEGER(), nullable=True))

    op.execute(
        invitation.update()
        .where(invitation.c.answered.is_(True))
        .values(answered_week=invitation.c.invited_on)
    )

    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_column('answered')

    op.drop_table('invitation_tally')
