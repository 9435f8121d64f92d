"""The backup/restore recipe in DRIFT.md, run on the throwaway PostgreSQL cluster."""

import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from ordet import create_app
from ordet.answering.models import Answer, Response
from ordet.extensions import db
from ordet.weeks import week_of

from .conftest import config_for
from .factories import make_round, make_tilbud

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"


def libpq(url: str, database: str) -> str:
    return make_url(url).set(drivername="postgresql", database=database).render_as_string(False)


def create_database(url: str, name: str) -> None:
    with psycopg.connect(libpq(url, "postgres"), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def counts(app) -> dict[str, int]:
    with app.app_context():
        found = {
            table: db.session.scalar(db.select(db.func.count()).select_from(model))
            for table, model in (("response", Response), ("answer", Answer))
        }
        found["text"] = db.session.scalar(
            db.select(Answer.value).where(Answer.question_key == "andet")
        )
        db.session.remove()
        db.engine.dispose()
    return found


def test_pg_dump_backup_restores_into_an_empty_database(postgres_url, tmp_path):
    if postgres_url is None or not shutil.which("pg_dump"):
        pytest.skip("needs PostgreSQL and pg_dump (CI installs postgresql-client)")
    create_database(postgres_url, "ordet_live")
    live_url = make_url(postgres_url).set(database="ordet_live").render_as_string(False)
    live = create_app(config_for(live_url, tmp_path))
    with live.app_context():
        db.create_all()
        tilbud = make_tilbud()
        round_ = make_round([tilbud])
        response = Response(
            round_id=round_.id,
            tilbud_id=tilbud.id,
            questionnaire="borger",
            questionnaire_version=1,
            channel="kiosk",
            language="da",
            status="complete",
            answered_week=week_of(round_.opens_on),
        )
        response.answers = [
            Answer(question_key="glad", value="ja"),
            Answer(question_key="andet", value="Æbler og søde ører"),
        ]
        db.session.add(response)
        db.session.commit()
    before = counts(live)

    made = subprocess.run(
        [DEPLOY / "backup.sh", libpq(postgres_url, "ordet_live"), tmp_path / "backups"],
        check=True,
        capture_output=True,
        text=True,
    )
    dump = Path(made.stdout.strip())
    assert dump.exists() and dump.name.startswith("ordet-")

    create_database(postgres_url, "ordet_restored")
    subprocess.run(
        [DEPLOY / "restore.sh", dump, libpq(postgres_url, "ordet_restored")],
        check=True,
        capture_output=True,
    )
    restored_url = make_url(postgres_url).set(database="ordet_restored").render_as_string(False)
    after = counts(create_app(config_for(restored_url, tmp_path)))
    assert after == before == {"response": 1, "answer": 2, "text": "Æbler og søde ører"}
