"""The national level: national rounds, the rollout's institutions, national releases.

Revision ID: 569572a83625
Revises: 7d0ff11e5a23
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "569572a83625"
down_revision = "7d0ff11e5a23"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "national_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("questionnaire", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_national_round")),
        sa.UniqueConstraint("slug", name=op.f("uq_national_round_slug")),
    )
    op.create_table(
        "national_release",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("national_round_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("respondents", sa.Integer(), nullable=False),
        sa.Column("hidden_json", sa.Text(), nullable=False),
        sa.Column("sources_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["national_round_id"],
            ["national_round.id"],
            name=op.f("fk_national_release_national_round_id_national_round"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_national_release")),
        sa.UniqueConstraint(
            "national_round_id", "number", name=op.f("uq_national_release_national_round_id_number")
        ),
    )
    with op.batch_alter_table("national_release", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_national_release_national_round_id"), ["national_round_id"], unique=False
        )

    op.create_table(
        "national_institution",
        sa.Column("tilbud_id", sa.Integer(), nullable=False),
        sa.Column("planned_year", sa.Integer(), nullable=False),
        sa.Column("planned_quarter", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tilbud_id"], ["tilbud.id"], name=op.f("fk_national_institution_tilbud_id_tilbud")
        ),
        sa.PrimaryKeyConstraint("tilbud_id", name=op.f("pk_national_institution")),
    )
    op.create_table(
        "national_release_count",
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("tilbud_id", sa.Integer(), nullable=False),
        sa.Column("question_key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=40), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["organisation.id"],
            name=op.f("fk_national_release_count_operator_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["national_release.id"],
            name=op.f("fk_national_release_count_release_id_national_release"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tilbud_id"], ["tilbud.id"], name=op.f("fk_national_release_count_tilbud_id_tilbud")
        ),
        sa.PrimaryKeyConstraint(
            "release_id",
            "tilbud_id",
            "question_key",
            "value",
            name=op.f("pk_national_release_count"),
        ),
    )
    with op.batch_alter_table("national_release_count", schema=None) as batch_op:
        batch_op.create_index(
            "ix_national_release_count_operator", ["release_id", "operator_id"], unique=False
        )

    op.create_table(
        "national_release_total",
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("question_key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=40), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["organisation.id"],
            name=op.f("fk_national_release_total_operator_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["national_release.id"],
            name=op.f("fk_national_release_total_release_id_national_release"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "release_id",
            "operator_id",
            "question_key",
            "value",
            name=op.f("pk_national_release_total"),
        ),
    )
    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.add_column(sa.Column("national_round_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_round_national_round_id"), ["national_round_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_round_national_round_id_national_round"),
            "national_round",
            ["national_round_id"],
            ["id"],
        )


def downgrade():
    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_round_national_round_id_national_round"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_round_national_round_id"))
        batch_op.drop_column("national_round_id")

    op.drop_table("national_release_total")
    op.drop_table("national_release_count")
    op.drop_table("national_institution")
    with op.batch_alter_table("national_release", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_national_release_national_round_id"))

    op.drop_table("national_release")
    op.drop_table("national_round")
