"""Guarding staff views: sign-in, a declared permission, and the user's scope."""

from collections.abc import Callable
from functools import wraps

from flask import abort, g
from flask_login import current_user, login_required

from .scope import Scope

# Every staff endpoint declares its permission here (filled by ``requires``); a test checks
# that each staff route has one, so a new route cannot slip through unguarded.
DECLARED: dict[str, str] = {}


def current_scope() -> Scope:
    if "scope" not in g:
        g.scope = Scope.of(current_user if current_user.is_authenticated else None)
    return g.scope


def requires(permission: str) -> Callable:
    """Sign-in required, and at least one grant whose role includes ``permission``."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_scope().can(permission):
                abort(403)
            return view(*args, **kwargs)

        guarded.required_permission = permission  # type: ignore[attr-defined]
        return login_required(guarded)

    return decorate
