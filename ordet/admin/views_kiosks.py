"""Tablets per tilbud: enrolment codes (shown once, with a QR code), revoking, the staff PIN."""

from datetime import date

import segno
from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from ..audit import record_event
from ..auth.access import current_scope, requires
from ..auth.permissions import DEVICES_MANAGE
from ..extensions import db
from ..kiosk import pin as kiosk_pin
from ..kiosk.models import Device
from ..kiosk.queries import limit_hits
from ..kiosk.services import create_enrolment_code, revoke
from ..offline.queries import discard_kept, kept_count
from ..org.models import Specialomraade, Tilbud
from . import bp
from .forms import PinForm
from .util import actor, save_form, tilbud_or_404


@bp.get("/tablets")
@requires(DEVICES_MANAGE)
def kiosks():
    visible = current_scope().tilbud_ids(DEVICES_MANAGE)
    tilbud = db.session.scalars(
        db.select(Tilbud)
        .join(Specialomraade)
        .where(Tilbud.id.in_(visible))
        .order_by(Specialomraade.name, Tilbud.name)
    ).all()
    devices = db.session.scalars(
        db.select(Device).where(Device.tilbud_id.in_(visible), Device.revoked_on.is_(None))
    ).all()
    by_tilbud: dict[int, list[Device]] = {}
    for device in devices:
        by_tilbud.setdefault(device.tilbud_id, []).append(device)
    return render_template(
        "admin/kiosks.html", tilbud=tilbud, by_tilbud=by_tilbud, limited=limit_hits(visible)
    )


@bp.get("/tablets/<int:tilbud_id>")
@requires(DEVICES_MANAGE)
def kiosks_tilbud(tilbud_id: int):
    return _tilbud_page(tilbud_or_404(tilbud_id, DEVICES_MANAGE), PinForm(), code=None)


@bp.post("/tablets/<int:tilbud_id>/kode")
@requires(DEVICES_MANAGE)
def kiosks_code(tilbud_id: int):
    tilbud = tilbud_or_404(tilbud_id, DEVICES_MANAGE)
    code = create_enrolment_code(tilbud, date.today(), current_app.config["ENROLMENT_CODE_DAYS"])
    record_event(
        actor(),
        "kiosk.code_create",
        f"tilbud:{tilbud.id}",
        organisation_id=tilbud.organisation_id,
    )
    db.session.commit()
    # Shown on this response only: the code is stored as a hash and cannot be shown again.
    return _tilbud_page(tilbud, PinForm(), code=code), 200, {"Cache-Control": "no-store"}


@bp.post("/tablets/<int:tilbud_id>/pin")
@requires(DEVICES_MANAGE)
def kiosks_pin(tilbud_id: int):
    tilbud = tilbud_or_404(tilbud_id, DEVICES_MANAGE)
    form = PinForm()
    saved = save_form(
        form,
        lambda: kiosk_pin.set_pin(actor(), tilbud, form.pin.data, date.today()),
        _l("PIN-koden er gemt. Den gælder for alle tablets i tilbuddet."),
        lambda _: url_for(".kiosks_tilbud", tilbud_id=tilbud.id),
    )
    if saved:
        return saved
    return _tilbud_page(tilbud, form, code=None), 400


@bp.post("/tablets/<int:tilbud_id>/holdt-tilbage/kasser")
@requires(DEVICES_MANAGE)
def kiosks_discard_kept(tilbud_id: int):
    """Delete the responses held back from the tilbud's tablets (still encrypted, never
    counted), e.g. once staff know the tablet was misused."""
    tilbud = tilbud_or_404(tilbud_id, DEVICES_MANAGE)
    discarded = discard_kept(tilbud.id)
    if discarded:
        record_event(
            actor(),
            "kiosk.kept_discard",
            f"tilbud:{tilbud.id}",
            {"responses": discarded},
            organisation_id=tilbud.organisation_id,
        )
        db.session.commit()
        flash(_l("%(n)s svar holdt tilbage er slettet.", n=discarded))
    return redirect(url_for(".kiosks_tilbud", tilbud_id=tilbud.id))


@bp.post("/tablets/enhed/<int:device_id>/afmeld")
@requires(DEVICES_MANAGE)
def kiosks_revoke(device_id: int):
    device = db.session.get(Device, device_id)
    if device is None:
        abort(404)
    tilbud = tilbud_or_404(device.tilbud_id, DEVICES_MANAGE)
    revoke(device, date.today())
    record_event(
        actor(),
        "kiosk.revoke",
        f"device:{device.id}",
        {"tilbud": tilbud.id},
        organisation_id=tilbud.organisation_id,
    )
    db.session.commit()
    flash(_l("Tabletten er afmeldt. Den kan ikke længere tage imod svar."))
    return redirect(url_for(".kiosks_tilbud", tilbud_id=tilbud.id))


def _tilbud_page(tilbud: Tilbud, pin_form: PinForm, code: str | None):
    devices = db.session.scalars(
        db.select(Device)
        .where(Device.tilbud_id == tilbud.id)
        .order_by(Device.revoked_on.is_not(None), Device.enrolled_on.desc())
    ).all()
    link = qr = None
    if code:
        link = url_for("kiosk.enrol", kode=code, _external=True)
        svg = segno.make(link, error="m").svg_inline(scale=5, dark="#000", light="#fff")
        label = str(_l("QR-kode med linket til tilmelding"))
        svg = svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)
        qr = Markup(svg)  # noqa: S704 (segno's own SVG; the label is our fixed text)
    return render_template(
        "admin/kiosk_tilbud.html",
        tilbud=tilbud,
        devices=devices,
        code=code,
        link=link,
        qr=qr,
        pin_form=pin_form,
        kept=kept_count(tilbud.id),
        has_pin=kiosk_pin.has_pin(tilbud.id),
    )
