"""A draft as the question screens read it: one round trip, its answers as one JSON object."""

import json
from dataclasses import dataclass, field
from datetime import date

from .. import driver_sql
from ..extensions import db
from ..rounds.models import OPEN, status_on
from ..security import hash_secret
from .models import DRAFT


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
