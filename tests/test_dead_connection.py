"""A database connection that dies as a page ends: the tablet still gets the app's own page.

Seen under a fault test (PostgreSQL backends terminated every 0.2 s): the connection died
between the view and the teardown, whose rollback then raised, and the server answered with
its bare English "Internal Server Error" instead of the page the view had made.
"""

import pytest
from sqlalchemy import create_engine, text

from ordet.answering.models import Answer
from ordet.extensions import db

from . import kiosk_helpers as kiosk
from .factories import enrol, make_round, make_tilbud


@pytest.fixture
def killer(app, database_url):
    """Once armed, ends each request's database connection from outside after the view has
    made its response, as a restarted or overloaded database server would."""
    engine = create_engine(database_url)
    armed = {"on": False}

    @app.after_request
    def terminate(response):
        if armed["on"]:
            pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar_one()
            with engine.connect() as other:
                other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        return response

    yield armed
    engine.dispose()


@pytest.fixture
def kiosk_client(app, killer, client):
    tilbud = make_tilbud(name="Bostedet Ustabil")
    make_round([tilbud])
    db.session.commit()
    enrol(client, tilbud)
    kiosk.start(client)
    return client


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_connection_dying_before_teardown_still_gives_the_page(kiosk_client, killer):
    killer["on"] = True
    page = kiosk_client.get("/svar/1")
    assert page.status_code == 200
    assert 'name="question"' in page.text
    # The next screen works on a fresh connection.
    assert kiosk_client.get("/svar/1").status_code == 200


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_saved_answer_is_kept_when_the_connection_dies_after_the_commit(kiosk_client, killer):
    killer["on"] = True
    saved = kiosk.answer(kiosk_client, 1, "ja")
    assert saved.status_code == 302
    killer["on"] = False
    db.session.expire_all()
    assert [a.value for a in db.session.scalars(db.select(Answer))] == ["ja"]
