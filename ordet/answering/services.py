"""What changes a response. Plain functions: they write, the request commits once.

Drafts are plain values (``drafts.Draft``), written with the few fixed statements below
(``driver_sql``); which answers a draft may hold is ``answers``. Rare writes (closing a draft
nobody finished, removing answers) are Core statements.
"""

from dataclasses import replace
from datetime import date
from functools import cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, delete, insert, or_, select, update

from .. import driver_sql
from ..org.models import Tilbud
from ..questionnaires.model import Questionnaire
from ..results.counts import add_counts_sql, add_response, count_params
from ..rounds.models import Round
from ..security import hash_secret
from ..weeks import week_of
from .answers import InvalidAnswer as InvalidAnswer
from .answers import answers_with as answers_with
from .answers import answers_without as answers_without
from .drafts import Draft as Draft
from .drafts import draft_by_id as draft_by_id
from .drafts import find_draft as find_draft
from .models import COMPLETE, DRAFT, KIOSK, PARTIAL, Answer, Response

ASSISTED_QUESTION = "hjaelp"

RESPONSE = Response.__table__
ANSWER = Answer.__table__
ROUND = Round.__table__


class AlreadyClosed(Exception):
    """Another request closed this draft first (e.g. "Send" pressed twice at once)."""


def start(
    round_: Round,
    tilbud: Tilbud,
    questionnaire: Questionnaire,
    channel: str,
    language: str,
    draft_key: str,
    today: date,
) -> Draft:
    """Open a draft that only the holder of ``draft_key`` can continue."""
    values = {
        "round_id": round_.id,
        "tilbud_id": tilbud.id,
        "questionnaire": questionnaire.key,
        "questionnaire_version": questionnaire.version,
        "channel": channel,
        "language": language,
    }
    inserted = driver_sql.connection().execute(
        insert(RESPONSE).values(
            **values,
            status=DRAFT,
            answered_week=week_of(today),
            draft_key_hash=hash_secret(draft_key),
        )
    )
    return Draft(
        id=inserted.inserted_primary_key[0],
        round_dates=(round_.opens_on, round_.closes_on, round_.closed_early),
        organisation_id=round_.organisation_id,
        **values,
    )


TOUCH_SQL = """
UPDATE response SET answered_week = :answered_week, assisted = :assisted
WHERE id = :draft_id AND status = :draft
"""
UPSERT_ANSWER_SQL = """
INSERT INTO answer (response_id, question_key, value) VALUES (:response_id, :question_key, :value)
ON CONFLICT (response_id, question_key) DO UPDATE SET value = excluded.value
"""
COMPLETE_SQL = """
UPDATE response
SET status = :complete, answered_week = :answered_week, assisted = :assisted, draft_key_hash = NULL
WHERE id = :draft_id AND status = :draft
"""


@cache
def _delete_answers():
    return delete(ANSWER).where(
        ANSWER.c.response_id == bindparam("draft_id"),
        ANSWER.c.question_key.in_(bindparam("keys", expanding=True)),
    )


@cache
def _close_partial():
    return (
        update(RESPONSE)
        .where(RESPONSE.c.id == bindparam("draft_id"), RESPONSE.c.status == DRAFT)
        .values(status=PARTIAL, draft_key_hash=None, answered_week=bindparam("week"))
    )


@cache
def _delete_empty_draft():
    return delete(RESPONSE).where(
        RESPONSE.c.id == bindparam("draft_id"), RESPONSE.c.status == DRAFT
    )


def record(
    draft: Draft, questionnaire: Questionnaire, question_key: str, raw: str | None, today: date
) -> None:
    """Store (or replace) one answer on a draft. An empty text answer removes it."""
    save(draft, answers_with(draft, questionnaire, question_key, raw), today)


def skip(draft: Draft, questionnaire: Questionnaire, question_key: str, today: date) -> None:
    save(draft, answers_without(draft, questionnaire, question_key), today)


def save(draft: Draft, answers: dict[str, str], today: date, *, complete: bool = False) -> None:
    """Write ``answers`` (from ``answers_with`` or ``answers_without``) where they changed;
    with ``complete``, also close the draft as complete and count it, as ``submit`` does.

    The response row is changed first, only where it is still a draft, which locks it until
    the commit: a concurrent save or "Send" of the same draft waits, then finds it closed.
    The last screen's answer and the completion are one change of the row, not two. "Fik du
    hjælp" is copied to the response so results can be split by it.
    """
    assisted = answers.get(ASSISTED_QUESTION)
    gone = [key for key in draft.answers if key not in answers]
    changed = [(key, value) for key, value in answers.items() if draft.answers.get(key) != value]
    one_statement = complete and driver_sql.dialect_name() == "postgresql"
    if one_statement:
        finished = replace(draft, answers=answers, assisted=assisted, status=COMPLETE)
        _complete_in_one_statement(finished, today, gone, changed)
    else:
        if complete:
            _claim(draft, today, assisted)
        elif _touch(draft, today, assisted) != 1:  # closed by another request since it was read
            raise InvalidAnswer(_l("Besvarelsen er allerede afsluttet."))
        if gone:
            driver_sql.connection().execute(_delete_answers(), {"draft_id": draft.id, "keys": gone})
        driver_sql.execute_many(
            UPSERT_ANSWER_SQL,
            [{"response_id": draft.id, "question_key": k, "value": v} for k, v in changed],
        )
    draft.answers, draft.assisted = answers, assisted
    if complete:
        draft.status = COMPLETE
        if not one_statement:
            add_response(draft, week_of(today))


def _complete_in_one_statement(
    finished: Draft, today: date, gone: list[str], changed: list[tuple[str, str]]
) -> None:
    """PostgreSQL: close the draft, write the last screen's answer and count the response in
    one statement, or raise ``AlreadyClosed`` having changed nothing.

    A submit's four statements cost a round trip each, and on PostgreSQL the database's work
    per statement shares the cores with the app. Its writes wait on the completion's row
    lock like the sequence of statements on SQLite, and happen only if the completion
    claimed the row (the ``claimed`` expression is empty otherwise).
    """
    counts, rows = count_params(finished, week_of(today))
    params = {
        **counts,
        "draft_id": finished.id,
        "draft": DRAFT,
        "complete": COMPLETE,
        "answered_week": week_of(today),
        "assisted": finished.assisted,
    }
    for i, key in enumerate(gone):
        params[f"gone_{i}"] = key
    for i, (key, value) in enumerate(changed):
        params[f"key_{i}"], params[f"value_{i}"] = key, value
    (claimed,) = driver_sql.fetch_one(_complete_sql(len(gone), len(changed), rows), params)
    if claimed != 1:
        raise AlreadyClosed


@cache
def _complete_sql(gone: int, changed: int, counts: int) -> str:
    """``COMPLETE_SQL``, the answer's delete and upsert and the counts as one statement, for
    ``gone`` removed answers, ``changed`` changed answers and ``counts`` count rows."""
    # Only placeholder names are put into the text; every value is bound.
    steps = [f"claimed AS ({COMPLETE_SQL}RETURNING id)"]
    if gone:
        keys = ", ".join(f":gone_{i}" for i in range(gone))
        steps.append(
            "gone AS (DELETE FROM answer\n"  # noqa: S608
            f"WHERE response_id IN (SELECT id FROM claimed) AND question_key IN ({keys}))"
        )
    if changed:
        values = ", ".join(f"(:key_{i}, :value_{i})" for i in range(changed))
        steps.append(
            "saved AS (INSERT INTO answer (response_id, question_key, value)\n"
            "SELECT claimed.id, changed.question_key, changed.value\n"
            f"FROM claimed, (VALUES {values}) AS changed (question_key, value)\n"
            "ON CONFLICT (response_id, question_key) DO UPDATE SET value = excluded.value)"
        )
    steps.append(f"counted AS ({add_counts_sql(counts, only_if_row_in='claimed')})")
    return "WITH " + ",\n".join(steps) + "\nSELECT count(*) FROM claimed"


def submit(draft: Draft, today: date) -> None:
    """Close a draft as complete. Calling it again changes nothing.

    Raises ``AlreadyClosed`` if a concurrent request completed the same draft first: the
    status changes only where it is still a draft, so a response is never counted twice.
    """
    if draft.status != DRAFT:
        return
    _claim(draft, today, draft.assisted)
    add_response(draft, week_of(today))


def _touch(draft: Draft, today: date, assisted: str | None) -> int:
    return driver_sql.execute(
        TOUCH_SQL,
        {
            "draft_id": draft.id,
            "draft": DRAFT,
            "answered_week": week_of(today),
            "assisted": assisted,
        },
    )


def _claim(draft: Draft, today: date, assisted: str | None) -> None:
    """Mark the draft complete, or raise ``AlreadyClosed``."""
    claimed = driver_sql.execute(
        COMPLETE_SQL,
        {
            "draft_id": draft.id,
            "draft": DRAFT,
            "complete": COMPLETE,
            "answered_week": week_of(today),
            "assisted": assisted,
        },
    )
    if claimed != 1:
        raise AlreadyClosed
    draft.status = COMPLETE


def abandon(draft: Draft, today: date) -> None:
    """Close a draft nobody finished: kept as partial if it holds answers, else removed.

    Its week becomes this week: a response is always finished in the week it carries, so a
    week the results have already published never gains a response (``results.releases``).

    Like ``submit``, it changes only a row that is still a draft: when a concurrent request
    closed it first, there is nothing left to do (and nothing is counted twice).
    """
    if draft.status != DRAFT:
        return
    connection = driver_sql.connection()
    if not draft.answers:
        connection.execute(_delete_empty_draft(), {"draft_id": draft.id})
        return
    week = week_of(today)
    claimed = connection.execute(_close_partial(), {"draft_id": draft.id, "week": week})
    if claimed.rowcount == 1:
        draft.status = PARTIAL
        add_response(draft, week)


def close_stale_drafts(today: date) -> int:
    """Close kiosk drafts last touched before this week (a tablet switched off mid-way).

    A link draft may be resumed on a later day, so it stays open until its round closes.
    """
    round_closed = or_(ROUND.c.closes_on < today, ROUND.c.closed_early.is_(True))
    stale = (
        driver_sql.connection()
        .scalars(
            select(RESPONSE.c.id)
            .join(ROUND, ROUND.c.id == RESPONSE.c.round_id)
            .where(
                RESPONSE.c.status == DRAFT,
                RESPONSE.c.answered_week < week_of(today),
                or_(RESPONSE.c.channel == KIOSK, round_closed),
            )
        )
        .all()
    )
    for response_id in stale:
        draft = draft_by_id(response_id)
        if draft is not None:
            abandon(draft, today)
    return len(stale)
