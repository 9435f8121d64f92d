"""The tablet's own settings screen, opened with the tilbud's staff PIN from Start.

Not a staff sign-in: the PIN only opens this screen on this enrolled tablet, for a few
minutes. Attempts are rate-limited per tablet and per address.
"""

import time
from datetime import date

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_time
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, Length

from ..audit import record_event
from ..auth import throttle
from ..extensions import db
from ..rounds.queries import open_round_for
from . import pin, services
from .channel import COOKIE_NAME, current_device
from .models import Device

bp = Blueprint("kiosk_settings", __name__, url_prefix="/kiosk/indstillinger")
OPEN_KEY = "kiosk_settings_until"
OPEN_SECONDS = 300


class PinEntryForm(FlaskForm):
    pin = PasswordField(
        _l("PIN-kode"), validators=[DataRequired(_l("Skriv PIN-koden.")), Length(max=8)]
    )


def _device_or_refusal():
    found = current_device()
    if found.problem:
        return None, (
            render_template("kiosk/refused.html", revoked=found.problem == "revoked"),
            403,
        )
    return db.session.get(Device, found.device.id), None


def _is_open(device_id: int) -> bool:
    opened = session.get(OPEN_KEY) or [0, 0]
    return opened[0] == device_id and opened[1] > time.time()


@bp.route("/", methods=["GET", "POST"])
def unlock():
    device, refused = _device_or_refusal()
    if refused:
        return refused
    form, problem = PinEntryForm(), None
    if request.method == "POST":
        refusal = throttle.attempt("KIOSK_PIN", f"device:{device.id}", get_remote_address())
        if refusal is not None:
            problem = _l(
                "For mange forsøg. Prøv igen kl. %(time)s.",
                time=format_time(refusal.retry_at, "HH:mm"),
            )
            return render_template("kiosk/settings_pin.html", form=form, problem=problem), 429
    if form.validate_on_submit():
        if pin.check_pin(device.tilbud_id, form.pin.data):
            session[OPEN_KEY] = [device.id, time.time() + OPEN_SECONDS]
            return redirect(url_for(".settings"))
        form.pin.errors.append(_l("PIN-koden er forkert."))
    status = 400 if form.errors else 200
    return render_template(
        "kiosk/settings_pin.html", form=form, problem=problem, has_pin=pin.has_pin(device.tilbud_id)
    ), status


@bp.route("/aaben", methods=["GET", "POST"])
def settings():
    device, refused = _device_or_refusal()
    if refused:
        return refused
    if not _is_open(device.id):
        return redirect(url_for(".unlock"))
    languages, error = current_app.config["LANGUAGES"], None
    if request.method == "POST" and FlaskForm().validate_on_submit():
        chosen = request.form.get("language")
        if chosen in languages:
            pin.set_default_language(device.id, chosen)
            db.session.commit()
            flash(_l("Sproget er gemt."))
            return redirect(url_for(".settings"))
        error = _l("Vælg et af sprogene.")
    tilbud = device.tilbud
    return render_template(
        "kiosk/settings.html",
        device=device,
        tilbud=tilbud,
        languages=languages,
        error=error,
        language=pin.default_language(device.id) or current_app.config["BABEL_DEFAULT_LOCALE"],
        round=open_round_for(tilbud, tilbud.kiosk_variant, date.today()),
    ), 400 if error else 200


@bp.post("/afmeld")
def sign_out():
    """Sign the tablet out for good: revoke it and drop its cookie."""
    device, refused = _device_or_refusal()
    if refused:
        return refused
    if not _is_open(device.id):
        return redirect(url_for(".unlock"))
    services.revoke(device, date.today())
    record_event(
        None,
        "kiosk.sign_out",
        f"device:{device.id}",
        {"tilbud": device.tilbud_id},
        organisation_id=device.tilbud.organisation_id,
    )
    db.session.commit()
    session.pop(OPEN_KEY, None)
    response = redirect(url_for("kiosk.enrol"))
    response.delete_cookie(COOKIE_NAME)
    return response


@bp.post("/luk")
def close():
    session.pop(OPEN_KEY, None)
    return redirect(url_for("kiosk.start"))


@bp.after_request
def no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response
