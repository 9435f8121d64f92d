"""The question screens' hand-written SQL fails like SQLAlchemy's own, on both engines."""

from datetime import date

import pytest
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from ordet import driver_sql
from ordet.extensions import db


def test_named_parameters_and_dates_round_trip(app):
    row = driver_sql.fetch_one("SELECT :number, :day", {"number": 7, "day": date(2026, 3, 1)})
    assert row[0] == 7
    assert driver_sql.date_value(row[1]) == date(2026, 3, 1)


def test_a_failed_statement_is_sqlalchemys_error_and_the_session_goes_on(app):
    # The "Prøv igen om lidt" page and the rollback that follows it expect SQLAlchemy's errors.
    with pytest.raises(SQLAlchemyError):
        driver_sql.execute("UPDATE no_such_table SET x = 1", {})
    db.session.rollback()
    assert driver_sql.fetch_one("SELECT :n", {"n": 1}) == (1,)


def test_a_lost_connection_is_invalidated_so_the_next_request_gets_a_new_one(app):
    db.session.connection().connection.driver_connection.close()  # as if the server went away
    with pytest.raises(DBAPIError) as raised:
        driver_sql.fetch_one("SELECT :n", {"n": 1})
    assert raised.value.connection_invalidated
    db.session.rollback()
    assert driver_sql.fetch_one("SELECT :n", {"n": 2}) == (2,)


def test_a_question_screen_keeps_what_it_committed_and_nothing_else(app):
    # The question screens write on a connection of their own (not the ORM session's): a
    # request that fails before its commit must leave nothing behind, and a committed one must
    # be there for the next request, on both engines. Each request has its own app context,
    # as in production, where the connection goes back to the pool at its end.
    driver_sql.execute("CREATE TABLE plain_test (value VARCHAR(10))", {})
    db.session.commit()

    def screen_request():
        return app.app_context(), app.test_request_context("/svar/1", method="POST")

    first_context, first_request = screen_request()
    with first_context, first_request:
        driver_sql.use_plain_connection()
        driver_sql.execute("INSERT INTO plain_test (value) VALUES (:v)", {"v": "kept"})
        driver_sql.commit()
        driver_sql.execute("INSERT INTO plain_test (value) VALUES (:v)", {"v": "unfinished"})
    second_context, second_request = screen_request()
    with second_context, second_request:
        driver_sql.use_plain_connection()
        driver_sql.execute("INSERT INTO plain_test (value) VALUES (:v)", {"v": "undone"})
        driver_sql.rollback()
        assert driver_sql.fetch_all("SELECT value FROM plain_test", {}) == [("kept",)]
    assert driver_sql.fetch_all("SELECT value FROM plain_test", {}) == [("kept",)]
