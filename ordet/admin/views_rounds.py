"""Rounds: create with dates, questionnaire versions and tilbud; open, close, extend;
borgere served per tilbud."""

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from ..auth.access import current_scope, requires
from ..auth.permissions import ROUNDS_MANAGE
from ..extensions import db
from ..national.models import NationalRound
from ..national.services import join_national_round, national_rounds
from ..org.models import Specialomraade, Tilbud
from ..rounds.models import Round
from . import bp
from . import round_services as services
from .errors import AdminError
from .forms import ExtendForm, RoundForm, options
from .util import (
    actor,
    id_or_none,
    int_or_none,
    organisations,
    round_or_404,
    save_form,
    show_error,
)


@bp.get("/runder")
@requires(ROUNDS_MANAGE)
def rounds():
    orgs = current_scope().organisation_ids(ROUNDS_MANAGE) or {-1}
    found = db.session.scalars(
        db.select(Round).where(Round.organisation_id.in_(orgs)).order_by(Round.opens_on.desc())
    ).all()
    return render_template("admin/rounds.html", rounds=found, today=date.today())


@bp.route("/runder/ny", methods=["GET", "POST"])
@requires(ROUNDS_MANAGE)
def rounds_new():
    form = _round_form()
    chosen = [id_or_none(v) for v in request.form.getlist("tilbud")]

    def change():
        organisation = next(
            (o for o in organisations(ROUNDS_MANAGE) if str(o.id) == form.organisation_id.data),
            None,
        )
        if organisation is None:
            raise AdminError(_l("Vælg en organisation."), "organisation_id")
        versions = {v: int_or_none(form[f"version_{v}"].data) for v in services.VARIANT_NAMES}
        round_ = services.create_round(
            actor(),
            organisation,
            form.name.data,
            form.opens_on.data,
            form.closes_on.data,
            versions,
            [c for c in chosen if c is not None],
        )
        if form.national_round_id.data:
            national = id_or_none(form.national_round_id.data)
            join_national_round(actor(), round_, -1 if national is None else national)
        return round_

    saved = save_form(
        form,
        change,
        _l("Runden er oprettet. Skriv nu, hvor mange borgere hvert tilbud har."),
        lambda round_: url_for(".rounds_edit", round_id=round_.id),
    )
    if saved:
        return saved
    status = 400 if form.errors else 200
    return render_template(
        "admin/round_new.html", form=form, units=_units(), chosen=set(chosen)
    ), status


@bp.route("/runder/<int:round_id>", methods=["GET", "POST"])
@requires(ROUNDS_MANAGE)
def rounds_edit(round_id: int):
    """The round, its status actions, and borgere served per tilbud (POST saves those)."""
    round_ = round_or_404(round_id, ROUNDS_MANAGE)
    error = None
    if request.method == "POST":
        served = {
            p.tilbud_id: request.form.get(f"served_{p.tilbud_id}", "").strip()
            for p in round_.participants
        }
        try:
            services.set_borgere_served(actor(), round_, _numbers(served))
        except AdminError as problem:
            db.session.rollback()
            error = problem
        else:
            db.session.commit()
            flash(_l("Antal borgere er gemt."))
            return redirect(url_for(".rounds_edit", round_id=round_.id))
    return _round_page(round_, ExtendForm(), error), 400 if error else 200


@bp.post("/runder/<int:round_id>/status")
@requires(ROUNDS_MANAGE)
def rounds_status(round_id: int):
    """Open now, close now, or extend to a later date."""
    round_ = round_or_404(round_id, ROUNDS_MANAGE)
    form = ExtendForm()
    action = request.form.get("action")
    try:
        if action == "open":
            services.open_now(actor(), round_, date.today())
        elif action == "close":
            services.close_now(actor(), round_, date.today())
        elif action == "extend" and form.validate_on_submit():
            services.extend(actor(), round_, form.closes_on.data)
        else:
            raise AdminError(_l("Skriv en gyldig dato."), "closes_on")
    except AdminError as error:
        show_error(form, error)
        return _round_page(round_, form, None), 400
    db.session.commit()
    flash(_l("Rundens status er ændret."))
    return redirect(url_for(".rounds_edit", round_id=round_.id))


def _numbers(raw: dict[int, str]) -> dict[int, int | None]:
    out: dict[int, int | None] = {}
    for tilbud_id, value in raw.items():
        if value and int_or_none(value) is None:
            raise AdminError(
                _l("Antallet skal være et helt tal fra 0 til 100000."), f"served_{tilbud_id}"
            )
        out[tilbud_id] = int_or_none(value)
    return out


def _round_form() -> RoundForm:
    form = RoundForm()
    form.organisation_id.choices = options((o.id, o.name) for o in organisations(ROUNDS_MANAGE))
    for variant, versions in services.version_choices().items():
        if f"version_{variant}" in form:
            form[f"version_{variant}"].choices = options(
                [("", _l("Ikke med"))] + [(n, _l("Version %(n)s", n=n)) for n in versions]
            )
    form.national_round_id.choices = options(
        [("", _l("Ingen"))] + [(n.id, n.name) for n in national_rounds()]
    )
    return form


def _units() -> list[Tilbud]:
    orgs = current_scope().organisation_ids(ROUNDS_MANAGE) or {-1}
    return list(
        db.session.scalars(
            db.select(Tilbud)
            .join(Specialomraade)
            .where(Specialomraade.organisation_id.in_(orgs), Tilbud.active.is_(True))
            .order_by(Specialomraade.name, Tilbud.name)
        )
    )


@bp.post("/runder/<int:round_id>/landsdaekkende")
@requires(ROUNDS_MANAGE)
def rounds_national(round_id: int):
    """Let the round take part in a national round, or leave it (empty value)."""
    round_ = round_or_404(round_id, ROUNDS_MANAGE)
    value = request.form.get("national_round_id", "")
    national_id = id_or_none(value) if value else None
    try:
        join_national_round(actor(), round_, -1 if value and national_id is None else national_id)
    except AdminError as error:
        db.session.rollback()
        return _round_page(round_, ExtendForm(), None, error.message), 400
    db.session.commit()
    flash(_l("Ændringen er gemt."))
    return redirect(url_for(".rounds_edit", round_id=round_.id))


def _round_page(
    round_: Round, extend_form: ExtendForm, error: AdminError | None, national_error=None
):
    names = dict(
        db.session.execute(
            db.select(Tilbud.id, Tilbud.name).where(
                Tilbud.id.in_([p.tilbud_id for p in round_.participants] or [-1])
            )
        ).all()
    )
    return render_template(
        "admin/round.html",
        round=round_,
        names=names,
        form=extend_form,
        error=error,
        today=date.today(),
        values=request.form,
        national=db.session.get(NationalRound, round_.national_round_id)
        if round_.national_round_id
        else None,
        national_rounds=national_rounds(),
        national_error=national_error,
    )
