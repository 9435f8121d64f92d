"""Organisation, specialområder and tilbud: create, rename, deactivate (never delete)."""

from flask import render_template, url_for
from flask_babel import lazy_gettext as _l

from ..auth.access import requires
from ..auth.permissions import ORG_CREATE, ORG_MANAGE
from ..extensions import db
from ..org.models import Specialomraade
from . import bp
from . import org_services as services
from .errors import AdminError
from .forms import NameForm, OrganisationForm, TilbudForm, UnitForm, options
from .util import (
    actor,
    area_or_404,
    id_or_none,
    organisation_or_404,
    organisations,
    save_form,
    tilbud_or_404,
)

# Second forms on a page carry a prefix; the app-wide CSRFProtect checks their token.
GLOBAL_CSRF = {"csrf": False}


@bp.get("/organisation")
@requires(ORG_MANAGE)
def organisation():
    return render_template("admin/organisations.html", organisations=organisations(ORG_MANAGE))


@bp.route("/organisation/ny", methods=["GET", "POST"])
@requires(ORG_CREATE)
def organisation_new():
    """Only the platform administrator creates organisations (issue 21)."""
    form = NameForm()
    saved = save_form(
        form,
        lambda: services.create_organisation(actor(), form.name.data),
        _l("Organisationen er oprettet."),
        lambda created: url_for(".organisation_edit", organisation_id=created.id),
    )
    if saved:
        return saved
    status = 400 if form.errors else 200
    return render_template("admin/organisation_new.html", form=form), status


@bp.route("/organisation/<int:organisation_id>", methods=["GET", "POST"])
@requires(ORG_MANAGE)
def organisation_edit(organisation_id: int):
    unit = organisation_or_404(organisation_id, ORG_MANAGE)
    form = OrganisationForm(obj=unit)
    saved = save_form(
        form,
        lambda: services.update_organisation(
            actor(), unit, form.name.data, form.active.data, form.privacy_url.data
        ),
        _l("Ændringen er gemt."),
        lambda _: url_for(".organisation_edit", organisation_id=unit.id),
    )
    if saved:
        return saved
    status = 400 if form.errors else 200
    return render_template(
        "admin/organisation.html",
        unit=unit,
        form=form,
        area_form=NameForm(prefix="area", meta=GLOBAL_CSRF),
    ), status


@bp.post("/organisation/<int:organisation_id>/specialomraade")
@requires(ORG_MANAGE)
def organisation_edit_area_new(organisation_id: int):
    unit = organisation_or_404(organisation_id, ORG_MANAGE)
    area_form = NameForm(prefix="area", meta=GLOBAL_CSRF)
    saved = save_form(
        area_form,
        lambda: services.create_specialomraade(actor(), unit, area_form.name.data),
        _l("Specialområdet er oprettet."),
        lambda area: url_for(".area_edit", area_id=area.id),
    )
    if saved:
        return saved
    return render_template(
        "admin/organisation.html", unit=unit, form=OrganisationForm(obj=unit), area_form=area_form
    ), 400


@bp.route("/specialomraade/<int:area_id>", methods=["GET", "POST"])
@requires(ORG_MANAGE)
def area_edit(area_id: int):
    area = area_or_404(area_id, ORG_MANAGE)
    form = UnitForm(obj=area)
    saved = save_form(
        form,
        lambda: services.update_specialomraade(actor(), area, form.name.data, form.active.data),
        _l("Ændringen er gemt."),
        lambda _: url_for(".area_edit", area_id=area.id),
    )
    if saved:
        return saved
    status = 400 if form.errors else 200
    return render_template(
        "admin/area.html",
        area=area,
        form=form,
        tilbud_form=_tilbud_form(area, prefix="tilbud", meta=GLOBAL_CSRF),
    ), status


@bp.post("/specialomraade/<int:area_id>/tilbud")
@requires(ORG_MANAGE)
def area_edit_tilbud_new(area_id: int):
    area = area_or_404(area_id, ORG_MANAGE)
    tilbud_form = _tilbud_form(area, prefix="tilbud", meta=GLOBAL_CSRF)
    saved = save_form(
        tilbud_form,
        lambda: services.create_tilbud(
            actor(), area, tilbud_form.name.data, tilbud_form.kiosk_variant.data
        ),
        _l("Tilbuddet er oprettet."),
        lambda tilbud: url_for(".tilbud_edit", tilbud_id=tilbud.id),
    )
    if saved:
        return saved
    return render_template(
        "admin/area.html", area=area, form=UnitForm(obj=area), tilbud_form=tilbud_form
    ), 400


@bp.route("/tilbud/<int:tilbud_id>", methods=["GET", "POST"])
@requires(ORG_MANAGE)
def tilbud_edit(tilbud_id: int):
    tilbud = tilbud_or_404(tilbud_id, ORG_MANAGE)
    form = _tilbud_form(tilbud.specialomraade, obj=tilbud)

    def change() -> None:
        target = db.session.get(Specialomraade, id_or_none(form.specialomraade_id.data) or -1)
        if target is None:
            raise AdminError(_l("Vælg et specialområde."), "specialomraade_id")
        services.update_tilbud(
            actor(), tilbud, form.name.data, target, form.kiosk_variant.data, form.active.data
        )

    saved = save_form(
        form,
        change,
        _l("Ændringen er gemt."),
        lambda _: url_for(".tilbud_edit", tilbud_id=tilbud.id),
    )
    if saved:
        return saved
    status = 400 if form.errors else 200
    return render_template("admin/tilbud.html", tilbud=tilbud, form=form), status


def _tilbud_form(area, **kwargs) -> TilbudForm:
    form = TilbudForm(**kwargs)
    form.specialomraade_id.choices = options(
        (a.id, a.name) for a in area.organisation.specialomraader
    )
    if not form.is_submitted():
        form.specialomraade_id.data = str(area.id)
    return form
