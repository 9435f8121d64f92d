"""The pårørende's own pages: ``/s/<token>`` opens the shared answering flow; opt-out.

Unknown, purged and used links all get ``invitations/link_gone.html`` with status 404 and
the same words, after the same single hash lookup, so nothing tells whether an email is on a
list or whether someone answered: a used link is an unknown one, as ``mark_answered`` deletes
an answered invitation's tokens.

Every mail has a link of its own, but an invitation has one answer in progress: the link
session's draft key is the invitation's (``link_drafts``), whichever of its links is opened.
"""

from datetime import date

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from ..answering import services as answering
from ..answering import session as respondent_session
from ..answering.models import LINK
from ..extensions import csrf, db, limiter
from ..org.models import Tilbud
from ..questionnaires.scoped import of_round
from ..rounds.models import Round
from ..security import hash_secret
from . import asker, link_drafts, services
from .mailing import danish_date
from .models import Invitation

bp = Blueprint("link", __name__, url_prefix="/s")
bp.app_context_processor(lambda: {"link_asker": asker.current})
VARIANT = "paaroerende"
LIMIT = "30 per minute"


def _gone(message, hint=None):
    return render_template("invitations/link_gone.html", message=message, hint=hint), 404


SPENT = _l("Linket er allerede brugt, eller det er udløbet.")
# Said to everyone the link does not find: it may be someone who answered, or a typo.
SPENT_HINT = _l(
    "Har du allerede svaret, så tak for dine svar. "
    "Ellers tjek, at du har brugt hele linket fra din e-mail."
)
SPENT_OPT_OUT_HINT = _l(
    "Har du allerede svaret, får du ikke flere påmindelser. "
    "Ellers tjek, at du har brugt hele linket fra din e-mail."
)


def _found(token: str) -> Invitation | None:
    """The link's invitation while the link works; None for a used or purged one."""
    invitation = services.find_by_token(token)
    if invitation is None or invitation.purged_on is not None or invitation.answered:
        return None  # (answered with tokens left: only rows older than mark_answered's delete)
    return invitation


def _usable(token: str):
    """(invitation, round, questionnaire), or a ready "gone" page."""
    invitation = _found(token)
    if invitation is None:
        return None, _gone(SPENT, SPENT_HINT)
    round_ = db.session.get(Round, invitation.round_id)
    version = round_.version_of(VARIANT)
    if not round_.is_open(date.today()) or version is None:
        return None, _gone(_l("Spørgeskemaet er lukket. Tak for din interesse."))
    return (invitation, round_, of_round(round_, VARIANT, version)), None


@bp.get("/")
def missing():
    """Where a link session that has ended lands (e.g. "Tilbage" after "Tak")."""
    if session.get("finished") == LINK:
        return render_template("invitations/sent.html")
    return _gone(_l("Åbn linket fra din e-mail igen for at fortsætte."))


@bp.get("/<token>")
@limiter.limit(LIMIT)
def start(token: str):
    found, gone = _usable(token)
    if gone:
        return gone
    invitation, round_, questionnaire = found
    _, draft = link_drafts.find(current_app.config["SECRET_KEY"], invitation.id, token)
    asker.show(round_.organisation_id)
    return render_template(
        "invitations/link_start.html",
        token=token,
        tilbud=db.session.get(Tilbud, invitation.tilbud_id),
        closes_on=danish_date(round_.closes_on),
        questionnaire=questionnaire,
        resuming=draft is not None,
    )


@bp.post("/<token>")
@limiter.limit(LIMIT)
def begin(token: str):
    found, gone = _usable(token)
    if gone:
        return gone
    invitation, round_, questionnaire = found
    language = request.form.get("lang", "da")
    if language not in questionnaire.languages:
        language = "da"
    secret = current_app.config["SECRET_KEY"]
    draft_key, draft = link_drafts.find(secret, invitation.id, token, adopt=True)
    if draft is None:
        tilbud = db.session.get(Tilbud, invitation.tilbud_id)
        try:
            answering.start(round_, tilbud, questionnaire, LINK, language, draft_key, date.today())
            db.session.commit()
        except IntegrityError:  # begun at this moment through another of its links (or twice)
            db.session.rollback()
    else:
        db.session.commit()  # (a draft ``find`` carried over to the invitation's key)
    respondent_session.begin(LINK, draft_key, {"token_hash": hash_secret(token)})
    asker.show(round_.organisation_id, remember=True)
    respondent_session.set_language(draft.language if draft else language)
    if draft is None or not draft.answers:
        # The start page said what the intro says to borgere: straight to the first question.
        return redirect(url_for("answering.question", position=1))
    return redirect(url_for("answering.resume"))


@bp.route("/<token>/afmeld", methods=["GET", "POST"])
@limiter.limit(LIMIT)
@csrf.exempt
def opt_out(token: str):
    """GET asks; POST (the form, or a mail client's one-click, RFC 8058) opts out."""
    invitation = _found(token)
    if invitation is None:
        return _gone(SPENT, SPENT_OPT_OUT_HINT)
    asker.show(db.session.get(Round, invitation.round_id).organisation_id)
    if request.method == "POST":
        if request.form.get("List-Unsubscribe") != "One-Click":
            csrf.protect()
        services.opt_out(invitation, date.today())
        db.session.commit()
        return render_template("invitations/opted_out.html")
    if invitation.opted_out_on is not None:
        return render_template("invitations/opted_out.html")
    return render_template("invitations/opt_out.html", token=token)
