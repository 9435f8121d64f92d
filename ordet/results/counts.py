"""Keeping ``ResultCount`` right: one upsert per finished response, and a full recount.

Partial responses count for the questions they answered; drafts never count. Free text is
counted as ``TEXT_VALUE`` (how many wrote something), never copied into the counts.
"""

from collections.abc import Iterable
from datetime import date
from functools import cache
from typing import Protocol

from sqlalchemy import and_, bindparam, case, delete, func, literal, or_, select

from ..answering.models import COMPLETE, PARTIAL, Answer, Response
from ..database import DIALECT_INSERTS
from ..extensions import db
from ..questionnaires import loader
from .models import RESPONSES_KEY, TEXT_VALUE, ResultCount

KEY_COLUMNS = (
    "round_id",
    "tilbud_id",
    "questionnaire",
    "questionnaire_version",
    "question_key",
    "value",
    "assisted",
    "answered_week",
)


def text_keys() -> dict[tuple[str, int], frozenset[str]]:
    """The free-text question keys of every questionnaire version."""
    return {
        ident: frozenset(q.key for q in questionnaire.questions if q.is_text)
        for ident, questionnaire in loader.all_versions().items()
    }


class Countable(Protocol):
    """What a finished response gives the counts (``answering.services.Draft``)."""

    round_id: int
    tilbud_id: int
    questionnaire: str
    questionnaire_version: int
    status: str
    assisted: str | None
    answers: dict[str, str]


def add_response(response: Countable, week: date) -> None:
    """Count a response that was just completed or abandoned as partial in ``week``: one
    statement adds one to each of its count rows (or starts them)."""
    if response.status not in (COMPLETE, PARTIAL):
        return
    rows = count_rows(response, week)
    params = {f"{column}_{i}": value for i, row in enumerate(rows) for column, value in row.items()}
    db.session.execute(_add_counts(db.engine.dialect.name, len(rows)), params)


_COUNTS = ResultCount.__table__


@cache
def _add_counts(dialect: str, rows: int):
    """The upsert of ``rows`` count rows, built once per dialect and number of rows: row ``i``
    binds ``round_id_i``, ``question_key_i`` and so on (see ``add_response``)."""
    values = [{column: bindparam(f"{column}_{i}") for column in KEY_COLUMNS} for i in range(rows)]
    statement = DIALECT_INSERTS[dialect](_COUNTS).values([{**v, "count": 1} for v in values])
    return statement.on_conflict_do_update(
        index_elements=list(KEY_COLUMNS), set_={"count": _COUNTS.c.count + 1}
    )


def count_rows(response: Countable, week: date) -> list[dict[str, object]]:
    """The count rows a finished response adds one to."""
    questionnaire = loader.get(response.questionnaire, response.questionnaire_version)
    texts = {q.key for q in questionnaire.questions if q.is_text} if questionnaire else set()
    common = {
        "round_id": response.round_id,
        "tilbud_id": response.tilbud_id,
        "questionnaire": response.questionnaire,
        "questionnaire_version": response.questionnaire_version,
        "assisted": response.assisted or "",
        "answered_week": week,
    }
    rows = [(RESPONSES_KEY, response.status)]
    rows += [(key, TEXT_VALUE if key in texts else v) for key, v in response.answers.items()]
    # A fixed order: two submits for the same tilbud take the row locks in the same order
    # and cannot deadlock each other on PostgreSQL.
    rows.sort()
    return [{**common, "question_key": key, "value": value} for key, value in rows]


def _counted_value():
    """SQL for the value to count: TEXT_VALUE for free-text questions, else the answer."""
    text_conditions = [
        and_(
            Response.questionnaire == key,
            Response.questionnaire_version == version,
            Answer.question_key.in_(sorted(keys)),
        )
        for (key, version), keys in text_keys().items()
        if keys
    ]
    if not text_conditions:
        return Answer.value
    return case((or_(*text_conditions), literal(TEXT_VALUE)), else_=Answer.value)


def recount(round_ids: Iterable[int] | None = None) -> int:
    """Rebuild the counts from the raw answers (all rounds, or ``round_ids``). Returns rows."""
    ids = None if round_ids is None else list(round_ids)
    cleared = delete(ResultCount)
    if ids is not None:
        cleared = cleared.where(ResultCount.round_id.in_(ids))
    db.session.execute(cleared)
    finished = Response.status.in_((COMPLETE, PARTIAL))
    in_rounds = Response.round_id.in_(ids) if ids is not None else literal(True)
    assisted = func.coalesce(Response.assisted, "")
    common = (
        Response.round_id,
        Response.tilbud_id,
        Response.questionnaire,
        Response.questionnaire_version,
    )
    week = Response.answered_week
    value = _counted_value()
    answers = (
        select(*common, Answer.question_key, value, assisted, week, func.count())
        .join(Answer, Answer.response_id == Response.id)
        .where(finished, in_rounds)
        .group_by(*common, Answer.question_key, value, assisted, week)
    )
    responses = (
        select(*common, literal(RESPONSES_KEY), Response.status, assisted, week, func.count())
        .where(finished, in_rounds)
        .group_by(*common, Response.status, assisted, week)
    )
    for query in (answers, responses):
        db.session.execute(db.insert(ResultCount).from_select([*KEY_COLUMNS, "count"], query))
    db.session.flush()
    return db.session.scalar(select(func.count()).select_from(ResultCount)) or 0
