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
