"""Web plumbing shared by every blueprint: registration, language, error pages, health."""

from functools import cache
from pathlib import Path

from flask import Flask, jsonify, render_template, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from markupsafe import Markup
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from .extensions import db, limiter
from .limiter_hooks import skip_limiter_hooks
from .security_headers import init_serving

PICTOGRAMS = Path(__file__).parent / "templates" / "pictograms"

ERROR_TEXTS = {
    400: (_l("Noget gik galt"), _l("Siden fik noget, den ikke forstod. Gå tilbage og prøv igen.")),
    403: (_l("Ingen adgang"), _l("Du har ikke adgang til denne side.")),
    404: (_l("Siden findes ikke"), _l("Vi kan ikke finde siden. Tjek adressen.")),
    405: (_l("Noget gik galt"), _l("Siden kan ikke bruges på den måde.")),
    413: (_l("For meget på én gang"), _l("Det, du sendte, er for stort. Prøv med mindre.")),
    429: (_l("Vent lidt"), _l("Der er prøvet for mange gange. Vent et minut, og prøv igen.")),
    500: (_l("Noget gik galt"), _l("Der skete en fejl hos os. Prøv igen om lidt.")),
    503: (_l("Prøv igen om lidt"), _l("Systemet har travlt lige nu. Prøv igen om lidt.")),
}


def current_language() -> str:
    """The respondent's chosen language, else the staff member's, else Danish."""
    from flask import current_app

    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if getattr(current_user, "is_authenticated", False) and current_user.language in languages:
        return current_user.language
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def pictogram(name: str | None) -> Markup:
    """Inline SVG for a pictogram the project draws; names come from validated files only."""
    if not name:
        return Markup("")
    return Markup(_pictogram_svg(name))  # noqa: S704 (our own files, not user input)


@cache
def _pictogram_svg(name: str) -> str:
    # Read once per worker: a question page draws several, and they change only on deploy.
    path = PICTOGRAMS / f"{name}.svg"
    if path.parent != PICTOGRAMS or not path.exists():
        return ""
    return path.read_text("utf-8")


class BoundedInt(IntegerConverter):
    """``<int:...>`` in every route, capped at the largest id an ``INTEGER`` column holds: an
    absurd number in an address is "Siden findes ikke", not a database error."""

    def __init__(self, map, fixed_digits=0, min=None, max=2**31 - 1, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_web(app: Flask) -> None:
    from .admin import init_admin
    from .answering.channels import register
    from .answering.views import bp as answering_bp
    from .auth import init_auth
    from .export.views import bp as export_bp
    from .invitations import upload_views  # noqa: F401  (adds the upload routes)
    from .invitations.channel import LinkChannel
    from .invitations.link_views import bp as link_bp
    from .invitations.views import bp as invitations_bp
    from .kiosk.channel import KioskChannel
    from .kiosk.settings import bp as kiosk_settings_bp
    from .kiosk.views import bp as kiosk_bp
    from .national.admin_views import bp as national_admin_bp
    from .national.views import bp as national_bp
    from .offline.views import bp as offline_bp
    from .pages import bp as pages_bp
    from .results.views import bp as results_bp

    app.url_map.converters["int"] = BoundedInt  # before any route is added
    for blueprint in (
        pages_bp,
        kiosk_bp,
        offline_bp,
        answering_bp,
        kiosk_settings_bp,
        link_bp,
        invitations_bp,
        results_bp,
        export_bp,
        national_admin_bp,
        national_bp,
    ):
        app.register_blueprint(blueprint)
    init_auth(app)
    init_admin(app)
    register(KioskChannel())
    register(LinkChannel())
    init_serving(app)
    # The question screens have no rate limit: many tablets can share one address, and each
    # request needs the draft key and CSRF token of its own session.
    skip_limiter_hooks(app, limiter, {answering_bp.name})

    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals.update(
        pictogram=pictogram,
        current_language=current_language,
        has_endpoint=lambda name: name in app.view_functions,
    )

    @app.get("/healthz")
    def healthz():
        try:
            db.session.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return jsonify(status="unavailable"), 503
        return jsonify(status="ok")

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_template(
            "error.html",
            title=_l("Siden er for gammel"),
            message=_l("Siden er blevet for gammel. Gå tilbage, genindlæs siden og prøv igen."),
        ), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        title, message = ERROR_TEXTS.get(code, ERROR_TEXTS[400 if code < 500 else 500])
        return render_template("error.html", title=title, message=message), code

    @app.errorhandler(SQLAlchemyError)
    def database_error(error: SQLAlchemyError):
        db.session.rollback()
        app.logger.exception("database error")
        title, message = ERROR_TEXTS[503]
        return render_template("error.html", title=title, message=message), 503

    @app.after_request
    def no_store_for_respondents(response):
        # A borger's answers must never come back from the cache via Back or history.
        if request.blueprint in {"kiosk", "answering", "link"}:
            response.headers["Cache-Control"] = "no-store"
        return response
