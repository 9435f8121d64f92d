"""What changes a response. Plain functions: they write, the request commits once.

Drafts are plain values (``drafts.Draft``), written with Core statements on the request's
session; which answers a draft may hold is ``answers``.
"""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, delete, insert, or_, select, update

from ..database import per_dialect
from ..extensions import db
from ..org.models import Tilbud
from ..questionnaires.model import Questionnaire
from ..results.counts import add_response
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
    inserted = db.session.execute(
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
        organisation_slug=questionnaire.organisation,  # set when it has own questions
        **values,
    )


_STILL_DRAFT = (RESPONSE.c.id == bindparam("draft_id"), RESPONSE.c.status == DRAFT)
# Changes only a row that is still a draft: a closed response is never changed.
_TOUCH = (
    update(RESPONSE)
    .where(*_STILL_DRAFT)
    .values(answered_week=bindparam("week"), assisted=bindparam("help"))
)
_COMPLETE = (
    update(RESPONSE)
    .where(*_STILL_DRAFT)
    .values(
        status=COMPLETE,
        answered_week=bindparam("week"),
        assisted=bindparam("help"),
        draft_key_hash=None,
    )
)
_CLOSE_PARTIAL = (
    update(RESPONSE)
    .where(*_STILL_DRAFT)
    .values(status=PARTIAL, draft_key_hash=None, answered_week=bindparam("week"))
)


def _answers_upsert(insert):
    upsert = insert(ANSWER)
    return upsert.on_conflict_do_update(
        index_elements=[ANSWER.c.response_id, ANSWER.c.question_key],
        set_={"value": upsert.excluded.value},
    )


_SAVE_ANSWERS = per_dialect(_answers_upsert)
_DELETE_EMPTY_DRAFT = delete(RESPONSE).where(*_STILL_DRAFT)
_DELETE_ANSWERS = delete(ANSWER).where(
    ANSWER.c.response_id == bindparam("draft_id"),
    ANSWER.c.question_key.in_(bindparam("keys", expanding=True)),
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
    if complete:
        _claim(draft, today, assisted)
    elif _change_row(_TOUCH, draft, today, assisted) != 1:  # closed by another request since
        raise InvalidAnswer(_l("Besvarelsen er allerede afsluttet."))
    if gone:
        db.session.execute(_DELETE_ANSWERS, {"draft_id": draft.id, "keys": gone})
    if changed:
        db.session.execute(
            _SAVE_ANSWERS(),
            [{"response_id": draft.id, "question_key": k, "value": v} for k, v in changed],
        )
    draft.answers, draft.assisted = answers, assisted
    if complete:
        add_response(draft, week_of(today))


def submit(draft: Draft, today: date) -> None:
    """Close a draft as complete. Calling it again changes nothing.

    Raises ``AlreadyClosed`` if a concurrent request completed the same draft first: the
    status changes only where it is still a draft, so a response is never counted twice.
    """
    if draft.status != DRAFT:
        return
    _claim(draft, today, draft.assisted)
    add_response(draft, week_of(today))


def _change_row(statement, draft: Draft, today: date, assisted: str | None) -> int:
    changed = db.session.execute(
        statement,
        {"draft_id": draft.id, "week": week_of(today), "help": assisted},
    )
    return changed.rowcount


def _claim(draft: Draft, today: date, assisted: str | None) -> None:
    """Mark the draft complete, or raise ``AlreadyClosed``."""
    if _change_row(_COMPLETE, draft, today, assisted) != 1:
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
    if not draft.answers:
        db.session.execute(_DELETE_EMPTY_DRAFT, {"draft_id": draft.id})
        return
    week = week_of(today)
    claimed = db.session.execute(_CLOSE_PARTIAL, {"draft_id": draft.id, "week": week})
    if claimed.rowcount == 1:
        draft.status = PARTIAL
        add_response(draft, week)


def close_stale_drafts(today: date) -> int:
    """Close kiosk drafts last touched before this week (a tablet switched off mid-way).

    A link draft may be resumed on a later day, so it stays open until its round closes.
    """
    round_closed = or_(ROUND.c.closes_on < today, ROUND.c.closed_early.is_(True))
    stale = db.session.scalars(
        select(RESPONSE.c.id)
        .join(ROUND, ROUND.c.id == RESPONSE.c.round_id)
        .where(
            RESPONSE.c.status == DRAFT,
            RESPONSE.c.answered_week < week_of(today),
            or_(RESPONSE.c.channel == KIOSK, round_closed),
        )
    ).all()
    for response_id in stale:
        draft = draft_by_id(response_id)
        if draft is not None:
            abandon(draft, today)
    return len(stale)
