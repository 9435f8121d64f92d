"""Recorded read-aloud audio: a recording of a question plays instead of the browser's
synthetic voice (tablets often lack a good Danish voice).

Two sources, in this order:

1. An organisation's own upload (``models.QuestionAudio``, managed on the staff page
   ``/staff/oplaesning/``), per questionnaire version, question and language. A respondent
   hears the recording of the organisation their tilbud belongs to.
2. Files shared by every organisation, in the folder named by ``READ_ALOUD_AUDIO_DIR``
   (default ``instance/audio``)::

    <READ_ALOUD_AUDIO_DIR>/<questionnaire key>/<language>/<question key>.mp3   (or .ogg, .m4a, .wav)

   e.g. ``instance/audio/borger/da/tryg.mp3``.

A recording covers the question, its help text and its answers, as the synthetic voice does
(``Question.read_aloud_text``). Names are
checked against a strict pattern, so a URL can never reach outside the folder.
"""

import re
from pathlib import Path

from flask import current_app, url_for

NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
LANGUAGE = re.compile(r"^[a-z]{2}$")
AUDIO_TYPES = {".mp3": "audio/mpeg", ".ogg": "audio/ogg", ".m4a": "audio/mp4", ".wav": "audio/wav"}
# A recording's URL names its organisation and content, so a cache never hands one
# organisation's recording to another, and a new upload is a new URL.
MAX_AGE = 365 * 24 * 3600


def audio_folder() -> Path:
    configured = current_app.config.get("READ_ALOUD_AUDIO_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "audio"


def recording(questionnaire: str, language: str, question: str) -> Path | None:
    """The shared folder's file for this question, or None when there is none (or a name is bad)."""
    if not (NAME.match(questionnaire) and LANGUAGE.match(language) and NAME.match(question)):
        return None
    folder = audio_folder() / questionnaire / language
    for suffix in AUDIO_TYPES:
        path = folder / f"{question}{suffix}"
        if path.is_file():
            return path
    return None


def audio_url(organisation_id: int | None, questionnaire, question_key: str, language: str):
    """URL of the recording a respondent of this organisation hears, or None (the browser's
    voice reads instead): the organisation's own upload first, then the shared folder."""
    from .services import digest_of

    if organisation_id is not None:
        digest = digest_of(
            organisation_id, questionnaire.key, questionnaire.version, question_key, language
        )
        if digest is not None:
            return url_for(
                "pages.organisation_audio",
                organisation_id=organisation_id,
                questionnaire=questionnaire.key,
                version=questionnaire.version,
                language=language,
                question=question_key,
                v=digest[:16],
            )
    if recording(questionnaire.key, language, question_key) is None:
        return None
    return url_for(
        "pages.audio", questionnaire=questionnaire.key, language=language, question=question_key
    )
