"""What changes a response. Plain functions: they flush, the request commits once."""

from datetime import date
from functools import cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, or_
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..org.models import Tilbud
from ..questionnaires.model import Question, Questionnaire
from ..results.counts import add_response
from ..rounds.models import Round
from ..security import hash_secret
from .models import COMPLETE, DRAFT, KIOSK, PARTIAL, Answer, Response

ASSISTED_QUESTION = "hjaelp"


class InvalidAnswer(ValueError):
    """An answer the question does not allow; the message is shown to the respondent."""


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
) -> Response:
    """Open a draft that only the holder of ``draft_key`` can continue."""
    response = Response(
        round_id=round_.id,
        tilbud_id=tilbud.id,
        questionnaire=questionnaire.key,
        questionnaire_version=questionnaire.version,
        channel=channel,
        language=language,
        status=DRAFT,
        answered_on=today,
        draft_key_hash=hash_secret(draft_key),
    )
    db.session.add(response)
    db.session.flush()
    return response


def find_draft(draft_key: str | None) -> Response | None:
    if not draft_key:
        return None
    return db.session.scalar(
        db.select(Response).where(
            Response.draft_key_hash == hash_secret(draft_key), Response.status == DRAFT
        )
    )


def find_draft_in_round(draft_key: str | None) -> tuple[Response | None, Round | None]:
    """The draft with its answers, and its round, for a request that continues it.

    One round trip instead of three (draft, round, then the answers on first use): this runs
    on every question screen.
    """
    if not draft_key:
        return None, None
    row = db.session.execute(_draft_in_round(), {"key_hash": hash_secret(draft_key)})
    found = row.unique().first()
    return (found[0], found[1]) if found else (None, None)


@cache
def _draft_in_round():
    # Built once: composing the statement cost about as much as running it.
    return (
        db.select(Response, Round)
        .join(Round, Round.id == Response.round_id)
        .where(Response.draft_key_hash == bindparam("key_hash"), Response.status == DRAFT)
        .options(joinedload(Response.answers))
    )


def answers_of(response: Response) -> dict[str, str]:
    return {answer.question_key: answer.value for answer in response.answers}


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


def record(
    response: Response,
    questionnaire: Questionnaire,
    question_key: str,
    raw: str | None,
    today: date,
) -> None:
    """Store (or replace) one answer on a draft. An empty text answer removes it."""
    question = _visible_question(response, questionnaire, question_key)
    value = clean_value(question, raw)
    existing = next((a for a in response.answers if a.question_key == question_key), None)
    if value == "":
        if existing is not None:
            response.answers.remove(existing)
    elif existing is None:
        response.answers.append(Answer(question_key=question_key, value=value))
    else:
        existing.value = value
    if question_key == ASSISTED_QUESTION:
        response.assisted = value or None
    _drop_hidden_answers(response, questionnaire)
    response.answered_on = today
    db.session.flush()


def skip(response: Response, questionnaire: Questionnaire, question_key: str, today: date) -> None:
    """Skipping is not an answer: any earlier answer to the question is removed."""
    _visible_question(response, questionnaire, question_key)
    existing = next((a for a in response.answers if a.question_key == question_key), None)
    if existing is not None:
        response.answers.remove(existing)
    if question_key == ASSISTED_QUESTION:
        response.assisted = None
    _drop_hidden_answers(response, questionnaire)
    response.answered_on = today
    db.session.flush()


def submit(response: Response, today: date) -> None:
    """Close a draft as complete. Calling it again changes nothing.

    Raises ``AlreadyClosed`` if a concurrent request completed the same draft first: the
    status changes only where it is still a draft, so a response is never counted twice.
    """
    if response.status != DRAFT:
        return
    db.session.flush()
    closed = {"status": COMPLETE, "answered_on": today, "draft_key_hash": None}
    table = Response.__table__
    claimed = db.session.execute(
        table.update().where(table.c.id == response.id, table.c.status == DRAFT).values(closed)
    )
    if claimed.rowcount != 1:
        raise AlreadyClosed
    for name, value in closed.items():
        set_committed_value(response, name, value)
    add_response(response)


def abandon(response: Response) -> None:
    """Close a draft nobody finished: kept as partial if it holds answers, else removed.

    Like ``submit``, it changes only a row that is still a draft: when a concurrent request
    closed it first, there is nothing left to do (and nothing is counted twice).
    """
    if response.status != DRAFT:
        return
    db.session.flush()
    table = Response.__table__
    still_draft = (table.c.id == response.id) & (table.c.status == DRAFT)
    if response.answers:
        closed = {"status": PARTIAL, "draft_key_hash": None}
        claimed = db.session.execute(table.update().where(still_draft).values(closed))
        if claimed.rowcount == 1:
            for name, value in closed.items():
                set_committed_value(response, name, value)
            add_response(response)
        else:
            db.session.expire(response)
    else:
        claimed = db.session.execute(table.delete().where(still_draft))
        if claimed.rowcount == 1:
            db.session.expunge(response)


def close_stale_drafts(today: date) -> int:
    """Close kiosk drafts last touched before today (a tablet switched off mid-way).

    A link draft may be resumed on a later day, so it stays open until its round closes.
    """
    round_closed = or_(Round.closes_on < today, Round.closed_early.is_(True))
    stale = db.session.scalars(
        db.select(Response)
        .join(Round, Round.id == Response.round_id)
        .where(
            Response.status == DRAFT,
            Response.answered_on < today,
            or_(Response.channel == KIOSK, round_closed),
        )
    ).all()
    for response in stale:
        abandon(response)
    return len(stale)


def _visible_question(
    response: Response, questionnaire: Questionnaire, question_key: str
) -> Question:
    if response.status != DRAFT:
        raise InvalidAnswer(_l("Besvarelsen er allerede afsluttet."))
    visible = questionnaire.visible_questions(answers_of(response))
    question = next((q for q in visible if q.key == question_key), None)
    if question is None:
        raise InvalidAnswer(_l("Det spørgsmål findes ikke i dette spørgeskema."))
    return question


def _drop_hidden_answers(response: Response, questionnaire: Questionnaire) -> None:
    """A follow-up answer goes when the answer it followed changes (e.g. help → "Nej")."""
    visible = {q.key for q in questionnaire.visible_questions(answers_of(response))}
    for answer in [a for a in response.answers if a.question_key not in visible]:
        response.answers.remove(answer)
