"""Store a response that waited in a tablet's outbox: exactly once, by its tablet-made id.

Same id and same content: accepted, nothing new stored. Same id, other content: refused and
kept for staff. A round closed while the response waited: stored if it was answered while the
round was open and it arrives within ``KIOSK_OFFLINE_GRACE_DAYS`` of the close, else kept.
The response is stored through ``answering.services`` exactly as an online completion, and
counted in the week it arrives: a week whose results are published never gains a response.
Every stored response spends one of the tablet's allowance (``kiosk.allowance``); with none
left it is held back for staff ("too soon") and the tablet is flagged.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from ..answering import services
from ..answering.answers import InvalidAnswer, clean_value
from ..answering.models import KIOSK
from ..database import discard
from ..extensions import db
from ..kiosk import allowance
from ..kiosk import services as kiosk_services
from ..org.models import Tilbud
from ..questionnaires import get as get_questionnaire
from ..rounds.models import Round, RoundTilbud
from ..security import new_token
from ..weeks import week_of
from .models import CONFLICT, INVALID, LATE, TOO_SOON, OfflineKept, OfflineReceipt

RECEIPT = OfflineReceipt.__table__
STORED, DUPLICATE, KEPT = "stored", "duplicate", "kept"
ONLINE = "online"  # the receipt of a kiosk response completed online


@dataclass(frozen=True)
class Outcome:
    status: str  # STORED, DUPLICATE, CONFLICT or KEPT
    reason: str | None = None


def keyed_hash(purpose: str, value: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode("utf-8")
    return hmac.new(secret, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def receive(tablet, payload: dict, envelope: str, today: date) -> Outcome:
    """Store ``payload`` (the opened envelope) from ``tablet``; the caller commits."""
    id_hash = keyed_hash("offline-id", str(payload.get("id")))
    content_hash = keyed_hash("offline-content", json.dumps(payload, sort_keys=True))
    seen = _receipt(id_hash)
    if seen is not None:
        return _again(tablet, seen, content_hash, envelope, today)
    try:
        # The id is claimed first: a second request with it waits here, then finds it taken.
        claim = {"id_hash": id_hash, "content_hash": content_hash, "round_id": _round_id(payload)}
        db.session.execute(insert(RECEIPT).values(**claim))
        outcome = _store(tablet, payload, today)
        if outcome.status == KEPT:
            _keep(tablet, outcome.reason, envelope, today)
        db.session.commit()
    except IntegrityError:  # the same id, stored by a concurrent request meanwhile
        discard()
        seen = _receipt(id_hash)
        if seen is None:
            raise
        return _again(tablet, seen, content_hash, envelope, today)
    return outcome


def completed_online(draft_key: str, round_id: int) -> None:
    """Mark a kiosk draft completed online. A tablet whose "Send" reached the server but whose
    reply was lost goes on offline and sends the response with the draft key as its id: it is
    then a duplicate, never a second response. Only a keyed hash of the key is kept."""
    id_hash = keyed_hash("offline-id", draft_key)
    receipt = {"id_hash": id_hash, "content_hash": ONLINE, "round_id": round_id}
    db.session.execute(insert(RECEIPT).values(**receipt))


def _round_id(payload: dict) -> int:
    """The round a response names, for pruning its receipt (``receipts``); 0 if none (or a
    number no round id can be: the column is a 32-bit integer)."""
    try:
        found = int(payload.get("round"))
    except (TypeError, ValueError, OverflowError):
        return 0
    return found if 0 < found < 2**31 else 0


def _receipt(id_hash: str) -> str | None:
    return db.session.scalar(select(RECEIPT.c.content_hash).where(RECEIPT.c.id_hash == id_hash))


def _again(tablet, seen: str, content_hash: str, envelope: str, today: date) -> Outcome:
    if seen == ONLINE or hmac.compare_digest(seen, content_hash):
        return Outcome(DUPLICATE)
    _keep(tablet, CONFLICT, envelope, today)
    db.session.commit()
    return Outcome(CONFLICT, CONFLICT)


def _keep(tablet, reason: str, envelope: str, today: date) -> None:
    db.session.add(
        OfflineKept(
            tilbud_id=tablet.tilbud_id,
            reason=reason,
            arrived_week=week_of(today),
            envelope=envelope,
        )
    )
    db.session.flush()


def _store(tablet, payload: dict, today: date) -> Outcome:
    found = _checked(tablet, payload, today)
    if isinstance(found, Outcome):
        return found
    round_, tilbud, questionnaire, answers = found
    complete = payload.get("complete") is True
    # In a savepoint: the response is written first (locking a continued draft, then the
    # tablet, in the order an online "Send" does), and undone if no allowance is left.
    savepoint = db.session.begin_nested()
    _write(tablet, payload, round_, tilbud, questionnaire, answers, today)
    if allowance.spend(tablet.id) is not None:
        savepoint.rollback()
        kiosk_services.note_too_soon(tablet, today)
        return Outcome(KEPT, TOO_SOON)
    savepoint.commit()
    if complete:
        kiosk_services.note_answer(tablet, today)
    return Outcome(STORED)


def _write(tablet, payload: dict, round_, tilbud, questionnaire, answers, today: date) -> None:
    complete = payload.get("complete") is True
    draft = _continued_draft(tablet, payload.get("draft"), round_)
    if draft is not None:
        try:
            _close(draft, answers, complete, today)
        except (services.AlreadyClosed, InvalidAnswer):
            # Closed meanwhile by its own session: nothing was written (the row changes
            # first, only while a draft); the response is stored as a new one instead.
            draft = None
    if draft is None:
        language = str(payload.get("language"))
        draft = services.start(round_, tilbud, questionnaire, KIOSK, language, new_token(), today)
        _close(draft, answers, complete, today)


def _close(draft, answers: dict, complete: bool, today: date) -> None:
    """As the online flow closes a draft: completed and counted, or kept as partial."""
    if complete:
        services.save(draft, answers, today, complete=True)
    else:
        services.save(draft, answers, today)
        services.abandon(draft, today)


def _checked(tablet, payload: dict, today: date):
    """The round, tilbud, questionnaire and checked answers, or the ``Outcome`` of keeping it."""
    try:
        week = date.fromisoformat(str(payload.get("week")))
        round_ = db.session.get(Round, _round_id(payload))  # 0: none
    except (TypeError, ValueError):
        return Outcome(KEPT, INVALID)
    tilbud = db.session.get(Tilbud, tablet.tilbud_id)
    if (
        round_ is None
        or week != week_of(week)
        or week > week_of(today)
        or not _takes_part(round_, tilbud)
    ):
        return Outcome(KEPT, INVALID)
    version = round_.version_of(tilbud.kiosk_variant)
    if payload.get("questionnaire") != tilbud.kiosk_variant or payload.get("version") != version:
        return Outcome(KEPT, INVALID)
    questionnaire = get_questionnaire(tilbud.kiosk_variant, version)
    answers = payload.get("answers")
    if payload.get("language") not in questionnaire.languages or not _valid(questionnaire, answers):
        return Outcome(KEPT, INVALID)
    if not _answered_while_open(round_, week, today):
        return Outcome(KEPT, LATE)
    return round_, tilbud, questionnaire, answers


def _takes_part(round_: Round, tilbud: Tilbud) -> bool:
    link = select(RoundTilbud).where(
        RoundTilbud.round_id == round_.id, RoundTilbud.tilbud_id == tilbud.id
    )
    return db.session.scalar(link) is not None


def _valid(questionnaire, answers) -> bool:
    if not isinstance(answers, dict) or len(answers) > len(questionnaire.questions):
        return False
    visible = {q.key: q for q in questionnaire.visible_questions(answers)}
    for key, value in answers.items():
        question = visible.get(key)
        if question is None or not isinstance(value, str) or value == "":
            return False
        try:
            if clean_value(question, value) != value:
                return False
        except InvalidAnswer:
            return False
    return True


def _answered_while_open(round_: Round, week: date, today: date) -> bool:
    """The tablet knows only the week: a week that overlaps the round counts as in it."""
    if week + timedelta(days=6) < round_.opens_on or week > round_.closes_on:
        return False
    if round_.closed_early:
        return False  # no date of the early close is stored: staff decide on what was kept
    grace = timedelta(days=int(current_app.config["KIOSK_OFFLINE_GRACE_DAYS"]))
    return today <= round_.closes_on + grace


def _continued_draft(tablet, draft_key, round_: Round):
    """The server draft this response began as online before the network went, if open."""
    if not isinstance(draft_key, str) or not draft_key:
        return None
    draft = services.find_draft(draft_key)
    if draft is None or draft.tilbud_id != tablet.tilbud_id or draft.round_id != round_.id:
        return None
    return draft
