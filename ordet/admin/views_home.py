"""The staff home page, the live overview and the audit log."""

from datetime import date

from flask import abort, current_app, render_template, request

from ..auth.access import current_scope, requires
from ..auth.permissions import AUDIT_READ, RESULTS_READ, STAFF_HOME
from ..kiosk.queries import limit_hits
from ..security_headers import no_store
from . import bp, queries
from .util import int_or_none, page_or_404


@bp.get("/")
@requires(STAFF_HOME)
def home():
    return render_template("admin/home.html")


@bp.get("/overblik")
@requires(RESULTS_READ)
def overview():
    scope = current_scope()
    rounds = queries.rounds_in_scope(scope, date.today())
    chosen = int_or_none(request.args.get("runde"))
    round_ = next((r for r in rounds if r.id == chosen), None) if chosen else (rounds or [None])[0]
    if chosen and round_ is None:
        abort(404)
    areas = queries.live_overview(scope, round_) if round_ else []
    limited = {}
    if round_:
        shown = [line.tilbud_id for area in areas for line in area.tilbud]
        limited = limit_hits(shown, round_.opens_on, round_.closes_on)
    return render_template(
        "admin/overview.html",
        rounds=rounds,
        round=round_,
        areas=areas,
        limited=limited,
        today=date.today(),
    )


@bp.get("/log")
@requires(AUDIT_READ)
@no_store
def audit():
    page = page_or_404(request.args.get("side"))
    retention = current_app.config["AUDIT_RETENTION_DAYS"]
    events, more = queries.audit_events(current_scope(), page, retention)
    return render_template("admin/audit.html", events=events, page=page, more=more)
