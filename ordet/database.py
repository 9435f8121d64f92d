"""The request's one session: what the two engines spell differently, and ending it safely.

Every statement of a request runs on ``db.session`` (the ORM where it reads and writes
objects, Core statements where a screen writes rows), in one transaction committed once.
"""

from collections.abc import Callable

from flask import Flask, current_app
from sqlalchemy import JSON, Executable, Insert, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction

from .extensions import db

DIALECT_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def per_dialect(build: Callable[[Callable[[Table], Insert]], Executable]):
    """A statement that needs the dialect's ``insert`` (for ``on_conflict_do_update``, an
    upsert, which both engines have but SQL does not standardise), built once per dialect:
    ``build(insert)`` makes it. Returns a function giving the app's engine's statement."""
    built = {name: build(insert) for name, insert in DIALECT_INSERTS.items()}
    return lambda: built[db.engine.dialect.name]


class json_object_agg(GenericFunction):  # noqa: N801 (named as the SQL function)
    """A JSON object of (key, value) pairs over the rows of a group; no rows give ``{}``
    on SQLite and NULL on PostgreSQL."""

    type = JSON()
    inherit_cache = True


@compiles(json_object_agg, "sqlite")
def _json_group_object(element, compiler, **kw) -> str:
    return f"json_group_object({compiler.process(element.clauses, **kw)})"


def discard() -> None:
    """Undo this request's writes. On a connection the database dropped, the rollback cannot
    reach the server: the session then lets its connections go instead (the database undoes
    what it had when the connection ended)."""
    try:
        db.session.rollback()
    except SQLAlchemyError:
        db.session().invalidate()


def init_app(app: Flask) -> None:
    # Registered after Flask-SQLAlchemy's own teardown, so it runs first: the connection may
    # die between the response and the teardown's rollback, and the response (a saved
    # answer, a page) must still reach the tablet rather than the server's bare error.
    @app.teardown_appcontext
    def end_session(error: BaseException | None) -> None:
        if not db.session.registry.has():
            return
        try:
            db.session.close()
        except SQLAlchemyError as failure:
            current_app.logger.warning("database gone at teardown: %s", type(failure).__name__)
            db.session().invalidate()
