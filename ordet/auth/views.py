"""Sign in, sign out and set a password by a single-use link, under /staff."""

from datetime import timedelta

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_time
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import current_user, logout_user

from ..audit import record_for_each
from ..extensions import db
from . import services, throttle
from .forms import ButtonForm, ForgotForm, LoginForm, NewPasswordForm
from .mails import queue_password_mail
from .session import safe_next, start_session
from .sso.accounts import SSO_KEY, passwords_off_for, sso_organisations
from .sso.views import sso_logout_url
from .users import user_organisations

bp = Blueprint("auth", __name__, url_prefix="/staff")


def _refusal_text(refusal: throttle.Refusal) -> str:
    return str(
        _l(
            "Der er prøvet for mange gange. Vent %(seconds)s sekunder, og prøv igen kl. %(time)s.",
            seconds=refusal.seconds,
            time=format_time(refusal.retry_at, "HH:mm:ss"),
        )
    )


def _throttled(kind: str, form, template: str):
    """A 429 page when this account or address has tried too often; counts a POST's attempt."""
    if request.method != "POST":
        return None
    account = services.normalise_email(form.email.data or "")
    refusal = throttle.attempt(kind, account, get_remote_address())
    if refusal is None:
        return None
    return render_template(template, form=form, refusal=_refusal_text(refusal)), 429


@bp.route("/log-ind", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if throttled := _throttled("LOGIN", form, "auth/login.html"):
        return throttled
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        # Passwords switched off by the user's organisation: refused like a wrong password,
        # so the answer never tells that the password was right.
        if user is not None and not passwords_off_for(user):
            start_session(user)
            return redirect(safe_next(request.args.get("next")) or url_for("admin.home"))
        form.password.errors.append(_l("E-mail eller adgangskode er forkert."))
    status = 400 if form.errors else 200
    return render_template(
        "auth/login.html",
        form=form,
        refusal=None,
        sso_organisations=sso_organisations(),
        sso_unknown=request.args.get("sso") == "ukendt",
    ), status


@bp.post("/log-ud")
def logout():
    idp_logout = None
    if ButtonForm().validate_on_submit() or not current_user.is_authenticated:
        idp_logout = sso_logout_url(session.get(SSO_KEY))
        if current_user.is_authenticated:
            # Not just this cookie: every session of the user, and any copy of it, ends.
            current_user.end_sessions()
            db.session.commit()
        logout_user()
        session.clear()
        flash(_l("Du er logget ud."))
    # Signed in through the organisation's IdP: signed out there too, where it can.
    return redirect(idp_logout or url_for(".login"))


@bp.route("/glemt-adgangskode", methods=["GET", "POST"])
def forgot():
    form = ForgotForm()
    if throttled := _throttled("RESET", form, "auth/forgot.html"):
        return throttled
    if form.validate_on_submit():
        user = services.find_user(form.email.data)
        # No password link for staff whose organisation signs in only through its IdP.
        if user is not None and user.active and not passwords_off_for(user):
            minutes = current_app.config["PASSWORD_RESET_MINUTES"]
            token = services.issue_token(user, "reset", timedelta(minutes=minutes))
            queue_password_mail(user, token, "reset")
            db.session.commit()
        # The same answer whether or not the email has an account.
        return render_template("auth/forgot_sent.html")
    status = 400 if form.errors else 200
    return render_template("auth/forgot.html", form=form, refusal=None), status


@bp.route("/ny-adgangskode/<token>", methods=["GET", "POST"])
def new_password(token: str):
    try:
        services.usable_token(token)
    except services.TokenError as problem:
        return render_template("auth/link_invalid.html", message=str(problem)), 400
    form = NewPasswordForm()
    if form.validate_on_submit():
        user = services.set_password_with_token(token, form.password.data)
        record_for_each(user_organisations(user), user.id, "user.password_set", f"user:{user.id}")
        db.session.commit()
        logout_user()
        session.clear()
        flash(_l("Din adgangskode er gemt. Log ind med den nye adgangskode."))
        return redirect(url_for(".login"))
    status = 400 if form.errors else 200
    return render_template("auth/new_password.html", form=form), status


@bp.after_request
def no_referrer(response):
    # The reset link is a secret in the path: never send it on as a Referer.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response
