"""Hand-written SQL for the question screens, run on the driver's cursor.

A screen save and a submit run on every press of a tablet's button, hundreds at once. For
these few fixed statements SQLAlchemy's execution layer (contexts, result objects, type
processors) cost more than the database's own work: run this way, a save took 3.19 M
instructions instead of 3.57 M and a submit 4.56 M instead of 5.78 M
(``bench/instructions.py``). The statements are written once for both engines (SQLite and
PostgreSQL share the syntax used here), except that the engines name the JSON aggregate a
draft's answers are read with differently (``answering.services.DRAFT_SQL``), and PostgreSQL
completes a response in one statement where SQLite takes several (``dialect_name()``, see
``answering.services.save``); the pool and everything else stay with SQLAlchemy.

Where they run: by default in the ORM session's transaction. The question screens instead
call ``use_plain_connection()``: their statements then run on one Core connection of the
request's own, committed by ``commit()``: the ORM session's transaction bookkeeping (begin,
commit, snapshot, close) had cost a submit 0.26 M instructions of 3.74 M and a save 0.36 M of
2.80 M. In such a request every write must go through ``connection()``: a second connection writing
would wait on the first (SQLite allows one writer).

Errors are raised as SQLAlchemy's, as if SQLAlchemy had run the statement: callers and the
"Prøv igen om lidt" handler see one kind of exception, and a lost connection is invalidated
so the pool does not hand it out again.
"""

import re
import sqlite3
from collections.abc import Mapping, Sequence
from datetime import date
from functools import cache
from typing import Any

from flask import Flask, g, has_app_context
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from .extensions import db

# ``:name`` placeholders (SQLite's named style); PostgreSQL's driver takes ``%(name)s``.
_NAMED = re.compile(r"(?<![:\w]):(\w+)")

# A date bound on SQLite is stored as SQLAlchemy stores it (ISO text); psycopg binds dates as
# dates. Registered with sqlite3 rather than converted per call: statements here bind dates
# directly. (SQLAlchemy converts its own dates before they reach the driver.)
sqlite3.register_adapter(date, date.isoformat)


def fetch_all(sql: str, params: Mapping[str, Any]) -> list[tuple]:
    cursor = _run("execute", sql, params)
    try:
        return cursor.fetchall()
    finally:
        cursor.close()


def fetch_one(sql: str, params: Mapping[str, Any]) -> tuple | None:
    rows = fetch_all(sql, params)
    return rows[0] if rows else None


def execute(sql: str, params: Mapping[str, Any]) -> int:
    """Run a write; returns the number of rows it changed."""
    cursor = _run("execute", sql, params)
    changed = cursor.rowcount
    cursor.close()
    return changed


def execute_many(sql: str, rows: Sequence[Mapping[str, Any]]) -> None:
    if rows:
        _run("executemany", sql, rows).close()


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


def _run(method: str, sql: str, params):
    bound = connection()
    dialect = bound.dialect
    statement = _for_dialect(sql, dialect.name)
    cursor = None
    try:
        cursor = bound.connection.cursor()
        getattr(cursor, method)(statement, params)
    except dialect.loaded_dbapi.Error as error:
        lost = dialect.is_disconnect(error, bound.connection, cursor)
        if lost:
            bound.invalidate(error)
        raise DBAPIError.instance(
            statement,
            params,
            error,
            dialect.loaded_dbapi.Error,
            connection_invalidated=lost,
            dialect=dialect,
        ) from error
    return cursor


@cache
def _for_dialect(sql: str, dialect: str) -> str:
    return sql if dialect == "sqlite" else _NAMED.sub(r"%(\1)s", sql)
