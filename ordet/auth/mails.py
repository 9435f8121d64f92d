"""The emails sign-in sends: a password link (forgotten password or invitation)."""

from flask import current_app, url_for
from flask_babel import gettext as _

from ..mail import queue_mail
from .models import User


def queue_password_mail(user: User, token: str, purpose: str) -> None:
    """Queue the link mail in the current transaction (delivered by ``send-mail``)."""
    link = url_for("auth.new_password", token=token, _external=True)
    if purpose == "invite":
        subject = _("Du er inviteret til Ordet er dit")
        intro = _("Du er blevet oprettet som bruger af Ordet er dit.")
        lifetime = _(
            "Linket virker én gang og i %(days)s dage.", days=current_app.config["INVITE_DAYS"]
        )
    else:
        subject = _("Ny adgangskode til Ordet er dit")
        intro = _(
            "Nogen har bedt om en ny adgangskode til din bruger. "
            "Var det ikke dig, kan du se bort fra denne e-mail."
        )
        lifetime = _(
            "Linket virker én gang og i %(minutes)s minutter.",
            minutes=current_app.config["PASSWORD_RESET_MINUTES"],
        )
    text = "\n\n".join(
        [
            _("Hej %(name)s", name=user.name or user.email),
            intro,
            _("Vælg din adgangskode her:") + "\n" + link,
            lifetime,
            _("Venlig hilsen\nOrdet er dit"),
        ]
    )
    queue_mail(user.email, subject, text + "\n")


def queue_role_mail(user: User) -> None:
    """An existing account was given a role: say so, with the sign-in link (no password
    link: the account has one)."""
    text = "\n\n".join(
        [
            _("Hej %(name)s", name=user.name or user.email),
            _("Du har fået en ny rolle i Ordet er dit."),
            _("Log ind her:") + "\n" + url_for("auth.login", _external=True),
            _("Venlig hilsen\nOrdet er dit"),
        ]
    )
    queue_mail(user.email, _("Du er inviteret til Ordet er dit"), text + "\n")
