"""Recorded read-aloud audio, per organisation: which questions have a recording, upload
and delete (the rules live in ``ordet/read_aloud/services.py``)."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from ..auth.access import requires
from ..auth.permissions import AUDIO_MANAGE
from ..extensions import db
from ..questionnaires import get as get_questionnaire
from ..questionnaires.scoped import all_of_organisation
from ..read_aloud import services
from ..request_bodies import takes_files
from . import bp
from .util import actor, int_or_none, organisation_or_404, organisations

LANGUAGE_NAMES = {"da": _l("Dansk"), "en": _l("Engelsk")}
ACCEPT = "audio/mpeg,audio/ogg,audio/mp4,audio/wav,.mp3,.ogg,.m4a,.wav"


@bp.url_value_preprocessor
def allow_audio_uploads(endpoint: str | None, values: dict | None) -> None:
    """The app caps bodies at 64 KiB; only the audio upload may be larger.

    A URL value preprocessor, because it runs before every ``before_request`` hook, and CSRF
    protection (one of those) already reads the body. Twice the file limit: a file a little
    too big gets the page's own message rather than the bare 413 page.
    """
    if endpoint == "admin.audio_question" and request.method == "POST":
        request.max_content_length = 2 * services.max_bytes() + 64 * 1024


@bp.get("/oplaesning/")
@requires(AUDIO_MANAGE)
def audio():
    choices = organisations(AUDIO_MANAGE)
    wanted = int_or_none(request.args.get("organisation"))
    organisation = next((o for o in choices if o.id == wanted), None)
    if organisation is None and request.args.get("organisation") is not None:
        abort(404)
    organisation = organisation or (choices[0] if choices else None)
    return render_template(
        "admin/audio.html",
        organisations=choices,
        organisation=organisation,
        questionnaires=all_of_organisation(organisation.id) if organisation else [],
        recordings=services.recordings_of(organisation.id) if organisation else {},
        language_names=LANGUAGE_NAMES,
        max_size=services.megabytes(services.max_bytes()),
    )


@bp.route(
    "/oplaesning/<int:organisation_id>/<questionnaire>/<int:version>/<question>",
    methods=["GET", "POST"],
)
@takes_files("audio")
@requires(AUDIO_MANAGE)
def audio_question(organisation_id: int, questionnaire: str, version: int, question: str):
    """The question's recordings; POST uploads one (``language`` and the file ``audio``)."""
    organisation, found = _question_or_404(organisation_id, questionnaire, version, question)
    if request.method == "GET":
        return _question_page(organisation, found, question, None, None)
    language = request.form.get("language", "")
    upload = request.files.get("audio")
    data = upload.stream.read(services.max_bytes() + 1) if upload else b""
    try:
        services.store(actor(), organisation.id, found, question, language, data, date.today())
    except services.AudioRefused as refused:
        db.session.rollback()
        return _question_page(organisation, found, question, refused.message, language), 400
    db.session.commit()
    flash(_l("Lyden er gemt. Den afspilles nu, når nogen trykker på Læs op."))
    return redirect(request.path)


@bp.post("/oplaesning/<int:organisation_id>/<questionnaire>/<int:version>/<question>/slet")
@requires(AUDIO_MANAGE)
def audio_delete(organisation_id: int, questionnaire: str, version: int, question: str):
    organisation, found = _question_or_404(organisation_id, questionnaire, version, question)
    language = request.form.get("language", "")
    try:
        services.remove(actor(), organisation.id, found, question, language)
    except services.AudioRefused as refused:
        db.session.rollback()
        return _question_page(organisation, found, question, refused.message, language), 400
    db.session.commit()
    flash(_l("Lyden er slettet. Tablettens egen stemme læser op igen."))
    return redirect(
        url_for(
            ".audio_question",
            organisation_id=organisation.id,
            questionnaire=found.key,
            version=found.version,
            question=question,
        )
    )


def _question_or_404(organisation_id: int, questionnaire: str, version: int, question: str):
    organisation = organisation_or_404(organisation_id, AUDIO_MANAGE)
    found = get_questionnaire(questionnaire, version, organisation.slug)
    if found is None or found.question(question) is None:
        abort(404)
    return organisation, found


def _question_page(organisation, questionnaire, question_key, error, error_language):
    recordings = services.recordings_of(organisation.id)
    return render_template(
        "admin/audio_question.html",
        organisation=organisation,
        questionnaire=questionnaire,
        question=questionnaire.question(question_key),
        recordings={
            language: recordings.get(
                (questionnaire.key, questionnaire.version, question_key, language)
            )
            for language in questionnaire.languages
        },
        error=error,
        # An error about a language the questionnaire lacks belongs to the first form.
        error_language=error_language
        if error_language in questionnaire.languages
        else questionnaire.languages[0],
        language_names=LANGUAGE_NAMES,
        formats=services.FORMATS,
        accept=ACCEPT,
        max_size=services.megabytes(services.max_bytes()),
    )
