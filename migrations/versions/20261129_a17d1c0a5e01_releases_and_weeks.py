"""Releases; a response carries its week, not its day; counts per week.

Revision ID: a17d1c0a5e01
Revises: 8b1371d504bd
Create Date: 2026-11-29

``response.answered_on`` (a day) becomes ``answered_week`` (the Monday of its ISO week).
``result_count`` gains the week in its key and is rebuilt from the answers: free-text keys are
the ones whose counts held the text marker. ``result_release`` holds the published releases,
``release_count`` what each shows.
"""

from datetime import date, timedelta

import sqlalchemy as sa
from alembic import op

revision = "a17d1c0a5e01"
down_revision = "8b1371d504bd"
branch_labels = None
depends_on = None

TEXT_VALUE = "_tekst"
RESPONSES_KEY = "_besvarelser"
COUNT_KEY = [
    "round_id",
    "tilbud_id",
    "questionnaire",
    "questionnaire_version",
    "question_key",
    "value",
    "assisted",
]


def _as_date(value) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _copy_dates(source: str, target: str, to_target) -> None:
    bind = op.get_bind()
    response = sa.table("response", sa.column(source, sa.Date), sa.column(target, sa.Date))
    days = [row[0] for row in bind.execute(sa.select(response.c[source]).distinct())]
    for day in days:
        bind.execute(
            response.update()
            .where(response.c[source] == day)
            .values({target: to_target(_as_date(day))})
        )


def _count_table(with_week: bool, name: str = "result_count"):
    columns = [
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("tilbud_id", sa.Integer(), nullable=False),
        sa.Column("questionnaire", sa.String(length=40), nullable=False),
        sa.Column("questionnaire_version", sa.Integer(), nullable=False),
        sa.Column("question_key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=40), nullable=False),
        sa.Column("assisted", sa.String(length=20), nullable=False),
    ]
    key = list(COUNT_KEY)
    if with_week:
        columns.append(sa.Column("answered_week", sa.Date(), nullable=False))
        key.append("answered_week")
    op.create_table(
        name,
        *columns,
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["round.id"], name=op.f(f"fk_{name}_round_id_round")),
        sa.ForeignKeyConstraint(
            ["tilbud_id"], ["tilbud.id"], name=op.f(f"fk_{name}_tilbud_id_tilbud")
        ),
        sa.PrimaryKeyConstraint(*key, name=op.f(f"pk_{name}")),
    )


def _rebuild_counts(with_week: bool) -> None:
    """Replace result_count, counted again from the answers (the text keys kept)."""
    bind = op.get_bind()
    old = sa.table("result_count", *(sa.column(c) for c in COUNT_KEY), sa.column("count"))
    text_keys = bind.execute(
        sa.select(old.c.questionnaire, old.c.questionnaire_version, old.c.question_key)
        .where(old.c.value == TEXT_VALUE)
        .distinct()
    ).all()
    op.drop_index("ix_result_count_round_variant", table_name="result_count")
    op.drop_table("result_count")
    _count_table(with_week)
    op.create_index("ix_result_count_round_variant", "result_count", ["round_id", "questionnaire"])
    week = "answered_week" if with_week else "answered_on"
    response = sa.table(
        "response",
        *(sa.column(c) for c in ("id", "round_id", "tilbud_id", "questionnaire")),
        sa.column("questionnaire_version"),
        sa.column("assisted"),
        sa.column("status"),
        sa.column(week),
    )
    answer = sa.table("answer", sa.column("response_id"), sa.column("question_key"), sa.column("value"))
    is_text = sa.or_(
        sa.false(),
        *(
            sa.and_(
                response.c.questionnaire == variant,
                response.c.questionnaire_version == version,
                answer.c.question_key == key,
            )
            for variant, version, key in text_keys
        ),
    )
    value = sa.case((is_text, sa.literal(TEXT_VALUE)), else_=answer.c.value)
    assisted = sa.func.coalesce(response.c.assisted, "")
    common = [
        response.c.round_id,
        response.c.tilbud_id,
        response.c.questionnaire,
        response.c.questionnaire_version,
    ]
    extra = [response.c[week]] if with_week else []
    finished = response.c.status.in_(("complete", "partial"))
    new = sa.table(
        "result_count",
        *(sa.column(c) for c in COUNT_KEY + (["answered_week"] if with_week else [])),
        sa.column("count"),
    )
    columns = COUNT_KEY + (["answered_week"] if with_week else []) + ["count"]
    answers = (
        sa.select(*common, answer.c.question_key, value, assisted, *extra, sa.func.count())
        .join(answer, answer.c.response_id == response.c.id)
        .where(finished)
        .group_by(*common, answer.c.question_key, value, assisted, *extra)
    )
    responses = (
        sa.select(
            *common, sa.literal(RESPONSES_KEY), response.c.status, assisted, *extra, sa.func.count()
        )
        .where(finished)
        .group_by(*common, response.c.status, assisted, *extra)
    )
    for query in (answers, responses):
        bind.execute(new.insert().from_select(columns, query))


def upgrade():
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answered_week", sa.Date(), nullable=True))
    _copy_dates("answered_on", "answered_week", lambda d: d - timedelta(days=d.weekday()))
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.alter_column("answered_week", existing_type=sa.Date(), nullable=False)
        batch_op.drop_column("answered_on")
    _rebuild_counts(with_week=True)
    op.create_table(
        "result_release",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("questionnaire", sa.String(length=40), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("through_week", sa.Date(), nullable=False),
        sa.Column("final", sa.Boolean(), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("respondents", sa.Integer(), nullable=False),
        sa.Column("hidden_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["round.id"], name=op.f("fk_result_release_round_id_round")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_result_release")),
        sa.UniqueConstraint(
            "round_id",
            "questionnaire",
            "number",
            name=op.f("uq_result_release_round_id_questionnaire_number"),
        ),
    )
    with op.batch_alter_table("result_release", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_result_release_round_id"), ["round_id"], unique=False)
    op.create_table(
        "release_count",
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("tilbud_id", sa.Integer(), nullable=False),
        sa.Column("question_key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=40), nullable=False),
        sa.Column("help_group", sa.String(length=20), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["result_release.id"],
            name=op.f("fk_release_count_release_id_result_release"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tilbud_id"], ["tilbud.id"], name=op.f("fk_release_count_tilbud_id_tilbud")
        ),
        sa.PrimaryKeyConstraint(
            "release_id",
            "tilbud_id",
            "question_key",
            "value",
            "help_group",
            name=op.f("pk_release_count"),
        ),
    )


def downgrade():
    op.drop_table("release_count")
    with op.batch_alter_table("result_release", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_result_release_round_id"))
    op.drop_table("result_release")
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answered_on", sa.Date(), nullable=True))
    _copy_dates("answered_week", "answered_on", lambda d: d)
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.alter_column("answered_on", existing_type=sa.Date(), nullable=False)
        batch_op.drop_column("answered_week")
    _rebuild_counts(with_week=False)
