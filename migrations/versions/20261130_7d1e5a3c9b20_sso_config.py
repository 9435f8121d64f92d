"""Each organisation's identity provider (OpenID Connect, SAML), and sign-ins used once.

Revision ID: 7d1e5a3c9b20
Revises: 10b29a24a55d
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "7d1e5a3c9b20"
down_revision = "10b29a24a55d"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sso_config",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("oidc_discovery_url", sa.String(length=500), nullable=True),
        sa.Column("oidc_client_id", sa.String(length=200), nullable=True),
        sa.Column("oidc_client_secret", sa.Text(), nullable=True),
        sa.Column("oidc_scopes", sa.String(length=200), nullable=False),
        sa.Column("saml_metadata_url", sa.String(length=500), nullable=True),
        sa.Column("saml_metadata_xml", sa.Text(), nullable=True),
        sa.Column("sp_private_key", sa.Text(), nullable=True),
        sa.Column("sp_certificate", sa.Text(), nullable=True),
        sa.Column("passwords_off", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("organisation_id"),
    )
    op.create_table(
        "sso_used",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    with op.batch_alter_table("sso_used", schema=None) as batch_op:
        batch_op.create_index("ix_sso_used_organisation_id", ["organisation_id"], unique=False)
        batch_op.create_index("ix_sso_used_expires_at", ["expires_at"], unique=False)


def downgrade():
    with op.batch_alter_table("sso_used", schema=None) as batch_op:
        batch_op.drop_index("ix_sso_used_expires_at")
        batch_op.drop_index("ix_sso_used_organisation_id")
    op.drop_table("sso_used")
    op.drop_table("sso_config")
