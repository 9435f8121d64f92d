"""The kiosk's own screens: enrolment, Start, language and reset."""

from datetime import date, timedelta

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from ..answering import services as answering
from ..answering import session as respondent_session
from ..extensions import db, limiter
from ..org.models import Tilbud
from ..pages import statement_settings
from ..questionnaires.scoped import of_round
from ..rounds.queries import open_round_for
from . import pin, services
from .channel import COOKIE_NAME, current_device
from .forms import EnrolForm

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk")


def _refusal():
    """The page for a tablet that may not collect answers, or None when it may."""
    found = current_device()
    if found.problem == "revoked":
        return render_template("kiosk/refused.html", revoked=True), 403
    if found.problem:
        return render_template("kiosk/refused.html", revoked=False), 403
    return None


def _round_and_questionnaire():
    tilbud = db.session.get(Tilbud, current_device().device.tilbud_id)
    round_ = open_round_for(tilbud, tilbud.kiosk_variant, date.today())
    if round_ is None:
        return tilbud, None, None
    return tilbud, round_, of_round(round_, tilbud.kiosk_variant)


@bp.get("/")
def start():
    refused = _refusal()
    if refused:
        return refused
    respondent = respondent_session.current()
    if respondent and answering.find_draft(respondent.draft_key):
        return redirect(url_for("answering.resume"))  # a reload or restart mid-way resumes
    respondent_session.clear()
    tilbud, round_, questionnaire = _round_and_questionnaire()
    return render_template("kiosk/start.html", tilbud=tilbud, round=round_)


@bp.route("/sprog", methods=["GET", "POST"])
def language():
    refused = _refusal()
    if refused:
        return refused
    tilbud, round_, questionnaire = _round_and_questionnaire()
    if round_ is None:
        return redirect(url_for(".start"))
    if request.method == "POST":
        chosen = request.form.get("lang")
        if chosen not in questionnaire.languages:
            return _language_page(questionnaire, _l("Vælg et af sprogene.")), 400
        _close_current_draft()
        draft_key = respondent_session.begin("kiosk")
        answering.start(round_, tilbud, questionnaire, "kiosk", chosen, draft_key, date.today())
        db.session.commit()
        respondent_session.set_language(chosen)
        return redirect(url_for("answering.intro"))
    return _language_page(questionnaire, None)


def _language_page(questionnaire, error):
    """The languages with the tablet's default first; the default gets the focus."""
    default = pin.default_language(current_device().device.id)
    languages = list(questionnaire.languages)
    if default in languages:
        languages.remove(default)
        languages.insert(0, default)
    else:
        default = None
    return render_template("kiosk/language.html", languages=languages, default=default, error=error)


@bp.get("/tilgaengelighed")
def accessibility():
    """The tilgængelighedserklæring in the kiosk's frame: the footer of every borger screen on a
    tablet leads here, and "Tilbage til spørgsmålet" returns to the screen the person was on."""
    refused = _refusal()
    if refused:
        return refused
    respondent = respondent_session.current()
    answering_now = bool(respondent and answering.find_draft(respondent.draft_key))
    if answering_now:
        respondent_session.touch()  # reading here is not leaving: the draft stays theirs
    return render_template(
        "kiosk/accessibility.html", answering=answering_now, **statement_settings()
    )


@bp.post("/afbryd")
def reset():
    """End the current person's session: the draft is kept as partial, the screen goes to Start."""
    _close_current_draft()
    respondent_session.clear()
    return redirect(url_for(".start"))


def _close_current_draft() -> None:
    respondent = respondent_session.current()
    draft = answering.find_draft(respondent.draft_key) if respondent else None
    if draft is not None:
        answering.abandon(draft, date.today())
        db.session.commit()


@bp.route("/tilmeld", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["KIOSK_ENROL_RATE_LIMIT"], methods=["POST"])
def enrol():
    form = EnrolForm(code=request.args.get("kode", ""))
    if form.validate_on_submit():
        try:
            device, secret = services.enrol(form.code.data, date.today(), form.label.data or "")
        except services.EnrolmentError as problem:
            form.code.errors.append(str(problem))
        else:
            db.session.commit()
            response = redirect(url_for(".start"))
            response.set_cookie(
                COOKIE_NAME,
                services.cookie_value(current_app.config["SECRET_KEY"], device, secret),
                max_age=int(
                    timedelta(days=current_app.config["KIOSK_COOKIE_DAYS"]).total_seconds()
                ),
                httponly=True,
                samesite="Lax",
                secure=current_app.config["SESSION_COOKIE_SECURE"],
            )
            return response
    status = 400 if form.errors else 200
    return render_template("kiosk/enrol.html", form=form), status
