"""Recorded read-aloud audio: an organisation's own recording of a question plays instead of
the browser's synthetic voice (tablets often lack a good Danish voice).

Files live in the folder named by the setting ``READ_ALOUD_AUDIO_DIR`` (default
``instance/audio``), one per questionnaire, language and question::

    <READ_ALOUD_AUDIO_DIR>/<questionnaire key>/<language>/<question key>.mp3   (or .ogg, .m4a, .wav)

e.g. ``instance/audio/borger/da/tryg.mp3``. A recording covers the question and its answers, as
the synthetic voice does. Names are checked against a strict pattern, so a URL can never reach
outside the folder.
"""

import re
from pathlib import Path

from flask import current_app

NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
LANGUAGE = re.compile(r"^[a-z]{2}$")
AUDIO_TYPES = {".mp3": "audio/mpeg", ".ogg": "audio/ogg", ".m4a": "audio/mp4", ".wav": "audio/wav"}


def audio_folder() -> Path:
    configured = current_app.config.get("READ_ALOUD_AUDIO_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "audio"


def recording(questionnaire: str, language: str, question: str) -> Path | None:
    """The recorded file for this question, or None when there is none (or a name is bad)."""
    if not (NAME.match(questionnaire) and LANGUAGE.match(language) and NAME.match(question)):
        return None
    folder = audio_folder() / questionnaire / language
    for suffix in AUDIO_TYPES:
        path = folder / f"{question}{suffix}"
        if path.is_file():
            return path
    return None
