"""Flask-Limiter's app-wide hooks, kept off the question screens.

Flask-Limiter runs three hooks on every request (before, after and teardown) to apply app-wide
and blueprint limits. This app has none: each limit is a route decorator, which checks itself,
or ``auth.throttle``. On a question screen, the hottest path of the app, the hooks cost 6% of
a save's instructions for nothing (a request filter is evaluated only after most of that
work), so they are skipped for the blueprints named here.
"""

from collections.abc import Callable, Collection
from functools import partial

from flask import Flask, request
from flask_limiter import Limiter


def skip_limiter_hooks(app: Flask, limiter: Limiter, blueprints: Collection[str]) -> None:
    """Wrap the limiter's app-wide hooks so that they do nothing for ``blueprints``."""
    if not app.config.get("RATELIMIT_ENABLED", True):
        return  # switched off (the browser tests): Flask-Limiter registered no hooks
    for registry, returns_response in (
        (app.before_request_funcs, False),
        (app.after_request_funcs, True),
        (app.teardown_request_funcs, False),
    ):
        hooks = registry.get(None, [])
        owned = [i for i, hook in enumerate(hooks) if _belongs_to(hook, limiter)]
        if not owned:
            # A Flask-Limiter upgrade that registers its hooks differently must be noticed.
            raise RuntimeError("Flask-Limiter's request hooks not found; see limiter_hooks.py")
        for i in owned:
            hooks[i] = _skipping(hooks[i], frozenset(blueprints), returns_response)


def _belongs_to(hook: Callable, limiter: Limiter) -> bool:
    if isinstance(hook, partial):
        return limiter in hook.args
    return getattr(hook, "__self__", None) is limiter


def _skipping(hook: Callable, blueprints: frozenset[str], returns_response: bool) -> Callable:
    def run_unless_skipped(*args):
        if request.blueprint in blueprints:
            return args[0] if returns_response else None
        return hook(*args)

    return run_unless_skipped
