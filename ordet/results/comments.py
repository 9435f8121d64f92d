"""Free-text comments: which groups may show them, and redaction."""

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l

from ..answering.models import Answer, Response
from ..audit import record_event
from ..extensions import db
from ..questionnaires import loader
from .aggregate import RoundResults
from .models import CommentRedaction
from .units import TILBUD, Unit

REDACTED_PLACEHOLDER = "[Fjernet, fordi teksten kunne identificere en person]"


class RedactionRefused(ValueError):
    """The comment cannot be redacted by this user (unknown, out of scope, not free text)."""


def shown_tilbud(results: RoundResults, unit: Unit, visible: set[int]) -> list[int]:
    """Tilbud under ``unit`` whose comments may be shown: in scope and not below the threshold.

    A comment is tied to its tilbud, so the tilbud's group (its responses, in the filter
    used) must reach the threshold. Complementary suppression is about subtracting numbers;
    a list of comments shows no numbers to subtract, so it is not applied here.
    """
    threshold = results.threshold
    return [
        tilbud_id
        for tilbud_id in results.tree.tilbud_under(unit.key)
        if tilbud_id in visible
        and (cell := results.responses.get((TILBUD, tilbud_id))) is not None
        and cell.n >= threshold
    ]


def redact(answer_id: int, text: str, user_id: int, visible: set[int]) -> Answer:
    """Replace a comment's text. The original is dropped, not kept: see the module docs.

    Keeping the original "for admins" would keep exactly the identifying text the redaction
    was meant to remove, in the database and its backups; the audit log records who redacted
    which comment and when, without the text.
    """
    answer = db.session.get(Answer, answer_id)
    if answer is None:
        raise RedactionRefused(_l("Kommentaren findes ikke."))
    response = db.session.get(Response, answer.response_id)
    questionnaire = loader.get(response.questionnaire, response.questionnaire_version)
    question = questionnaire.question(answer.question_key) if questionnaire else None
    if response.tilbud_id not in visible or question is None or not question.is_text:
        raise RedactionRefused(_l("Du kan ikke redigere den kommentar."))
    cleaned = text.replace("\r\n", "\n").strip()[: question.max_length]
    answer.value = cleaned or REDACTED_PLACEHOLDER
    if db.session.get(CommentRedaction, answer.id) is None:
        db.session.add(
            CommentRedaction(
                answer_id=answer.id,
                redacted_by=user_id,
                redacted_at=datetime.now(UTC).replace(tzinfo=None),
            )
        )
    record_event(user_id, "comment.redact", f"answer:{answer.id}", {"round": response.round_id})
    db.session.flush()
    return answer
