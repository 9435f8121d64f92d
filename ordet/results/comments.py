"""Free-text comments: which groups may show them, and redaction."""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..answering.models import COMPLETE, PARTIAL, Answer, Response
from ..audit import record_event
from ..extensions import db
from ..questionnaires import loader
from ..rounds.models import Round
from .aggregate import RoundResults, Stats
from .models import CommentRedaction
from .units import TILBUD, Unit

REDACTED_PLACEHOLDER = "[Fjernet, fordi teksten kunne identificere en person]"


class RedactionRefused(ValueError):
    """The comment cannot be redacted by this user (unknown, out of scope, not free text)."""


def comment_groups(results: RoundResults, unit: Unit, visible: set[int]) -> dict[int, str]:
    """{tilbud id: the name its comments are shown under} for ``unit``'s list.

    ``shared/ANONYMITY.md`` §4: a unit's list only if the release shows the unit; no lists per
    help group (two lists would single comments out by difference); a comment carries the name
    of the nearest unit on its way up that the release shows. A hidden tilbud's comments are
    shown under its specialområde, where the hidden tilbud hold at least the threshold of
    respondents together: the same rule that keeps their numbers from being subtracted.
    """
    if results.release is None:
        return {}
    shown_unit = results.responses.get(unit.key)
    if shown_unit is None or shown_unit.hidden or not shown_unit.n:
        return {}
    tree = results.tree
    groups = {}
    for tilbud_id in tree.tilbud_under(unit.key):
        if tilbud_id not in visible:
            continue
        node = (TILBUD, tilbud_id)
        while node != unit.key and results.responses.get(node, Stats(hidden=True)).hidden:
            node = tree.parent[node]
        groups[tilbud_id] = tree.units[node].name
    return groups


def _mac(text: str) -> str:
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()[:24]


def comment_ref(answer_id: int) -> str:
    """An opaque name for a comment in a page or a form: ids follow time, this does not."""
    return _mac(f"comment:{answer_id}")


def release_order(release_id: int, answer_id: int) -> str:
    """A random order that holds for one release (a reload shows the same list)."""
    return _mac(f"order:{release_id}:{answer_id}")


@dataclass(frozen=True)
class Comment:
    ref: str
    text: str
    unit: str  # the name it is shown under (``comment_groups``)
    question: str
    redacted: bool


def released_comments(
    results: RoundResults, groups: dict[int, str], limit: int | None = 500
) -> list[Comment]:
    """The free text of the release's responses in ``groups``, in the release's random order.

    Only responses of the release's weeks: a comment written since does not appear until the
    next release, or it would point at whoever just used the tablet.
    """
    if results.release is None or not groups:
        return []
    text_keys = {
        q.key
        for (key, _v), questionnaire in loader.all_versions().items()
        if key == results.variant
        for q in questionnaire.questions
        if q.is_text
    }
    rows = db.session.execute(
        select(
            Answer.id,
            Answer.question_key,
            Answer.value,
            Response.tilbud_id,
            CommentRedaction.answer_id,
        )
        .join(Response, Response.id == Answer.response_id)
        .outerjoin(CommentRedaction, CommentRedaction.answer_id == Answer.id)
        .where(
            Response.round_id == results.round.id,
            Response.questionnaire == results.variant,
            Response.status.in_((COMPLETE, PARTIAL)),
            Response.answered_week <= results.release.through_week,
            Response.tilbud_id.in_(list(groups)),
            Answer.question_key.in_(sorted(text_keys)),
        )
    ).all()
    release_id = results.release.id
    rows.sort(key=lambda row: release_order(release_id, row[0]))
    return [
        Comment(comment_ref(answer_id), value, groups[tilbud_id], key, redacted is not None)
        for answer_id, key, value, tilbud_id, redacted in rows[:limit]
    ]


def find_comment(results: RoundResults, groups: dict[int, str], ref: str) -> int | None:
    """The answer id behind ``ref`` among the comments ``groups`` may show, or None."""
    if results.release is None or not groups:
        return None
    ids = db.session.scalars(
        select(Answer.id)
        .join(Response, Response.id == Answer.response_id)
        .where(
            Response.round_id == results.round.id,
            Response.questionnaire == results.variant,
            Response.tilbud_id.in_(list(groups)),
        )
    )
    return next((i for i in ids if hmac.compare_digest(comment_ref(i), ref)), None)


def redact(answer_id: int, text: str, user_id: int) -> Answer:
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
    if question is None or not question.is_text:
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
    record_event(
        user_id,
        "comment.redact",
        f"comment:{comment_ref(answer.id)}",
        {"round": response.round_id},
        organisation_id=db.session.get(Round, response.round_id).organisation_id,
    )
    db.session.flush()
    return answer
