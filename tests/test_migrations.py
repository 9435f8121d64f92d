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
