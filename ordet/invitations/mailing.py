"""The invitation and reminder mails: a fresh link token each, queued in the outbox."""

from datetime import date

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from ..extensions import db
from ..mail import queue_mail, sender_named
from ..org.models import Organisation, Tilbud
from ..rounds.models import Round
from ..security import hash_secret, new_token
from .models import Invitation, InvitationPlan, InvitationToken

MONTHS = (
    "januar februar marts april maj juni juli august september oktober november december"
).split()


def danish_date(day: date) -> str:
    """ "30. juni 2025": mail is rendered outside a request, so no locale lookup."""
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def issue_token(invitation: Invitation) -> str:
    """A new random link (256 bits) for ``invitation``; only its hash is stored."""
    token = new_token()
    invitation.tokens.append(InvitationToken(token_hash=hash_secret(token)))
    db.session.flush()
    return token


def queue_invitation_mail(
    invitation: Invitation, round_: Round, tilbud: Tilbud, plan: InvitationPlan | None, kind: str
) -> None:
    """Queue the first invitation (``kind="invitation"``) or a reminder, with its own link."""
    token = issue_token(invitation)
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    link = f"{base}/s/{token}"
    opt_out = f"{link}/afmeld"
    organisation = db.session.get(Organisation, round_.organisation_id)
    context = {
        "tilbud": tilbud,
        "name": invitation.name or "",
        "link": link,
        "opt_out": opt_out,
        "closes_on": danish_date(round_.closes_on),
        "contact": plan.contact if plan else "",
        "reminder": kind != "invitation",
    }
    with force_locale("da"):
        subject = (
            _("Påmindelse: Hvad synes du om %(tilbud)s?", tilbud=tilbud.name)
            if kind != "invitation"
            else _("Hvad synes du om %(tilbud)s?", tilbud=tilbud.name)
        )
        text = render_template("email/invitation.txt", **context)
        html = render_template("email/invitation.html", **context)
    queue_mail(
        invitation.email or "",
        subject,
        text,
        html,
        headers={
            # From the organisation that asks, at the app's address (``MAIL_FROM``).
            "From": sender_named(organisation.name, current_app.config["MAIL_FROM"]),
            "List-Unsubscribe": f"<{opt_out}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        ref=f"invitation:{invitation.id}",
        sender=current_app.config["MAIL_FROM"],
    )
