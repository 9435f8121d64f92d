"""When the database is briefly away, a respondent's answer stays on the screen.

A failed save shows "Prøv igen om lidt" with the chosen answer held in the form, so pressing
the button again (once the database is back) stores it. Nothing is saved half-way: the failed
transaction is rolled back.
"""

from flask import Blueprint, current_app, g, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import SQLAlchemyError

from ..database import discard

# Form fields the question screen posts; anything else is not carried over.
CARRIED = ("csrf_token", "question", "value", "text", "action")


def install(bp: Blueprint) -> None:
    """Register the handler on the answering blueprint (it covers its before_request too)."""
    bp.register_error_handler(SQLAlchemyError, database_unavailable)


def database_unavailable(error: SQLAlchemyError):
    discard()
    current_app.logger.warning("database unavailable: %s", type(error).__name__)
    if request.method != "POST" or request.endpoint != "answering.question":
        return render_template(
            "error.html",
            title=_l("Prøv igen om lidt"),
            message=_l("Systemet har travlt lige nu. Prøv igen om lidt."),
        ), 503
    posted = {name: request.form[name] for name in CARRIED if name in request.form}
    question = chosen = None
    questionnaire = g.get("questionnaire")
    if questionnaire is not None:
        question = questionnaire.question(posted.get("question", ""))
    if question is not None and not question.is_text and posted.get("value"):
        chosen = question.option(posted["value"])
    return render_template(
        "answering/retry.html", posted=posted, question=question, chosen=chosen
    ), 503
