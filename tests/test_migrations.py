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


ONE_ROUND = (
    "INSERT INTO organisation (id, slug, name, anonymity_threshold, active)"
    " VALUES (1, 'org', 'Org', 5, true)",
    "INSERT INTO specialomraade (id, organisation_id, slug, name, active)"
    " VALUES (1, 1, 'omr', 'Omr', true)",
    "INSERT INTO tilbud (id, specialomraade_id, slug, name, kiosk_variant, active)"
    " VALUES (1, 1, 'tb', 'Tb', 'borger', true)",
    "INSERT INTO round (id, organisation_id, slug, name, opens_on, closes_on,"
    " closed_early) VALUES (1, 1, 'r', 'R', '2026-03-01', '2026-04-30', false)",
)


def _carry_over_answers() -> None:
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    flask_migrate.upgrade(directory=MIGRATIONS, revision="f408b0dd5000")
    with db.engine.begin() as connection:
        for statement in ONE_ROUND:
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


def test_spent_links_and_sent_mail_are_forgotten(database_url, tmp_path):
    app = create_app(config_for(database_url, tmp_path))
    with app.app_context():
        try:
            _forget_spent_links_and_sent_mail()
        finally:
            db.engine.dispose()


# (id, invitation, token hash): invitation 1 answered after a reminder, 2 and 3 did not answer.
OLD_TOKENS = [(1, 1, "a1"), (2, 2, "b1"), (3, 3, "c1"), (4, 1, "a2"), (5, 2, "b2")]
# (ref, sent_at, failed_at, last_error): as the outbox kept them before f9b1d72e6b79.
OLD_MAIL = [
    ("invitation:1", "2026-03-02 08:00:00", None, ""),  # sent: goes
    ("invitation:3", None, "2026-03-12 08:00:00", "opted out"),  # dropped at opt-out: goes
    ("invitation:2", None, "2026-03-12 08:00:00", "550 No such user"),  # a bounce: stays
    ("invitation:3", None, None, ""),  # not sent yet: stays
]


def _forget_spent_links_and_sent_mail() -> None:
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    flask_migrate.upgrade(directory=MIGRATIONS, revision="a17d1c0a5e01")
    with db.engine.begin() as connection:
        for statement in ONE_ROUND:
            connection.execute(text(statement))
        for invitation in (1, 2, 3):
            connection.execute(
                text(
                    "INSERT INTO invitation (id, round_id, tilbud_id, email, invited_on,"
                    " reminders_sent, answered) VALUES (:id, 1, 1, :email, '2026-03-02', 1,"
                    " :answered)"
                ),
                {
                    "id": invitation,
                    "email": f"p{invitation}@example.dk",
                    "answered": invitation == 1,
                },
            )
        for token_id, invitation, token_hash in OLD_TOKENS:
            connection.execute(
                text(
                    "INSERT INTO invitation_token (id, invitation_id, token_hash)"
                    " VALUES (:i, :v, :h)"
                ),
                {"i": token_id, "v": invitation, "h": token_hash},
            )
        for ref, sent_at, failed_at, error in OLD_MAIL:
            connection.execute(
                text(
                    "INSERT INTO outbox_message (recipient, subject, text_body, html_body, headers,"
                    " message_id, ref, created_at, sent_at, failed_at, attempts, last_error)"
                    " VALUES ('p@example.dk', 'Emne', 'Tekst', '', '', '', :ref,"
                    " '2026-03-02 07:00:00', :sent, :failed, 1, :error)"
                ),
                {"ref": ref, "sent": sent_at, "failed": failed_at, "error": error},
            )
    flask_migrate.upgrade(directory=MIGRATIONS)
    with db.engine.connect() as connection:
        tokens = connection.execute(
            text("SELECT id, invitation_id, token_hash FROM invitation_token ORDER BY token_hash")
        ).all()
        mail = connection.execute(
            text("SELECT ref, failed_at IS NOT NULL FROM outbox_message ORDER BY ref")
        ).all()
        outbox_columns = {c["name"] for c in db.inspect(connection).get_columns("outbox_message")}
    # The answered invitation's links are gone; the others' have random keys now.
    assert [(i, h) for _, i, h in tokens] == [(2, "b1"), (2, "b2"), (3, "c1")]
    assert not {token_id for token_id, *_ in tokens} & {1, 2, 3, 4, 5}
    assert [tuple(row) for row in mail] == [("invitation:2", True), ("invitation:3", False)]
    assert "sent_at" not in outbox_columns

    flask_migrate.downgrade(directory=MIGRATIONS, revision="a17d1c0a5e01")
    with db.engine.begin() as connection:
        # The old schema again: keys 1..n, and a new token gets the next one by itself.
        connection.execute(
            text("INSERT INTO invitation_token (invitation_id, token_hash) VALUES (3, 'c2')")
        )
        keys = connection.execute(text("SELECT id FROM invitation_token ORDER BY id")).scalars()
        assert list(keys) == [1, 2, 3, 4]
        outbox_columns = {c["name"] for c in db.inspect(connection).get_columns("outbox_message")}
    assert "sent_at" in outbox_columns
