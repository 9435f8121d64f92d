"""What changes a response. Plain functions: they flush, the request commits once."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_

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
    response: Response, questionnaire: Questionnaire, question_key: str, raw: str | None, today: date
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
    """Close a draft as complete. Calling it again changes nothing."""
    if response.status != DRAFT:
        return
    response.status = COMPLETE
    response.answered_on = today
    response.draft_key_hash = None
    db.session.flush()
    add_response(response)


def abandon(response: Response) -> None:
    """Close a draft nobody finished: kept as partial if it holds answers, else removed."""
    if response.status != DRAFT:
        return
    if response.answers:
        response.status = PARTIAL
        response.draft_key_hash = None
        db.session.flush()
        add_response(response)
    else:
        db.session.delete(response)
    db.session.flush()


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
