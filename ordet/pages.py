"""Pages that belong to no domain: the front page, text size, the accessibility statement and
recorded read-aloud audio."""

from datetime import date
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)

from . import read_aloud
from .extensions import db
from .org.models import Organisation
from .read_aloud import services as read_aloud_services

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


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page says: the same icon, no 404 in the log."""
    return send_file(
        Path(current_app.static_folder) / "favicon.svg", mimetype="image/svg+xml", max_age=86400
    )


@bp.get("/tilgaengelighed")
def accessibility():
    """The tilgængelighedserklæring, in the structure of Digitaliseringsstyrelsen's template."""
    return render_template("accessibility.html", **statement_settings())


def statement_settings() -> dict:
    """What the statement names: the organisation's settings, else the defaults."""
    config = current_app.config
    return {key.lower(): config.get(key, value) for key, value in STATEMENT_DEFAULTS.items()}


@bp.get("/privatliv/<organisation_slug>")
def privacy(organisation_slug: str):
    """What the app keeps about a pårørende, for organisations without a notice of their own
    (``invitations.asker``)."""
    organisation = db.session.scalar(
        db.select(Organisation).where(Organisation.slug == organisation_slug)
    )
    if organisation is None:
        abort(404)
    return render_template(
        "privacy.html",
        organisation=organisation,
        retention_days=current_app.config["INVITATION_RETENTION_DAYS"],
    )


@bp.post("/tekststoerrelse")
def text_size():
    """Toggle larger text for this respondent; works without JavaScript."""
    session["large_text"] = not session.get("large_text")
    target = request.form.get("next", "")
    return redirect(target if same_site_path(target) else url_for(".index"))


def same_site_path(target: str) -> bool:
    """Whether ``target`` is a path on this site as a browser reads it: never an open redirect.

    Browsers drop tabs and line breaks anywhere in a URL (``/\\t/evil.example`` becomes
    ``//evil.example``, another site), trim other control characters and spaces, and read
    ``\\`` as ``/``; so any of those refuses the target, as does a second leading ``/``.
    """
    return (
        target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and all(c.isprintable() and not c.isspace() for c in target)
    )


@bp.get("/lyd/<questionnaire>/<language>/<question>")
def audio(questionnaire: str, language: str, question: str):
    """A recorded reading of one question (see ``ordet/read_aloud.py``)."""
    path = read_aloud.recording(questionnaire, language, question)
    if path is None:
        abort(404)
    mimetype = read_aloud.AUDIO_TYPES[path.suffix]
    return send_file(path, mimetype=mimetype, max_age=3600)


@bp.get("/lyd/<int:organisation_id>/<questionnaire>/<int:version>/<language>/<question>")
def organisation_audio(
    organisation_id: int, questionnaire: str, version: int, language: str, question: str
):
    """An organisation's own recording (see ``ordet/read_aloud``). The URL names the
    organisation and, in ``v``, the content: cacheable for a year, never shared across
    organisations."""
    found = read_aloud_services.find(organisation_id, questionnaire, version, question, language)
    if found is None:
        abort(404)
    response = make_response(found.data)
    response.mimetype = found.mimetype
    response.set_etag(found.digest)
    if request.args.get("v") == found.digest[:16]:
        response.cache_control.public = True
        response.cache_control.max_age = read_aloud.MAX_AGE
        response.cache_control.immutable = True
    else:  # an old or missing version: ask again each time, cheap with the ETag
        response.cache_control.no_cache = True
    # Ranges: Safari on an iPad asks for the first bytes before it plays anything.
    return response.make_conditional(request, accept_ranges=True, complete_length=found.size)


@bp.app_context_processor
def read_aloud_helpers() -> dict:
    def read_aloud_audio(questionnaire, question, language: str) -> str | None:
        """URL of the recording for this question, or None: the browser's voice reads instead.

        The respondent's tilbud decides whose recording: its organisation's own, else the
        shared folder's.
        """
        # The round's organisation was loaded with the draft: no extra query.
        draft = g.get("draft")
        organisation_id = draft.organisation_id if draft is not None else None
        return read_aloud.audio_url(organisation_id, questionnaire, question.key, language)

    return {"read_aloud_audio": read_aloud_audio}
