"""Staff results pages under /staff/resultater. Thin: pick, compute, render."""

from flask import Blueprint, abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from ..audit import record_event
from ..auth.access import current_scope, requires
from ..auth.permissions import COMMENTS_READ, EXPORT_RAW, EXPORT_RESULTS, RESULTS_READ
from ..extensions import db
from . import queries
from .comments import RedactionRefused, redact, shown_tilbud
from .pick import VARIANT_LABELS, Refused, pick, pick_round
from .presentation import ASSISTED_FILTERS, scope_tilbud_ids, unit_param, unit_view

bp = Blueprint("results", __name__, url_prefix="/staff/resultater")


@bp.errorhandler(Refused)
def refused(error: Refused):
    return render_template("error.html", title=_("Det kan vi ikke vise"), message=error.message), (
        error.status
    )


@bp.get("/")
@requires(RESULTS_READ)
def index():
    rounds = queries.visible_rounds(current_scope().organisation_ids(RESULTS_READ))
    return render_template("results/index.html", rounds=rounds)


@bp.get("/<slug>/")
@requires(RESULTS_READ)
def overview(slug: str):
    round_ = pick_round(slug, current_scope(), RESULTS_READ)
    visible = current_scope().tilbud_ids(RESULTS_READ)
    return render_template(
        "results/overview.html",
        round=round_,
        rows=queries.overview_rows(round_, visible, current_scope(), RESULTS_READ),
        variants=VARIANT_LABELS,
    )


@bp.get("/<slug>/<variant>/")
@requires(RESULTS_READ)
def unit(slug: str, variant: str):
    choice = pick(slug, variant, request.args, current_scope(), RESULTS_READ)
    view = unit_view(choice.results, choice.unit, choice.units, choice.theme)
    return render_template(
        "results/unit.html",
        choice=choice,
        view=view,
        variants=VARIANT_LABELS,
        assisted_filters=ASSISTED_FILTERS,
        unit_param=unit_param,
        may_comment=current_scope().can(COMMENTS_READ),
        may_export=current_scope().can(EXPORT_RESULTS),
        may_raw=current_scope().can(EXPORT_RAW),
    )


@bp.get("/<slug>/<variant>/kommentarer")
@requires(COMMENTS_READ)
def comments(slug: str, variant: str):
    choice = pick(slug, variant, request.args, current_scope(), COMMENTS_READ)
    visible = set(scope_tilbud_ids(current_scope(), COMMENTS_READ))
    tilbud_ids = shown_tilbud(choice.results, choice.unit, visible)
    rows = queries.comments(choice.round.id, variant, tilbud_ids, assisted=choice.results.assisted)
    record_event(
        current_user.id,
        "comments.read",
        f"round:{choice.round.slug}",
        {"variant": variant, "unit": unit_param(choice.unit), "shown": len(rows)},
    )
    db.session.commit()
    names = {u.id: u.name for u in choice.results.tree.units.values() if u.kind == "tilbud"}
    return render_template(
        "results/comments.html",
        choice=choice,
        rows=rows,
        names=names,
        unit_param=unit_param,
        variants=VARIANT_LABELS,
        below=choice.results.responses.get(choice.unit.key),
    )


@bp.post("/kommentarer/<int:answer_id>/rediger")
@requires(COMMENTS_READ)
def redact_comment(answer_id: int):
    visible = set(scope_tilbud_ids(current_scope(), COMMENTS_READ))
    try:
        redact(answer_id, request.form.get("text", ""), current_user.id, visible)
    except RedactionRefused as error:
        db.session.rollback()
        raise Refused(error.args[0], 404) from None
    db.session.commit()
    flash(_("Kommentaren er redigeret. Den oprindelige tekst er slettet."))
    target = request.form.get("next", "")
    if not target.startswith("/staff/") or "//" in target or "\\" in target:
        abort(400)
    return redirect(target)
