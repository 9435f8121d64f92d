"""The schema comes from migrations: upgrading an empty database yields exactly the models."""

from pathlib import Path

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from ordet import create_app
from ordet.extensions import db

from .conftest import config_for

MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")


def test_upgrade_on_an_empty_database_matches_the_models(database_url, tmp_path):
    app = create_app(config_for(database_url, tmp_path))
    with app.app_context():
        try:
            _upgrade_compare_downgrade()
        finally:
            db.engine.dispose()


def _upgrade_compare_downgrade() -> None:
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    flask_migrate.upgrade(directory=MIGRATIONS)
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == []
    # And back down to nothing, so a bad release can be rolled back.
    flask_migrate.downgrade(directory=MIGRATIONS, revision="base")
    with db.engine.connect() as connection:
        tables = set(db.inspect(connection).get_table_names()) - {"alembic_version"}
    assert tables == set()


def test_answered_flag_and_tally_are_carried_over(database_url, tmp_path):
    app = create_app(config_for(database_url, tmp_path))
    with app.app_context():
        try:
            _carry_over_answers()
        finally:
            db.engine.dispose()


# Four invitations of one list as the schema before a95910353e4c kept them: the first
# reminder went out on 12 March, the second on 19 March, to those who had not answered.
# (id, invited_on, reminders_sent, first_reminder_on, second_reminder_on, week, after)
OLD_INVITATIONS = [
    (1, "2026-03-02", 0, None, None, "2026-03-09", 0),  # answered before any reminder
    (2, "2026-03-02", 1, "2026-03-12", None, "2026-03-16", 1),  # after the first
    (3, "2026-03-02", 2, "2026-03-12", "2026-03-19", "2026-03-23", 2),  # after the second
    (4, "2026-03-02", 2, "2026-03-12", "2026-03-19", None, None),  # never answered
]


def _carry_over_answers() -> None:
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    flask_migrate.upgrade(directory=MIGRATIONS, revision="f408b0dd5000")
    with db.engine.begin() as connection:
        for statement in (
            "INSERT INTO organisation (id, slug, name, anonymity_threshold, active)"
            " VALUES (1, 'org', 'Org', 5, true)",
            "INSERT INTO specialomraade (id, organisation_id, slug, name, active)"
            " VALUES (1, 1, 'omr', 'Omr', true)",
            "INSERT INTO tilbud (id, specialomraade_id, slug, name, kiosk_variant, active)"
            " VALUES (1, 1, 'tb', 'Tb', 'borger', true)",
            "INSERT INTO round (id, organisation_id, slug, name, opens_on, closes_on,"
            " closed_early) VALUES (1, 1, 'r', 'R', '2026-03-01', '2026-04-30', false)",
        ):
            connection.execute(text(statement))
        for row in OLD_INVITATIONS:
            connection.execute(
                text(
                    "INSERT INTO invitation (id, round_id, tilbud_id, email, invited_on,"
                    " reminders_sent, first_reminder_on, second_reminder_on, answered_week,"
                    " answered_after_reminders) VALUES (:id, 1, 1, :email, :invited,"
                    " :sent, :first, :second, :week, :after)"
                ),
                dict(
                    zip(
                        ("id", "invited", "sent", "first", "second", "week", "after"),
                        row,
                        strict=True,
                    ),
                    email=f"p{row[0]}@example.dk",
                ),
            )
    flask_migrate.upgrade(directory=MIGRATIONS)
    with db.engine.connect() as connection:
        invitations = connection.execute(
            text(
                "SELECT id, answered, reminders_sent, first_reminder_on, second_reminder_on"
                " FROM invitation ORDER BY id"
            )
        ).all()
        tally = connection.execute(
            text(
                "SELECT round_id, tilbud_id, answered_before_reminders, answered_after_first,"
                " answered_after_second, first_reminders, second_reminders FROM invitation_tally"
            )
        ).all()
    # Every invitation now passed both reminders on the same days: only "answered" differs.
    as_text = [(i, bool(a), n, str(first), str(second)) for i, a, n, first, second in invitations]
    assert as_text == [
        (1, True, 2, "2026-03-12", "2026-03-19"),
        (2, True, 2, "2026-03-12", "2026-03-19"),
        (3, True, 2, "2026-03-12", "2026-03-19"),
        (4, False, 2, "2026-03-12", "2026-03-19"),
    ]
    assert [tuple(row) for row in tally] == [(1, 1, 1, 1, 1, 3, 2)]
    flask_migrate.downgrade(directory=MIGRATIONS, revision="f408b0dd5000")
    with db.engine.connect() as connection:
        weeks = connection.execute(
            text("SELECT id, answered_week FROM invitation ORDER BY id")
        ).all()
    assert [(i, week is not None) for i, week in weeks] == [
        (1, True),
        (2, True),
        (3, True),
        (4, False),
    ]
