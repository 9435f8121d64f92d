"""The ceiling: a bare Flask handler doing one INSERT, served by the same gunicorn config.

It uses the app's own engine options (pool, SQLite WAL and busy timeout), so the only
difference from ordet is ordet's own work.
"""

import os

from flask import Flask, request
from sqlalchemy import Column, Integer, MetaData, Table, Text, create_engine

from ordet.config import DefaultConfig, engine_options

metadata = MetaData()
row = Table("bench_row", metadata, Column("id", Integer, primary_key=True), Column("value", Text))


def create_app() -> Flask:
    url = os.environ["ORDET_DATABASE_URL"]
    settings = {k: v for k, v in vars(DefaultConfig).items() if k.isupper()}
    engine = create_engine(url, **engine_options({**settings, "SQLALCHEMY_DATABASE_URI": url}))
    app = Flask(__name__)

    @app.get("/healthz")
    def healthz():
        return "ok"

    @app.post("/insert")
    def insert():
        with engine.begin() as connection:
            connection.execute(row.insert().values(value=request.form.get("value", "")))
        return "ok"

    return app


def create_table(url: str) -> None:
    """Made once by the bench before gunicorn starts (workers racing to create it would fail)."""
    engine = create_engine(url)
    metadata.create_all(engine)
    engine.dispose()
