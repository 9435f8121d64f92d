"""The platform administrator; a grant suspended within its organisation, and the name it
knows the person by.

Revision ID: 7f3c1d2e9a40
Revises: 7d1e5a3c9b20
Create Date: 2026-11-30

``user.platform_admin``: the one who creates organisations (issue 21). ``grant.active``: an
organisation admin deactivates a user within their organisation by suspending the grants
there; the account and its grants elsewhere are untouched.
"""

import sqlalchemy as sa
from alembic import op

revision = "7f3c1d2e9a40"
down_revision = "7d1e5a3c9b20"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("platform_admin", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("grant", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.add_column(sa.Column("name", sa.String(200), server_default="", nullable=False))
    op.execute('UPDATE "grant" SET name = (SELECT name FROM "user" WHERE "user".id = user_id)')


def downgrade():
    with op.batch_alter_table("grant", schema=None) as batch_op:
        batch_op.drop_column("name")
        batch_op.drop_column("active")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("platform_admin")
