"""The question screens, shared by the kiosk and the pårørende link."""

from dataclasses import replace
from datetime import date

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import lazy_gettext as _l

from ..database import discard
from ..extensions import db
from ..questionnaires import get as get_questionnaire
from . import services, unavailable
from . import session as respondent_session
from .channels import ChannelRefusal, TooSoon, channel_for

bp = Blueprint("answering", __name__, url_prefix="/svar")

# What the "Vent et øjeblik" page posts again: the last screen as it was sent.
WAIT_CARRIES = ("question", "value", "text", "action")


@bp.before_request
def load_respondent():
    if request.endpoint == "answering.thanks":
        return None
    respondent = respondent_session.current()
    if respondent is None:
        # After the end nothing leads back: a repeated submit lands on the thank-you page.
        if request.method == "POST" and session.get("finished"):
            return redirect(url_for(".thanks"))
        return redirect(channel_for(session.get("finished") or "kiosk").start_url())
    channel = channel_for(respondent.channel)
    draft = services.find_draft(respondent.draft_key)
    try:
        channel.check(draft, respondent)
    except ChannelRefusal as refusal:
        if not refusal.restart:
            return render_template("error.html", title=refusal.message, message=""), refusal.status
        if draft is not None:
            services.abandon(draft, date.today())
            db.session.commit()
        respondent_session.clear()
        return redirect(channel.start_url())
    if not draft.round_is_open(date.today()):
        return render_template(
            "error.html", title=_l("Spørgeskemaet er lukket"), message=_l("Tak for din interesse.")
        ), 403
    g.draft, g.channel = draft, channel
    g.questionnaire = get_questionnaire(
        draft.questionnaire, draft.questionnaire_version, draft.organisation_slug
    )
    respondent_session.touch()
    return None


@bp.get("/")
def resume():
    """The first question left unanswered from the screen this respondent was on (a question
    skipped before it is not where they were)."""
    answers, at = g.draft.answers, respondent_session.place()
    if not answers and at is None:
        return redirect(url_for(".intro"))
    visible = g.questionnaire.visible_questions(answers)
    start = min(at or 1, len(visible))
    open_ = (i for i, q in enumerate(visible, 1) if i >= start and q.key not in answers)
    return redirect(url_for(".question", position=next(open_, start if at else len(visible))))


@bp.get("/intro")
def intro():
    return render_template("answering/intro.html", questionnaire=g.questionnaire)


@bp.route("/<int:position>", methods=["GET", "POST"])
def question(position: int):
    answers = g.draft.answers
    visible = g.questionnaire.visible_questions(answers)
    if not 1 <= position <= len(visible):
        abort(404)
    current = visible[position - 1]
    error = None
    respondent_session.remember_place(position)
    if request.method == "POST":
        try:
            return _save_screen(position, request.form.get("action", "next"), current.is_text)
        except services.InvalidAnswer as invalid:
            discard()
            error = str(invalid)
    return render_template(
        "answering/question.html",
        questionnaire=g.questionnaire,
        question=current,
        position=position,
        total=len(visible),
        totals=g.questionnaire.totals_by_choice(current, answers),
        value=request.form.get("text") if error and current.is_text else answers.get(current.key),
        error=error,
    ), (400 if error else 200)


def _save_screen(position: int, action: str, is_text: bool):
    """Save what the screen says and go on. "Back" keeps a new choice but never demands one;
    "next" on the last screen sends the response, with its answer in the same writes."""
    key = request.form.get("question", "")
    raw = request.form.get("text") if is_text else request.form.get("value")
    draft, today = g.draft, date.today()
    if action == "skip":
        answers = services.answers_without(draft, g.questionnaire, key)
    elif action != "back" or raw is not None:
        answers = services.answers_with(draft, g.questionnaire, key, raw)
    else:
        answers = None  # back without a choice: nothing to save
    if action == "back":
        if answers is not None:
            services.save(draft, answers, today)
            db.session.commit()
        if position <= 1:
            return redirect(url_for(".intro"))
        return redirect(url_for(".question", position=position - 1))
    if position < len(g.questionnaire.visible_questions(answers)):
        services.save(draft, answers, today)
        db.session.commit()
        return redirect(url_for(".question", position=position + 1))
    return _send(draft, answers, today)


def _send(draft: services.Draft, answers: dict[str, str], today: date):
    """Complete the draft with the last screen's answers. The channel may refuse (a tablet that
    sent a response moments ago): then the answers stay on the draft, to be sent again."""
    as_stored = replace(draft)  # ``save`` changes the draft it is given
    try:
        services.save(draft, answers, today, complete=True)
    except services.AlreadyClosed:
        # A second press of "Send" at the same moment: the first one stored the response.
        discard()
        respondent_session.finish(g.channel.name)
        return redirect(url_for(".thanks"))
    try:
        g.channel.completed(draft)
    except TooSoon as refusal:
        return _keep_for_later(as_stored, answers, today, refusal)
    db.session.commit()
    respondent_session.finish(g.channel.name)
    return redirect(url_for(".thanks"))


def _keep_for_later(draft: services.Draft, answers: dict[str, str], today: date, refusal: TooSoon):
    """Undo a refused completion but keep every answer on the draft, and say "Vent et øjeblik".

    Undone rather than checked before completing: only a completion that happened uses up the
    tablet's allowance, and a double press of "Send" still finds the draft closed (above)."""
    discard()
    services.save(draft, answers, today)
    refusal.record()
    db.session.commit()
    posted = {name: request.form[name] for name in WAIT_CARRIES if name in request.form}
    page = render_template("answering/wait.html", posted=posted)
    return page, 429, {"Retry-After": str(refusal.seconds)}


@bp.get("/tak")
def thanks():
    channel = channel_for(session.get("finished") or "kiosk")
    return render_template(
        channel.thanks_template(), seconds=current_app.config["KIOSK_THANKS_SECONDS"]
    )


unavailable.install(bp)
