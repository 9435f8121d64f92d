"""Which answers a draft may hold: checked and computed, nothing written."""

from flask_babel import lazy_gettext as _l

from ..questionnaires.model import Question, Questionnaire
from .drafts import Draft
from .models import DRAFT

# "Næste" without a choice: what to do, kindly (skipping is allowed). Offline too (offline.bundle).
NO_CHOICE = _l("Vælg et svar. Eller tryk på Spring over.")


class InvalidAnswer(ValueError):
    """An answer the question does not allow; the message is shown to the respondent."""


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
    if not raw:  # "Næste" with nothing chosen: say what to do, skipping is allowed
        raise InvalidAnswer(NO_CHOICE)
    if question.option(raw) is None:
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


def _visible_question(draft: Draft, questionnaire: Questionnaire, question_key: str) -> Question:
    if draft.status != DRAFT:
        raise InvalidAnswer(_l("Besvarelsen er allerede afsluttet."))
    visible = questionnaire.visible_questions(draft.answers)
    question = next((q for q in visible if q.key == question_key), None)
    if question is None:
        raise InvalidAnswer(_l("Det spørgsmål findes ikke i dette spørgeskema."))
    return question
