"""The national level's staff pages under /staff/landsplan: the rollout (platform
administrator and national analysts) and what the platform administrator manages there:
national rounds, the rollout's institutions and national analysts. Thin: the services decide.

The platform administrator sees the names of every organisation and tilbud here, to register
institutions; names only, never an organisation's data.
"""

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from ..admin.errors import AdminError
from ..admin.util import actor, id_or_none, int_or_none, save_form, show_error
from ..auth.access import requires
from ..auth.mails import queue_password_mail, queue_role_mail
from ..auth.models import NATIONAL_ANALYST, Grant
from ..auth.permissions import NATIONAL_MANAGE, NATIONAL_READ
from ..extensions import db
from . import services
from .forms import AnalystForm, InstitutionForm, NationalRoundForm, options, plan_fields
from .models import Institution
from .rollout import planned_label, rollout_rows

bp = Blueprint("national_admin", __name__, url_prefix="/staff/landsplan")


@bp.get("/udrulning")
@requires(NATIONAL_READ)
def rollout():
    return render_template("national/rollout.html", rows=rollout_rows(date.today()))


@bp.route("/runder", methods=["GET", "POST"])
@requires(NATIONAL_MANAGE)
def rounds():
    form = NationalRoundForm()
    saved = save_form(
        form,
        lambda: services.create_national_round(
            actor(), form.slug.data, form.name.data, int_or_none(form.year.data)
        ),
        _l("Den landsdækkende runde er oprettet."),
        lambda _: url_for(".rounds"),
    )
    if saved:
        return saved
    return render_template(
        "national/rounds.html", form=form, rounds=services.national_rounds()
    ), 400 if form.errors else 200


@bp.route("/institutioner", methods=["GET", "POST"])
@requires(NATIONAL_MANAGE)
def institutions():
    form = _institution_form()
    saved = save_form(
        form,
        lambda: services.register_institution(
            actor(),
            id_or_none(form.tilbud_id.data),
            int_or_none(form.planned_year.data),
            int_or_none(form.planned_quarter.data),
        ),
        _l("Tilbuddet er med i udrulningen."),
        lambda _: url_for(".institutions"),
    )
    if saved:
        return saved
    return _institutions_page(form, None), 400 if form.errors else 200


@bp.post("/institutioner/<int:tilbud_id>")
@requires(NATIONAL_MANAGE)
def institutions_plan(tilbud_id: int):
    institution = _institution_or_404(tilbud_id)
    return _apply(
        lambda: services.replan_institution(
            actor(),
            institution,
            int_or_none(request.form.get("planned_year")),
            int_or_none(request.form.get("planned_quarter")),
        ),
        _l("Planen er ændret."),
    )


@bp.post("/institutioner/<int:tilbud_id>/fjern")
@requires(NATIONAL_MANAGE)
def institutions_remove(tilbud_id: int):
    institution = _institution_or_404(tilbud_id)
    return _apply(
        lambda: services.remove_institution(actor(), institution),
        _l("Tilbuddet er taget ud af udrulningen."),
    )


@bp.route("/analytikere", methods=["GET", "POST"])
@requires(NATIONAL_MANAGE)
def analysts():
    form = AnalystForm()
    if form.validate_on_submit():
        try:
            user, token = services.invite_analyst(
                actor(), form.email.data, form.name.data, current_app.config["INVITE_DAYS"]
            )
            if token:
                queue_password_mail(user, token, "invite")
            else:
                queue_role_mail(user)
        except AdminError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_l("Landsanalytikeren er inviteret. Der er sendt en e-mail."))
            return redirect(url_for(".analysts"))
    return render_template(
        "national/analysts.html", form=form, grants=services.analysts()
    ), 400 if form.errors else 200


@bp.post("/analytikere/<int:grant_id>/fjern")
@requires(NATIONAL_MANAGE)
def analysts_withdraw(grant_id: int):
    grant = db.session.get(Grant, grant_id)
    if grant is None or grant.role != NATIONAL_ANALYST:
        abort(404)
    services.withdraw_analyst(actor(), grant)
    db.session.commit()
    flash(_l("Rollen som landsanalytiker er fjernet."))
    return redirect(url_for(".analysts"))


def _institution_or_404(tilbud_id: int) -> Institution:
    institution = db.session.get(Institution, tilbud_id)
    if institution is None:
        abort(404)
    return institution


def _institution_form(**kwargs) -> InstitutionForm:
    form = InstitutionForm(**kwargs)
    form.tilbud_id.choices = options(
        [("", _l("Vælg tilbud"))]
        + [(t, f"{name} ({operator})") for t, name, operator in services.tilbud_choices()]
    )
    plan_fields(form)
    return form


def _institutions_page(form: InstitutionForm, error):
    return render_template(
        "national/institutions.html",
        form=form,
        rows=rollout_rows(date.today()),
        error=error,
        years=services.PLAN_YEARS,
        planned_label=planned_label,
    )


def _apply(change, done):
    """A row's action: on a refusal the page again with the message (400), nothing stored."""
    try:
        change()
    except AdminError as error:
        db.session.rollback()
        return _institutions_page(_institution_form(formdata=None), error.message), 400
    db.session.commit()
    flash(done)
    return redirect(url_for(".institutions"))
