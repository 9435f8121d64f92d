"""What changes a response. Plain functions: they write, the request commits once.

A screen save is the hottest path of the app (a dozen per questionnaire, hundreds of tablets at
once), so drafts are plain values (``Draft``), read and written with the few fixed statements
below on the driver's cursor (``driver_sql``): the ORM cost about twice as much per save as
SQLAlchemy Core, and Core's execution layer more than the database's own work. Rare writes
(closing a draft nobody finished, removing answers) stay on Core.
"""

import json
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, delete, insert, or_, select, update

from .. import driver_sql
from ..extensions import db
from ..org.models import Tilbud
from ..questionnaires.model import Question, Questionnaire
from ..results.counts import add_counts_sql, add_response, count_params
from ..rounds.models import OPEN, Round, status_on
from ..security import hash_secret
from ..weeks import week_of
from .models import COMPLETE, DRAFT, KIOSK, PARTIAL, Answer, Response

ASSISTED_QUESTION = "hjaelp"

RESPONSE = Response.__table__
ANSWER = Answer.__table__
ROUND = Round.__table__


class InvalidAnswer(ValueError):
    """An answer the question does not allow; the message is shown to the respondent."""


class AlreadyClosed(Exception):
    """Another request closed this draft first (e.g. "Send" pressed twice at once)."""


@dataclass
class Draft:
    """A response being answered, with its answers and its round's dates."""

    id: int
    round_id: int
    tilbud_id: int
    questionnaire: str
    questionnaire_version: int
    channel: str
    language: str
    assisted: str | None = None
    status: str = DRAFT
    answers: dict[str, str] = field(default_factory=dict)
    round_dates: tuple[date, date, bool] | None = None  # opens_on, closes_on, closed_early
    organisation_id: int | None = None  # the round's: whose read-aloud recordings play

    def round_is_open(self, today: date) -> bool:
        return self.round_dates is not None and status_on(today, *self.round_dates) == OPEN


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


def find_draft(draft_key: str | None) -> Draft | None:
    """The open draft of ``draft_key``, with its answers (one round trip: this runs on every
    question screen)."""
    if not draft_key:
        return None
    return _load(DRAFT_BY_KEY_SQL, hash_secret(draft_key))


def draft_by_id(response_id: int) -> Draft | None:
    """The response ``response_id`` if it is still a draft."""
    db.session.flush()  # rows the ORM holds (tests, the demo data) are seen
    return _load(DRAFT_BY_ID_SQL, response_id)


# A draft, its round's dates and its answers as one JSON object: one row however many answers
# there are (a row per answer, each repeating the draft's twelve columns, cost more to fetch
# than all the rest of the statement). The aggregate is the one thing the engines spell
# differently.
DRAFT_SQL = """
SELECT r.id, r.round_id, r.tilbud_id, r.questionnaire, r.questionnaire_version, r.channel,
       r.language, r.assisted, o.opens_on, o.closes_on, o.closed_early, o.organisation_id,
       (SELECT {answers} FROM answer AS a WHERE a.response_id = r.id)
FROM response AS r
JOIN round AS o ON o.id = r.round_id
WHERE r.status = :draft
"""
_ANSWERS_AS_JSON = {
    "sqlite": "json_group_object(a.question_key, a.value)",
    "postgresql": "json_object_agg(a.question_key, a.value)",
}
DRAFT_BY_KEY_SQL = {
    dialect: DRAFT_SQL.format(answers=answers) + "AND r.draft_key_hash = :key"
    for dialect, answers in _ANSWERS_AS_JSON.items()
}
DRAFT_BY_ID_SQL = {
    dialect: DRAFT_SQL.format(answers=answers) + "AND r.id = :key"
    for dialect, answers in _ANSWERS_AS_JSON.items()
}
# Changes only a row that is still a draft: a closed response is never changed.
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


def _load(sql: dict[str, str], key) -> Draft | None:
    row = driver_sql.fetch_one(sql[driver_sql.dialect_name()], {"draft": DRAFT, "key": key})
    if row is None:
        return None
    (id_, round_id, tilbud_id, variant, version, channel, language, assisted) = row[:8]
    opens_on, closes_on, closed_early, organisation_id, answers = row[8:13]
    return Draft(
        id=id_,
        round_id=round_id,
        tilbud_id=tilbud_id,
        questionnaire=variant,
        questionnaire_version=version,
        channel=channel,
        language=language,
        assisted=assisted,
        answers=_answers_from_json(answers),
        round_dates=(
            driver_sql.date_value(opens_on),
            driver_sql.date_value(closes_on),
            bool(closed_early),
        ),
        organisation_id=organisation_id,
    )


def _answers_from_json(answers: str | dict | None) -> dict[str, str]:
    """SQLite gives the JSON text ("{}" without answers), psycopg the parsed object (None
    without answers)."""
    if answers is None:
        return {}
    return json.loads(answers) if isinstance(answers, str) else answers


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


def clean_value(question: Question, raw: str | None) -> str:
    """The stored form of a submitted value, or ``InvalidAnswer``."""
    if question.is_text:
        text = (raw or "").replace("\r\n", "\n").strip()
        if len(text) > question.max_length:
            raise InvalidAnswer(
                _l(
                    "Teksten er for lang. Du kan skrive op til %(limit)s tegn.",
                    limit=question.max_length,
                )
            )
        return text
    if raw is None or question.option(raw) is None:
        raise InvalidAnswer(_l("Det svar findes ikke. Vælg et af svarene."))
    return raw


def answers_with(
    draft: Draft, questionnaire: Questionnaire, question_key: str, raw: str | None
) -> dict[str, str]:
    """The draft's answers with one answer stored or replaced (an empty text removes it).
    Nothing is written; raises ``InvalidAnswer``."""
    question = _visible_question(draft, questionnaire, question_key)
    value = clean_value(question, raw)
    answers = dict(draft.answers)
    if value == "":
        answers.pop(question_key, None)
    else:
        answers[question_key] = value
    return _still_asked(questionnaire, answers)


def answers_without(
    draft: Draft, questionnaire: Questionnaire, question_key: str
) -> dict[str, str]:
    """The draft's answers with a question skipped: skipping is not an answer, so any earlier
    answer to it goes. Nothing is written; raises ``InvalidAnswer``."""
    _visible_question(draft, questionnaire, question_key)
    answers = dict(draft.answers)
    answers.pop(question_key, None)
    return _still_asked(questionnaire, answers)


def _still_asked(questionnaire: Questionnaire, answers: dict[str, str]) -> dict[str, str]:
    """Only answers to questions still shown: a follow-up answer goes when the answer it
    followed changes (e.g. help → "Nej")."""
    visible = {q.key for q in questionnaire.visible_questions(answers)}
    return {key: value for key, value in answers.items() if key in visible}


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


def _visible_question(draft: Draft, questionnaire: Questionnaire, question_key: str) -> Question:
    if draft.status != DRAFT:
        raise InvalidAnswer(_l("Besvarelsen er allerede afsluttet."))
    visible = questionnaire.visible_questions(draft.answers)
    question = next((q for q in visible if q.key == question_key), None)
    if question is None:
        raise InvalidAnswer(_l("Det spørgsmål findes ikke i dette spørgeskema."))
    return question
