"""Issue 18, point 7: where a redacted comment's original text stays, and for how long.

After "Fjern" the original is in no page, export or query at once; but the database files
keep the old row until the engine reclaims it. ``flask purge`` (nightly) makes it: these
tests read the files themselves, before and after. PostgreSQL's write-ahead log keeps the
text until its segment is recycled, as DRIFT.md says; the last assertion shows it.
"""

import uuid
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from ordet import create_app
from ordet.answering.models import Answer
from ordet.extensions import db
from ordet.results.comments import redact

from .conftest import config_for
from .factories import make_round, make_tilbud
from .results_data import make_response
from .staff_helpers import make_user


def _redacted_comment() -> bytes:
    """A comment with a unique original, redacted through the service; the original."""
    original = f"Hans Hansen paa stue 4 {uuid.uuid4().hex}"
    tilbud = make_tilbud()
    round_ = make_round([tilbud], date(2025, 1, 1), date(2025, 12, 31))
    make_response(round_, tilbud, {"tryg": "ja", "andet": original})
    db.session.commit()
    answer = db.session.scalar(db.select(Answer).where(Answer.value == original))
    analyst = make_user("analytiker@x.dk", "analyst", tilbud.specialomraade.organisation)
    redact(answer.id, "", analyst.id)
    db.session.commit()
    assert db.session.scalar(db.select(Answer.value).where(Answer.id == answer.id)) != original
    db.session.close()
    return original.encode()


@contextmanager
def _app_on(url: str, tmp_path):
    app = create_app(config_for(url, tmp_path))
    with app.app_context():
        db.create_all()
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def _in_sqlite_files(path: Path, needle: bytes) -> bool:
    files = [path, Path(f"{path}-wal")]
    return any(needle in p.read_bytes() for p in files if p.exists())


def test_purge_takes_a_redacted_original_out_of_the_sqlite_files(tmp_path):
    path = tmp_path / "ordet.sqlite"
    with _app_on(f"sqlite:///{path}", tmp_path) as app:
        original = _redacted_comment()
        assert _in_sqlite_files(path, original)  # the old page or a log frame still holds it
        result = app.test_cli_runner().invoke(args=["purge"])
        assert result.exit_code == 0, result.output
        assert not _in_sqlite_files(path, original)


def _pg_file_has(connection, path: str, needle: bytes) -> bool:
    found = connection.execute(
        text("SELECT position(:needle IN pg_read_binary_file(:path))"),
        {"needle": needle, "path": path},
    ).scalar()
    return found > 0


def _answer_file_has(needle: bytes) -> bool:
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("CHECKPOINT"))  # the table's pages on disk, as they are now
        table = connection.execute(text("SELECT pg_relation_filepath('answer')")).scalar()
        return _pg_file_has(connection, table, needle)


def _wal_has(needle: bytes) -> bool:
    with db.engine.connect() as connection:
        segments = list(connection.execute(text("SELECT name FROM pg_ls_waldir()")).scalars())
        return any(_pg_file_has(connection, f"pg_wal/{name}", needle) for name in segments)


@pytest.fixture
def own_database(postgres_url):
    """A database of its own in the suite's cluster: VACUUM's horizon is per database, so no
    other test's open transaction (or autovacuum's ANALYZE of its tables) can hold it back."""
    if postgres_url is None:
        pytest.skip("PostgreSQL binaries not found (CI sets ORDET_REQUIRE_POSTGRES=1)")
    name = f"scrub_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        superuser = "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
        if not connection.execute(text(superuser)).scalar():
            admin.dispose()
            pytest.skip("reading the data files needs a superuser")
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_purge_takes_a_redacted_original_out_of_the_postgresql_table(own_database, tmp_path):
    with _app_on(own_database, tmp_path) as app:
        original = _redacted_comment()
        assert _answer_file_has(original)  # the dead tuple
        result = app.test_cli_runner().invoke(args=["purge"])
        assert result.exit_code == 0, result.output
        assert not _answer_file_has(original)
        # What VACUUM does not reach: the write-ahead log still has the INSERT.
        assert _wal_has(original)
        assert "Vacuumed answer" in result.output
