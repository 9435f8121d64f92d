"""Production serving: security headers, the reverse proxy, cache-friendly static files, and
refusal of NUL characters (PostgreSQL cannot store them; they would otherwise become a 503)
and of bodies no form sends (``request_bodies``).

``init_serving(app)`` is called once from ``web.init_web``.
"""

import hashlib
from collections.abc import Callable
from functools import cache, wraps
from pathlib import Path

from flask import Flask, Response, abort, make_response, request
from werkzeug.middleware.proxy_fix import ProxyFix

from .request_bodies import refuse_unexpected_bodies

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# The app reads none of these; denying them means a compromised page cannot either.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
HSTS = "max-age=31536000; includeSubDomains"
STATIC_MAX_AGE = 365 * 24 * 3600

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Token pages (kiosk enrolment, personal links, password reset) must never leak their
    # address to another site; "no-referrer" everywhere is simpler than a list of them.
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
}


def init_serving(app: Flask) -> None:
    """Trust the proxy's headers if configured, add headers, and version static URLs."""
    proxies = int(app.config.get("PROXY_FIX") or 0)
    if proxies:
        # Exactly as many hops as the operator says; more would let a client spoof its address.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )
    static_folder = Path(app.static_folder or "")

    @app.url_defaults
    def versioned_static(endpoint: str, values: dict) -> None:
        # ``?v=<content hash>``: a changed file gets a new URL, so its cache can last a year.
        if endpoint == "static" and "filename" in values and "v" not in values:
            digest = static_digest(static_folder / values["filename"])
            if digest:
                values["v"] = digest

    app.before_request(refuse_nul_characters)
    app.before_request(refuse_unexpected_bodies)
    app.after_request(add_security_headers)


def refuse_nul_characters() -> None:
    """No address, form or URL value has a reason to hold NUL, and PostgreSQL refuses to
    store or compare it ("text fields cannot contain NUL"): a 503 there, a 404 on SQLite. One
    check before every view, rather than one in each view that looks a path segment up."""
    if "\x00" in request.path:
        abort(404)  # no page has such an address, on either engine
    for values in (request.args, request.form if request.method == "POST" else {}):
        for value in values.values():
            if "\x00" in value:
                abort(400)


def no_store(view: Callable) -> Callable:
    """Send the view's response with ``Cache-Control: no-store``: free text, raw data and the
    audit log must not stay in a browser's or a proxy's cache after the staff member leaves."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        response.headers["Cache-Control"] = "no-store"
        return response

    return wrapper


def add_security_headers(response: Response) -> Response:
    # A view may set its own (e.g. a stricter policy): only missing headers are added. One pass
    # over the response's headers, not one per header: this runs on every response.
    present = {name.lower() for name, _ in response.headers}
    response.headers.extend(
        [(name, value) for name, value in HEADERS.items() if name.lower() not in present]
    )
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if request.endpoint == "static" and request.args.get("v") and response.status_code == 200:
        # Unversioned requests keep Flask's revalidate-with-ETag default.
        response.headers["Cache-Control"] = f"public, max-age={STATIC_MAX_AGE}, immutable"
    return response


def static_digest(path: Path) -> str | None:
    """First 12 hex digits of the file's SHA-256, or None for a missing file."""
    try:
        return _digest(path, path.stat().st_mtime_ns)
    except OSError:
        return None


@cache
def _digest(path: Path, mtime_ns: int) -> str:
    # Keyed on the mtime too, so an edited file gets a new URL without a restart.
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
