"""Upload, replace and delete an organisation's recordings. Flush, never commit; audited."""

import hashlib
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..audit import record_event
from ..extensions import db
from ..questionnaires.model import Questionnaire
from .models import QuestionAudio

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
FORMATS = {"audio/mpeg": "MP3", "audio/ogg": "OGG", "audio/mp4": "M4A", "audio/wav": "WAV"}


class AudioRefused(ValueError):
    """Bad upload: a Danish message; nothing is stored."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = str(message)


def max_bytes() -> int:
    return int(current_app.config.get("READ_ALOUD_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def megabytes(size: int) -> str:
    """A size as people say it: "2 MB", "1,5 MB"."""
    return f"{size / (1024 * 1024):.1f}".replace(".0", "").replace(".", ",") + " MB"


def sniff(head: bytes) -> str | None:
    """The audio type the first bytes announce, or None: a renamed PDF is not an MP3."""
    if head[:4] == b"OggS":
        return "audio/ogg"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head[4:8] == b"ftyp":
        return "audio/mp4"
    if head[:3] == b"ID3":
        return "audio/mpeg"
    # A bare MPEG audio frame: 11 sync bits, a known version and layer III/II/I (not the
    # reserved layer 00 that AAC's ADTS uses).
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        if (head[1] >> 3) & 0b11 != 0b01 and (head[1] >> 1) & 0b11 != 0:
            return "audio/mpeg"
    return None


def find(
    organisation_id: int, questionnaire: str, version: int, question_key: str, language: str
) -> QuestionAudio | None:
    """The organisation's recording of this question in this language, if any."""
    return db.session.scalar(
        db.select(QuestionAudio).where(
            QuestionAudio.organisation_id == organisation_id,
            QuestionAudio.questionnaire == questionnaire,
            QuestionAudio.questionnaire_version == version,
            QuestionAudio.question_key == question_key,
            QuestionAudio.language == language,
        )
    )


def digest_of(
    organisation_id: int, questionnaire: str, version: int, question_key: str, language: str
) -> str | None:
    """The content digest of the organisation's recording, if any: all a question screen needs
    (it runs on every screen, so one column, not the recording)."""
    return db.session.scalar(
        db.select(QuestionAudio.digest).where(
            QuestionAudio.organisation_id == organisation_id,
            QuestionAudio.questionnaire == questionnaire,
            QuestionAudio.questionnaire_version == version,
            QuestionAudio.question_key == question_key,
            QuestionAudio.language == language,
        )
    )


def recordings_of(organisation_id: int) -> dict[tuple[str, int, str, str], QuestionAudio]:
    """Every recording of the organisation by (questionnaire, version, question, language)."""
    rows = db.session.scalars(
        db.select(QuestionAudio).where(QuestionAudio.organisation_id == organisation_id)
    )
    return {(r.questionnaire, r.questionnaire_version, r.question_key, r.language): r for r in rows}


def _check_language(questionnaire: Questionnaire, language: str) -> None:
    if language not in questionnaire.languages:
        raise AudioRefused(_l("Vælg et af spørgeskemaets sprog."))


def store(
    actor_id: int,
    organisation_id: int,
    questionnaire: Questionnaire,
    question_key: str,
    language: str,
    data: bytes,
    today: date,
) -> QuestionAudio:
    """Save (or replace) a recording after checking language, size and the file's bytes."""
    if questionnaire.question(question_key) is None:
        raise AudioRefused(_l("Spørgsmålet findes ikke i spørgeskemaet."))
    _check_language(questionnaire, language)
    if not data:
        raise AudioRefused(_l("Vælg en lydfil."))
    if len(data) > max_bytes():
        raise AudioRefused(
            _l("Lydfilen er for stor. Den må højst fylde %(size)s.", size=megabytes(max_bytes()))
        )
    mimetype = sniff(data[:16])
    if mimetype is None:
        raise AudioRefused(
            _l("Filen er ikke en lydfil, vi kan bruge. Brug MP3, OGG, M4A eller WAV.")
        )
    key = (questionnaire.key, questionnaire.version, question_key, language)
    recording = find(organisation_id, *key)
    if recording is None:
        recording = QuestionAudio(
            organisation_id=organisation_id,
            questionnaire=questionnaire.key,
            questionnaire_version=questionnaire.version,
            question_key=question_key,
            language=language,
        )
        db.session.add(recording)
    replaced = recording.id is not None
    recording.mimetype, recording.data, recording.size = mimetype, data, len(data)
    recording.digest = hashlib.sha256(data).hexdigest()
    recording.uploaded_on = today
    db.session.flush()
    record_event(
        actor_id,
        "audio.replace" if replaced else "audio.upload",
        f"organisation:{organisation_id}",
        {**_describe(key), "type": FORMATS[mimetype], "bytes": len(data)},
        organisation_id=organisation_id,
    )
    return recording


def remove(
    actor_id: int,
    organisation_id: int,
    questionnaire: Questionnaire,
    question_key: str,
    language: str,
) -> None:
    """Delete the recording: the synthetic voice (or the shared folder's file) reads again."""
    _check_language(questionnaire, language)
    key = (questionnaire.key, questionnaire.version, question_key, language)
    recording = find(organisation_id, *key)
    if recording is None:
        raise AudioRefused(_l("Der er ingen lyd at slette."))
    db.session.delete(recording)
    db.session.flush()
    record_event(
        actor_id,
        "audio.delete",
        f"organisation:{organisation_id}",
        _describe(key),
        organisation_id=organisation_id,
    )


def _describe(key: tuple[str, int, str, str]) -> dict:
    questionnaire, version, question, language = key
    return {
        "questionnaire": questionnaire,
        "version": version,
        "question": question,
        "language": language,
    }
