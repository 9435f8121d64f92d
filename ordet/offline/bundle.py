"""What a tablet needs to run its round's questionnaire without the server: the screens,
rendered here from the same templates as online (per language, with placeholders for the
position), the questions' follow-up rules, and the public key its outbox encrypts to."""

import hashlib
import json
import secrets
from types import SimpleNamespace

from flask import current_app, g, render_template, session
from flask_babel import force_locale
from sqlalchemy import select

from ..answering.answers import NO_CHOICE
from ..answering.channels import channel_for
from ..extensions import db
from ..kiosk import pin
from ..read_aloud.models import QuestionAudio
from .keys import public_key_b64

# Rendered in place of the position and the number of questions; the tablet puts the numbers in.
POSITION, TOTAL = 9991, 9992
SETTINGS = (
    "KIOSK_IDLE_SECONDS",
    "KIOSK_WARNING_SECONDS",
    "KIOSK_THANKS_SECONDS",
    "KIOSK_MIN_SECONDS_BETWEEN_RESPONSES",
    "ACCESSIBILITY_STATEMENT_URL",
)


# Templates and the shared recordings change only when the app is deployed (and restarted).
_STARTED = secrets.token_hex(8)


def version(device, tilbud, round_, questionnaire) -> str:
    """What the bundle depends on, as an ETag: a tablet whose bundle is current gets a 304
    without it being rendered again (a tablet asks at every Start)."""
    config = current_app.config
    recordings = db.session.scalars(
        select(QuestionAudio.digest)
        .where(QuestionAudio.organisation_id == round_.organisation_id)
        .order_by(QuestionAudio.id)
    ).all()
    parts = [
        _STARTED,
        round_.id,
        tilbud.name,
        questionnaire.key,
        questionnaire.version,
        pin.default_language(device.id),
        [config[name] for name in SETTINGS],
        recordings,
    ]
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


def bundle(device, tilbud, round_, questionnaire) -> dict:
    config = current_app.config
    return {
        "key": public_key_b64(current_app.instance_path),
        "round": round_.id,
        "questionnaire": questionnaire.key,
        "version": questionnaire.version,
        "languages": list(questionnaire.languages),
        "questions": [
            {
                "key": q.key,
                "text": q.is_text,
                "show_if": [q.show_if.question, list(q.show_if.any_of)] if q.show_if else None,
            }
            for q in questionnaire.questions
        ],
        "min_gap": int(config["KIOSK_MIN_SECONDS_BETWEEN_RESPONSES"]),
        "thanks_seconds": int(config["KIOSK_THANKS_SECONDS"]),
        "screens": _screens(device, tilbud, round_, questionnaire),
    }


def _screens(device, tilbud, round_, questionnaire) -> dict:
    previous = session.get("lang")
    g.channel = channel_for("kiosk")
    g.questionnaire = questionnaire
    g.draft = SimpleNamespace(organisation_id=round_.organisation_id)  # whose recordings
    screens = {"": {"start": render_template("kiosk/start.html", tilbud=tilbud, round=round_)}}
    screens[""]["language"] = _language(device, questionnaire)
    try:
        for language in questionnaire.languages:
            session["lang"] = language
            with force_locale(language):
                screens[language] = _in_language(questionnaire)
    finally:
        if previous is None:
            session.pop("lang", None)
        else:
            session["lang"] = previous
    return screens


def _language(device, questionnaire) -> str:
    default = pin.default_language(device.id)
    languages = list(questionnaire.languages)
    if default in languages:
        languages.remove(default)
        languages.insert(0, default)
    else:
        default = None
    return render_template("kiosk/language.html", languages=languages, default=default, error=None)


def _in_language(questionnaire) -> dict:
    found = {
        "intro": render_template("answering/intro.html", questionnaire=questionnaire),
        "thanks": render_template(
            "kiosk/thanks.html", seconds=current_app.config["KIOSK_THANKS_SECONDS"]
        ),
        "wait": render_template("answering/wait.html", posted={"action": "next"}),
        "no_choice": str(NO_CHOICE),
    }
    questions = questionnaire.questions
    # "Send mine svar" only where a question can be the last one shown: after it, follow-ups only.
    can_be_last = max(i for i, q in enumerate(questions) if q.show_if is None)
    for index, question in enumerate(questions):
        variants = (("", POSITION), ("last:", TOTAL)) if index >= can_be_last else (("", POSITION),)
        for name, position in variants:
            found[name + question.key] = render_template(
                "answering/question.html",
                questionnaire=questionnaire,
                question=question,
                position=position,
                total=TOTAL,
                value=None,
                error=None,
            )
    return found
