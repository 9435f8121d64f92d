"""Flask-Login's hook into our users."""

from ..extensions import db, login_manager
from .models import User


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user of a session id ``User.get_id`` made, while it is still current.

    A session (or remember cookie) from before ``User.end_sessions`` carries an older epoch:
    no user, so Flask-Login treats the request as signed out.
    """
    user_id, _, epoch = (session_id or "").partition(":")
    if not (user_id.isascii() and user_id.isdigit() and epoch.isascii() and epoch.isdigit()):
        return None
    user = db.session.get(User, int(user_id)) if int(user_id) < 2**31 else None
    if user is None or user.session_epoch != int(epoch):
        return None
    return user
