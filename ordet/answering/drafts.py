"""A draft as the question screens read it: one round trip, its answers as one JSON object."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import bindparam, select

from ..database import json_object_agg
from ..extensions import db
from ..org.models import Organisation
from ..rounds.models import OPEN, Round, status_on
from ..security import hash_secret
from .models import DRAFT, Answer, Response


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
    organisation_slug: str | None = None  # the round's: whose own questions are asked

    def round_is_open(self, today: date) -> bool:
        return self.round_dates is not None and status_on(today, *self.round_dates) == OPEN


def find_draft(draft_key: str | None) -> Draft | None:
    """The open draft of ``draft_key``, with its answers (one round trip: this runs on every
    question screen)."""
    if not draft_key:
        return None
    return _load(_BY_KEY, hash_secret(draft_key))


def draft_by_id(response_id: int) -> Draft | None:
    """The response ``response_id`` if it is still a draft."""
    db.session.flush()  # rows the ORM holds (tests, the demo data) are seen: Core doesn't flush
    return _load(_BY_ID, response_id)


RESPONSE = Response.__table__
ANSWER = Answer.__table__
ROUND = Round.__table__
ORGANISATION = Organisation.__table__

# A draft, its round's dates and its answers as one JSON object: one row however many answers
# there are (a row per answer, each repeating the draft's twelve columns, cost more to fetch
# than all the rest of the statement).
_ANSWERS = (
    select(json_object_agg(ANSWER.c.question_key, ANSWER.c.value))
    .where(ANSWER.c.response_id == RESPONSE.c.id)
    .scalar_subquery()
)
_DRAFTS = (
    select(
        RESPONSE.c.id,
        RESPONSE.c.round_id,
        RESPONSE.c.tilbud_id,
        RESPONSE.c.questionnaire,
        RESPONSE.c.questionnaire_version,
        RESPONSE.c.channel,
        RESPONSE.c.language,
        RESPONSE.c.assisted,
        ROUND.c.opens_on,
        ROUND.c.closes_on,
        ROUND.c.closed_early,
        ROUND.c.organisation_id,
        _ANSWERS,
        ORGANISATION.c.slug,
    )
    .join(ROUND, ROUND.c.id == RESPONSE.c.round_id)
    .join(ORGANISATION, ORGANISATION.c.id == ROUND.c.organisation_id)
    .where(RESPONSE.c.status == DRAFT)
)


_BY_KEY = _DRAFTS.where(RESPONSE.c.draft_key_hash == bindparam("key"))
_BY_ID = _DRAFTS.where(RESPONSE.c.id == bindparam("key"))


def _load(statement, key: str | int) -> Draft | None:
    row = db.session.execute(statement, {"key": key}).first()
    if row is None:
        return None
    (id_, round_id, tilbud_id, variant, version, channel, language, assisted) = row[:8]
    opens_on, closes_on, closed_early, organisation_id, answers, organisation_slug = row[8:14]
    return Draft(
        id=id_,
        round_id=round_id,
        tilbud_id=tilbud_id,
        questionnaire=variant,
        questionnaire_version=version,
        channel=channel,
        language=language,
        assisted=assisted,
        answers=answers or {},  # no answers: "{}" on SQLite, NULL on PostgreSQL
        round_dates=(opens_on, closes_on, bool(closed_early)),
        organisation_id=organisation_id,
        organisation_slug=organisation_slug,
    )
