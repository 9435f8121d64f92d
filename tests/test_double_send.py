"""Two presses of "Send" at the same moment: one response stored, and counted once."""

from datetime import date

import pytest
from sqlalchemy import func, update

from ordet.answering import services
from ordet.answering.models import COMPLETE, Response
from ordet.extensions import db
from ordet.questionnaires import latest
from ordet.results.models import RESPONSES_KEY, ResultCount

from .factories import make_round, make_tilbud


def counted_responses() -> int:
    return db.session.scalar(
        db.select(func.coalesce(func.sum(ResultCount.count), 0)).where(
            ResultCount.question_key == RESPONSES_KEY
        )
    )


def answered_draft():
    """A committed draft with one answer, as another request will find it."""
    unit = make_tilbud()
    round_ = make_round([unit])
    draft = services.start(round_, unit, latest("borger"), "kiosk", "da", "key-1", date.today())
    services.record(draft, latest("borger"), "tryg", "ja", date.today())
    db.session.commit()
    round_id = round_.id
    db.session.expunge_all()
    return round_id


def completed_by_another_request(response_id: int) -> None:
    with db.engine.begin() as first:
        first.execute(
            update(Response)
            .where(Response.id == response_id)
            .values(status=COMPLETE, draft_key_hash=None)
        )


def test_the_slower_of_two_sends_changes_nothing(app):
    round_id = answered_draft()

    # The second press loaded the draft; meanwhile the first press completes it and commits.
    second = services.find_draft("key-1")
    assert second is not None and second.round_id == round_id
    assert second.answers == {"tryg": "ja"}
    completed_by_another_request(second.id)

    with pytest.raises(services.AlreadyClosed):
        services.submit(second, date.today())
    db.session.rollback()

    assert counted_responses() == 0  # the first press counts it; the second adds nothing
    statuses = db.session.scalars(db.select(Response.status)).all()
    assert statuses == [COMPLETE]


def test_a_single_send_is_counted_once(app):
    unit = make_tilbud()
    round_ = make_round([unit])
    borger = latest("borger")
    draft = services.start(round_, unit, borger, "kiosk", "da", "key-1", date.today())
    services.record(draft, borger, "tryg", "ja", date.today())
    services.submit(draft, date.today())
    services.submit(draft, date.today())  # calling it again changes nothing
    db.session.commit()

    assert counted_responses() == 1
    assert db.session.scalar(db.select(Response.draft_key_hash)) is None
    assert services.find_draft("key-1") is None


def test_a_last_answer_sent_after_another_send_is_not_stored(app):
    answered_draft()

    # The second press read the draft and its new last answer before the first press committed.
    second = services.find_draft("key-1")
    last_answers = services.answers_with(second, latest("borger"), "hjaelp", "nej")
    completed_by_another_request(second.id)

    with pytest.raises(services.AlreadyClosed):
        services.save(second, last_answers, date.today(), complete=True)
    db.session.rollback()

    [stored] = db.session.scalars(db.select(Response)).all()
    assert stored.status == COMPLETE and stored.assisted is None
    assert {a.question_key: a.value for a in stored.answers} == {"tryg": "ja"}
    assert counted_responses() == 0  # only the first press counts it
