"""Staff pages for the pårørende pilot, under ``/staff/paaroerende``. Counts only."""

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..audit import record_event
from ..auth.access import current_scope, requires
from ..auth.permissions import INVITATIONS_MANAGE
from ..extensions import db
from ..org.models import Tilbud
from ..rounds.models import Round, RoundTilbud
from ..rounds.queries import round_by_slug
from . import queries, services, upload
from .forms import PlanForm, UploadForm

bp = Blueprint("invitations", __name__, url_prefix="/staff/paaroerende")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.url_value_preprocessor
def allow_uploads(endpoint: str | None, values: dict | None) -> None:
    """The app caps bodies at 64 KiB for the kiosk; only the list upload may be larger.

    A URL value preprocessor, because it runs before every ``before_request`` hook, and
    CSRF protection (one of those) already reads the body.
    """
    if endpoint == "invitations.preview":
        request.max_content_length = current_app.config["INVITATION_UPLOAD_MAX_BYTES"]


def _round_and_tilbud(round_slug: str, tilbud_slug: str) -> tuple[Round, Tilbud]:
    round_ = round_by_slug(round_slug)
    tilbud = db.session.scalar(db.select(Tilbud).where(Tilbud.slug == tilbud_slug))
    if round_ is None or tilbud is None:
        abort(404)
    if not current_scope().allows_tilbud(tilbud.id, INVITATIONS_MANAGE):
        abort(403)
    if db.session.get(RoundTilbud, (round_.id, tilbud.id)) is None:
        abort(404)
    return round_, tilbud


def _chosen_round(rounds: list[Round]) -> Round | None:
    slug = request.args.get("runde")
    return next((r for r in rounds if r.slug == slug), rounds[0] if rounds else None)


@bp.get("/")
@requires(INVITATIONS_MANAGE)
def overview():
    visible = current_scope().tilbud_ids(INVITATIONS_MANAGE)
    rounds = queries.rounds_with_invitations(visible)
    round_ = _chosen_round(rounds)
    return render_template(
        "invitations/overview.html",
        rounds=rounds,
        round=round_,
        tilbud=queries.counts_by_tilbud(round_.id, visible) if round_ else [],
        areas=queries.counts_by_specialomraade(round_.id, visible) if round_ else [],
    )


@bp.get("/pilot")
@requires(INVITATIONS_MANAGE)
def pilot():
    visible = current_scope().tilbud_ids(INVITATIONS_MANAGE)
    rounds = queries.rounds_with_invitations(visible)
    round_ = _chosen_round(rounds)
    rows = queries.pilot(round_.id, visible) if round_ else []
    weeks = sorted({week for row in rows for week in row.by_week})
    return render_template(
        "invitations/pilot.html", rounds=rounds, round=round_, rows=rows, weeks=weeks
    )


@bp.get("/skabelon.xlsx")
@requires(INVITATIONS_MANAGE)
def template():
    return (
        upload.template_workbook(),
        200,
        {
            "Content-Type": XLSX,
            "Content-Disposition": 'attachment; filename="paaroerende-skabelon.xlsx"',
        },
    )


def _tilbud_page(round_, tilbud, upload_form=None, plan_form=None, status=200):
    plan = services.plan_for(round_.id, tilbud.id)
    if plan_form is None:
        plan_form = PlanForm(obj=plan)
        if plan is not None:
            plan_form.first.data, plan_form.second.data = (
                plan.first_reminder_on,
                plan.second_reminder_on,
            )
    return render_template(
        "invitations/tilbud.html",
        round=round_,
        tilbud=tilbud,
        counts=queries.tilbud_counts(round_.id, tilbud.id),
        upload_form=upload_form or UploadForm(),
        plan_form=plan_form,
        plan=plan,
        reminders_over=plan is not None and services.reminders_over(plan, date.today()),
    ), status


@bp.get("/<round_slug>/<tilbud_slug>")
@requires(INVITATIONS_MANAGE)
def tilbud(round_slug: str, tilbud_slug: str):
    return _tilbud_page(*_round_and_tilbud(round_slug, tilbud_slug))


@bp.post("/<round_slug>/<tilbud_slug>/plan")
@requires(INVITATIONS_MANAGE)
def plan(round_slug: str, tilbud_slug: str):
    round_, tilbud = _round_and_tilbud(round_slug, tilbud_slug)
    form = PlanForm()
    if form.validate_on_submit():
        try:
            services.save_plan(
                round_, tilbud, form.contact.data, form.first.data, form.second.data, date.today()
            )
        except services.InvitationError as problem:
            form.first.errors = [*form.first.errors, str(problem)]
        else:
            record_event(
                current_user.id,
                "invitations.plan",
                f"{round_.slug}/{tilbud.slug}",
                organisation_id=round_.organisation_id,
            )
            db.session.commit()
            flash(_l("Kontakt og påmindelser er gemt."))
            return redirect(url_for(".tilbud", round_slug=round_.slug, tilbud_slug=tilbud.slug))
    return _tilbud_page(round_, tilbud, plan_form=form, status=400)
