"""The question screens' few fixed statements, as SQLAlchemy ``text`` on one connection.

The statements are written once for both engines, except that the engines name the JSON
aggregate a draft's answers are read with differently (``answering.drafts.DRAFT_SQL``), and
PostgreSQL completes a response in one statement where SQLite takes several
(``dialect_name()``, see ``answering.services.save``). They run through SQLAlchemy like every
other statement (its errors, its invalidation of a lost connection), never on a raw cursor.

Where they run: by default in the ORM session's transaction. The question screens instead
call ``use_plain_connection()``: their statements then run on one Core connection of the
request's own, committed by ``commit()``. In such a request every write must go through
``connection()``: a second connection writing would wait on the first (SQLite allows one
writer).
"""

import sqlite3
from collections.abc import Mapping, Sequence
from datetime import date
from functools import cache
from typing import Any

from flask import Flask, g, has_app_context
from sqlalchemy import TextClause, text
from sqlalchemy.engine import Connection

from .extensions import db

# Statements here bind dates directly; SQLite's driver stores them as SQLAlchemy stores its own
# (ISO text), PostgreSQL's binds them as dates.
sqlite3.register_adapter(date, date.isoformat)


def fetch_all(sql: str, params: Mapping[str, Any]) -> list[tuple]:
    return [tuple(row) for row in connection().execute(_statement(sql), params)]


def fetch_one(sql: str, params: Mapping[str, Any]) -> tuple | None:
    rows = fetch_all(sql, params)
    return rows[0] if rows else None


def execute(sql: str, params: Mapping[str, Any]) -> int:
    """Run a write; returns the number of rows it changed."""
    return connection().execute(_statement(sql), params).rowcount


def execute_many(sql: str, rows: Sequence[Mapping[str, Any]]) -> None:
    if rows:
        connection().execute(_statement(sql), list(rows))


@cache
def _statement(sql: str) -> TextClause:
    """A fixed statement, parsed once (``:name`` placeholders, as SQLAlchemy's ``text``)."""
    return text(sql)


def date_value(value: date | str | None) -> date | None:
    """A date column as read: SQLite's driver gives SQLAlchemy's ISO text."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def dialect_name() -> str:
    """``sqlite`` or ``postgresql``: where one statement can do what takes several on SQLite."""
    return connection().dialect.name


def use_plain_connection() -> None:
    """This request's statements run on a connection of its own, not the ORM session's."""
    g.setdefault(_PLAIN, None)  # opened at the first statement


def connection() -> Connection:
    """The connection this request's statements run on, in a transaction begun if need be."""
    plain = _plain()
    if plain is _NOT_PLAIN:
        return _session_connection()
    if plain is None:
        plain = db.engine.connect()
        setattr(g, _PLAIN, plain)
    if not plain.in_transaction():
        # Begun explicitly: statements on the driver's cursor don't begin SQLAlchemy's
        # transaction, and ``commit()`` commits only a transaction SQLAlchemy knows of.
        plain.begin()
    return plain


def commit() -> None:
    plain = _plain()
    if plain is _NOT_PLAIN:
        db.session.commit()
    elif plain is not None:
        plain.commit()


def rollback() -> None:
    """Undo this request's writes. A plain connection goes back to the pool, which rolls it
    back even when the database went away mid-request; the next statement takes a new one.
    The ORM session is rolled back too, for whatever it read in the request."""
    plain = _plain()
    if plain is not None and plain is not _NOT_PLAIN:
        setattr(g, _PLAIN, None)
        plain.close()
    db.session.rollback()


def _plain():
    """The request's plain connection (None before its first statement), else ``_NOT_PLAIN``."""
    return g.get(_PLAIN, _NOT_PLAIN) if has_app_context() else _NOT_PLAIN


def init_app(app: Flask) -> None:
    @app.teardown_appcontext
    def close_plain_connection(error: BaseException | None) -> None:
        plain = g.pop(_PLAIN, None)
        if plain is not None:
            plain.close()  # rolls back whatever was not committed


def _session_connection() -> Connection:
    """The session's connection in its current transaction, begun if need be.

    ``Session.connection()`` walks the ORM's transaction state on every call, which cost as
    much as a statement here; a save runs four, so the connection is kept in the session's
    ``info`` with the transaction it belongs to, and asked for again once that has ended.
    """
    session = db.session()
    transaction = session.get_transaction()
    kept = session.info.get(_KEPT)
    if kept is not None and transaction is not None and kept[0] is transaction:
        if transaction.is_active:
            return kept[1]
    connection = session.connection()
    session.info[_KEPT] = (session.get_transaction(), connection)
    return connection


_KEPT = "driver_sql.connection"
_PLAIN = "driver_sql_plain_connection"
_NOT_PLAIN = object()
