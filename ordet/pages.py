"""Pages that belong to no domain: the front page, text size, the accessibility statement and
recorded read-aloud audio."""

from datetime import date

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)

from . import read_aloud

bp = Blueprint("pages", __name__)

# Used when the organisation has not set its own; shown on the accessibility statement.
STATEMENT_DEFAULTS = {
    "ACCESSIBILITY_ORGANISATION": "Region Midtjylland, Socialområdet",
    "ACCESSIBILITY_CONTACT_EMAIL": "ordet-er-dit@rm.example",
    "ACCESSIBILITY_CONTACT_PHONE": "",
    "ACCESSIBILITY_REVIEWED_ON": date(2025, 11, 23),
}


@bp.get("/")
def index():
    return render_template("index.html")


@bp.get("/tilgaengelighed")
def accessibility():
    """The tilgængelighedserklæring, in the structure of Digitaliseringsstyrelsen's template."""
    config = current_app.config
    settings = {key.lower(): config.get(key, value) for key, value in STATEMENT_DEFAULTS.items()}
    return render_template("accessibility.html", **settings)


@bp.post("/tekststoerrelse")
def text_size():
    """Toggle larger text for this respondent; works without JavaScript."""
    session["large_text"] = not session.get("large_text")
    target = request.form.get("next", "")
    # Only a path on this site: never an open redirect.
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        target = url_for(".index")
    return redirect(target)


@bp.get("/lyd/<questionnaire>/<language>/<question>")
def audio(questionnaire: str, language: str, question: str):
    """A recorded reading of one question (see ``ordet/read_aloud.py``)."""
    path = read_aloud.recording(questionnaire, language, question)
    if path is None:
        abort(404)
    mimetype = read_aloud.AUDIO_TYPES[path.suffix]
    return send_file(path, mimetype=mimetype, max_age=3600)


@bp.app_context_processor
def read_aloud_helpers() -> dict:
    def read_aloud_audio(questionnaire, question, language: str) -> str | None:
        """URL of the recording for this question, or None: the browser's voice reads instead."""
        if read_aloud.recording(questionnaire.key, language, question.key) is None:
            return None
        return url_for(
            "pages.audio", questionnaire=questionnaire.key, language=language, question=question.key
        )

    return {"read_aloud_audio": read_aloud_audio}
