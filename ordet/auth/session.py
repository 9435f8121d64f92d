"""The staff session: a fresh session at sign-in, and an idle timeout.

Ending every session of a user (sign-out, new password, ...) is ``User.end_sessions``."""

import time

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from ..security import new_token
from .models import User

SEEN_KEY = "staff_seen"


def start_session(user: User) -> None:
    """Sign in with a brand-new session: nothing from before sign-in survives (fixation)."""
    session.clear()
    login_user(user)
    session["sid"] = new_token()  # a new session id: the signed cookie changes completely
    session[SEEN_KEY] = time.time()


def keep_own_session(user: User) -> None:
    """After ``user.end_sessions()`` by the user themself (a role of their own withdrawn): the
    session that made the change goes on, its cookie issued anew under the new epoch. Every
    other session of the user, and any copy of this one's old cookie, stays ended."""
    if current_user.is_authenticated and current_user.id == user.id:
        login_user(user)


def safe_next(target: str | None) -> str | None:
    """Only a staff path on this site: never an open redirect."""
    if target and target.startswith("/staff/") and "//" not in target and "\\" not in target:
        return target
    return None


def enforce_idle_timeout():
    """Before every request: sign out a staff session idle longer than STAFF_IDLE_MINUTES."""
    if "_user_id" not in session:
        return None
    idle = current_app.config["STAFF_IDLE_MINUTES"] * 60
    seen = session.get(SEEN_KEY, 0)
    if time.time() - seen > idle:
        logout_user()
        session.clear()
        if request.path.startswith("/staff"):
            flash(_l("Du var inaktiv for længe og er blevet logget ud. Log ind igen."))
            return redirect(
                url_for("auth.login", next=request.path if request.method == "GET" else None)
            )
        return None
    session[SEEN_KEY] = time.time()
    return None
