"""The admin page where an organisation's IdP is set, under /staff/sso/organisation/<id>."""

from flask import render_template, url_for
from flask_babel import lazy_gettext as _l

from ...admin.util import actor, organisation_or_404, save_form
from ...extensions import db
from ..access import requires
from ..permissions import ORG_MANAGE
from . import settings
from .accounts import config_for
from .forms import NO_FORM_CSRF, ButtonForm, OidcForm, PasswordsForm, SamlForm
from .models import DEFAULT_SCOPES
from .views import bp

SAVED = _l("Ændringen er gemt.")


def _page(organisation, status: int = 200, **forms):
    config = config_for(organisation)
    values = {
        "discovery_url": config.oidc_discovery_url,
        "client_id": config.oidc_client_id,
        "scopes": config.oidc_scopes or DEFAULT_SCOPES,
    }
    forms.setdefault("oidc", OidcForm(prefix="oidc", meta=NO_FORM_CSRF, data=values))
    forms.setdefault("saml", SamlForm(prefix="saml", meta=NO_FORM_CSRF))
    forms.setdefault("passwords", PasswordsForm(prefix="pw", meta=NO_FORM_CSRF, obj=config))
    page = render_template(
        "admin/sso.html",
        unit=organisation,
        config=config,
        rotate=ButtonForm(prefix="rotate", meta=NO_FORM_CSRF),
        **forms,
    )
    db.session.rollback()  # showing the page never saves a config it made
    return page, status


def _target(organisation_id: int):
    return lambda _: url_for("sso.admin", organisation_id=organisation_id)


@bp.get("/organisation/<int:organisation_id>")
@requires(ORG_MANAGE)
def admin(organisation_id: int):
    return _page(organisation_or_404(organisation_id, ORG_MANAGE))


@bp.post("/organisation/<int:organisation_id>/oidc")
@requires(ORG_MANAGE)
def admin_oidc(organisation_id: int):
    unit = organisation_or_404(organisation_id, ORG_MANAGE)
    form = OidcForm(prefix="oidc", meta=NO_FORM_CSRF)
    done = lambda: settings.set_oidc(  # noqa: E731
        actor(),
        unit,
        form.discovery_url.data,
        form.client_id.data,
        form.client_secret.data,
        form.scopes.data,
    )
    return save_form(form, done, SAVED, _target(unit.id)) or _page(unit, 400, oidc=form)


@bp.post("/organisation/<int:organisation_id>/saml")
@requires(ORG_MANAGE)
def admin_saml(organisation_id: int):
    unit = organisation_or_404(organisation_id, ORG_MANAGE)
    form = SamlForm(prefix="saml", meta=NO_FORM_CSRF)
    done = lambda: settings.set_saml(  # noqa: E731
        actor(), unit, form.metadata_xml.data or "", form.metadata_url.data or ""
    )
    return save_form(form, done, SAVED, _target(unit.id)) or _page(unit, 400, saml=form)


@bp.post("/organisation/<int:organisation_id>/adgangskoder")
@requires(ORG_MANAGE)
def admin_passwords(organisation_id: int):
    unit = organisation_or_404(organisation_id, ORG_MANAGE)
    form = PasswordsForm(prefix="pw", meta=NO_FORM_CSRF)
    done = lambda: settings.set_passwords_off(actor(), unit, form.passwords_off.data)  # noqa: E731
    return save_form(form, done, SAVED, _target(unit.id)) or _page(unit, 400, passwords=form)


@bp.post("/organisation/<int:organisation_id>/ny-noegle")
@requires(ORG_MANAGE)
def admin_rotate(organisation_id: int):
    unit = organisation_or_404(organisation_id, ORG_MANAGE)
    form = ButtonForm(prefix="rotate", meta=NO_FORM_CSRF)
    done = lambda: settings.rotate_sp_key(actor(), unit)  # noqa: E731
    message = _l("Ny nøgle lavet. Send de nye metadata til login-tjenesten.")
    return save_form(form, done, message, _target(unit.id)) or _page(unit, 400)
