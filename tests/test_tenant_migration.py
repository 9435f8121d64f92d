"""Migration 7f3c1d2e9a40: no platform administrator yet, every grant active, and each grant
knows the person by the account's name (what their organisation saw before)."""

import flask_migrate
from sqlalchemy import text

from ordet.extensions import db

from .test_audit_migration import _run
from .test_migrations import MIGRATIONS

BEFORE = "10b29a24a55d"
ROWS = (
    "INSERT INTO organisation (id, slug, name, anonymity_threshold, active)"
    " VALUES (1, 'a', 'A', 5, true)",
    'INSERT INTO "user" (id, email, name, password_hash, language, active)'
    " VALUES (1, 'u1@x.dk', 'Ulla Ung', '', 'da', true), (2, 'u2@x.dk', '', '', 'da', false)",
    'INSERT INTO "grant" (id, user_id, role, organisation_id, reads_comments)'
    " VALUES (1, 1, 'admin', 1, false), (2, 2, 'analyst', 1, false)",
)


def test_grants_get_the_account_name_and_stay_active(database_url, tmp_path):
    def body():
        flask_migrate.upgrade(directory=MIGRATIONS, revision=BEFORE)
        with db.engine.begin() as connection:
            for statement in ROWS:
                connection.execute(text(statement))
        flask_migrate.upgrade(directory=MIGRATIONS)
        with db.engine.connect() as connection:
            grants = connection.execute(
                text('SELECT id, name, active FROM "grant" ORDER BY id')
            ).all()
            users = connection.execute(
                text('SELECT id, platform_admin, active FROM "user" ORDER BY id')
            ).all()
        assert [tuple(g) for g in grants] == [(1, "Ulla Ung", True), (2, "", True)]
        assert [tuple(u) for u in users] == [(1, False, True), (2, False, False)]
        flask_migrate.downgrade(directory=MIGRATIONS, revision=BEFORE)
        with db.engine.connect() as connection:
            columns = {c["name"] for c in db.inspect(connection).get_columns("grant")}
        assert not {"name", "active"} & columns

    _run(database_url, tmp_path, body)
