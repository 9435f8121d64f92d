from ordet.answering.models import Answer, Response
from ordet.extensions import db


def test_a_response_stores_no_ip_device_or_time_of_day():
    columns = {c.name: c for c in Response.__table__.columns}
    assert set(columns) == {
        "id",
        "round_id",
        "tilbud_id",
        "questionnaire",
        "questionnaire_version",
        "channel",
        "language",
        "assisted",
        "status",
        "answered_week",
        "draft_key_hash",
    }
    assert str(columns["answered_week"].type) == "DATE"  # a Monday: see test_kiosk_flow
    assert {c.name for c in Answer.__table__.columns} == {
        "id",
        "response_id",
        "question_key",
        "value",
    }


def test_healthz_answers_when_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_healthz_says_unavailable_when_the_database_is_gone(app, tmp_path):
    from ordet import create_app

    broken = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/db.sqlite",
        }
    )
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable"}
    with broken.app_context():
        db.engine.dispose()
