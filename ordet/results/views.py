"""Staff results pages under /staff/resultater. Thin: pick, compute, render."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..audit import record_event
from ..auth.access import current_scope, requires
from ..auth.permissions import COMMENTS_READ, EXPORT_RAW, EXPORT_RESULTS, RESULTS_READ
from ..extensions import db
from ..security_headers import no_store
from . import queries
from .comments import (
    RedactionRefused,
    comment_groups,
    find_comment,
    redact,
    released_comments,
)
from .linked import GROUPS
from .pick import VARIANT_LABELS, Refused, pick, pick_round
from .presentation import (
    landsplan,
    national_cell,
    rounded,
    scope_tilbud_ids,
    unit_param,
    unit_view,
)

bp = Blueprint("results", __name__, url_prefix="/staff/resultater")
bp.add_app_template_filter(rounded, "rounded")


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
    scope = current_scope()
    round_ = pick_round(slug, scope, RESULTS_READ)
    return render_template(
        "results/overview.html",
        round=round_,
        rows=queries.overview_rows(round_, scope.tilbud_ids(RESULTS_READ), scope, RESULTS_READ),
        whole=scope.allows_organisation(round_.organisation_id, RESULTS_READ),
        variants=VARIANT_LABELS,
    )


@bp.get("/<slug>/<variant>/")
@requires(RESULTS_READ)
def unit(slug: str, variant: str):
    choice = pick(slug, variant, request.args, current_scope(), RESULTS_READ)
    view = unit_view(choice.results, choice.unit, choice.units, choice.theme)
    national = landsplan(choice.results)
    db.session.commit()  # a release ``pick`` published
    return render_template(
        "results/unit.html",
        choice=choice,
        view=view,
        variants=VARIANT_LABELS,
        groups=GROUPS,
        unit_param=unit_param,
        national=national,
        national_cell=national_cell,
        may_comment=current_scope().can(COMMENTS_READ),
        may_export=current_scope().can(EXPORT_RESULTS),
        may_raw=current_scope().can(EXPORT_RAW),
    )


@bp.get("/<slug>/<variant>/kommentarer")
@requires(COMMENTS_READ)
@no_store
def comments(slug: str, variant: str):
    choice = pick(slug, variant, _everyone(request.args), current_scope(), COMMENTS_READ)
    visible = set(scope_tilbud_ids(current_scope(), COMMENTS_READ))
    rows = released_comments(choice.results, comment_groups(choice.results, choice.unit, visible))
    record_event(
        current_user.id,
        "comments.read",
        f"round:{choice.round.slug}",
        {"variant": variant, "unit": unit_param(choice.unit), "shown": len(rows)},
        organisation_id=choice.round.organisation_id,
    )
    db.session.commit()
    return render_template(
        "results/comments.html",
        choice=choice,
        rows=rows,
        unit_param=unit_param,
        variants=VARIANT_LABELS,
        below=choice.results.responses.get(choice.unit.key),
    )


@bp.post("/<slug>/<variant>/kommentarer/<ref>/rediger")
@requires(COMMENTS_READ)
def redact_comment(slug: str, variant: str, ref: str):
    choice = pick(slug, variant, _everyone(request.form), current_scope(), COMMENTS_READ)
    visible = set(scope_tilbud_ids(current_scope(), COMMENTS_READ))
    groups = comment_groups(choice.results, choice.unit, visible)
    answer_id = find_comment(choice.results, groups, ref)
    try:
        if answer_id is None:
            raise RedactionRefused(_("Kommentaren findes ikke."))
        redact(answer_id, request.form.get("text", ""), current_user.id)
    except RedactionRefused as error:
        db.session.rollback()
        raise Refused(error.args[0], 404) from None
    db.session.commit()
    flash(_("Kommentaren er redigeret. Den oprindelige tekst er slettet."))
    return redirect(url_for(".comments", slug=slug, variant=variant, enhed=unit_param(choice.unit)))


def _everyone(args) -> dict:
    """Comment lists are never per help group (two lists would single comments out by
    difference): the filter is dropped, and the list follows the pattern for everyone."""
    return {key: value for key, value in args.items() if key != "hjaelp"}
