"""The tablet's offline routes: its bundle, its outbox's intake, and its service worker."""

import json
import re
from datetime import date
from pathlib import Path

from flask import Blueprint, current_app, jsonify, request, send_file
from sqlalchemy import or_, update

from ..answering import session as respondent_session
from ..extensions import csrf, db
from ..kiosk.channel import current_device
from ..kiosk.models import Device
from ..kiosk.views import _round_and_questionnaire
from ..request_bodies import takes_json
from ..weeks import week_of
from . import intake
from .bundle import bundle, version
from .keys import Unreadable, open_envelope

bp = Blueprint("offline", __name__, url_prefix="/kiosk/offline")

STATIC = Path(__file__).resolve().parent.parent / "static" / "offline"
ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
B64 = re.compile(r"^[A-Za-z0-9+/=]{1,200000}$")
# Errors are codes for the tablet's script, never shown: the borger never waits on this.
STATUS = {intake.STORED: 201, intake.DUPLICATE: 200, intake.KEPT: 202, "conflict": 409}


def _tablet():
    found = current_device()
    return None if found.problem else found.device


def _refused():
    return jsonify(error="not-enrolled"), 403


@bp.get("/pakke")
def package():
    tablet = _tablet()
    if tablet is None:
        return _refused()
    tilbud, round_, questionnaire = _round_and_questionnaire()
    _note_contact(tablet.id, None)
    db.session.commit()
    if round_ is None:
        return jsonify(round=None)
    # Fetched at every Start: unchanged, it costs a 304, neither rendering nor the network.
    etag = version(tablet, tilbud, round_, questionnaire)
    if etag in request.if_none_match:
        response = current_app.response_class(status=304)
    else:
        response = jsonify(bundle(tablet, tilbud, round_, questionnaire))
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.post("/svar")
@takes_json
@csrf.exempt  # JSON only (a cross-site form cannot send it) and the device cookie is SameSite
def receive():
    tablet = _tablet()
    if tablet is None:
        return _refused()
    sent = request.get_json(silent=True) if request.is_json else None
    fields = ("id", "key", "iv", "data")
    if not isinstance(sent, dict) or not all(isinstance(sent.get(f), str) for f in fields):
        return jsonify(error="format"), 400
    if not ID.match(sent["id"]) or not all(B64.match(sent[f]) for f in fields[1:]):
        return jsonify(error="format"), 400
    try:
        payload = json.loads(open_envelope(current_app.instance_path, *map(sent.get, fields[1:])))
    except (Unreadable, ValueError):
        return jsonify(error="unreadable"), 400
    if not isinstance(payload, dict) or payload.get("id") != sent["id"]:
        return jsonify(error="unreadable"), 400
    envelope = json.dumps({f: sent[f] for f in fields})
    outcome = intake.receive(tablet, payload, envelope, date.today())
    respondent = respondent_session.current()
    if respondent is not None and respondent.draft_key == payload.get("draft"):
        respondent_session.clear()  # the draft it continued is closed: Start starts anew
    return jsonify(status=outcome.status, reason=outcome.reason), STATUS[outcome.status]


@bp.post("/status")
@takes_json
@csrf.exempt  # as above
def status():
    tablet = _tablet()
    if tablet is None:
        return _refused()
    sent = request.get_json(silent=True) if request.is_json else None
    waiting = sent.get("waiting") if isinstance(sent, dict) else None
    if not isinstance(waiting, int) or not 0 <= waiting <= 100_000:
        return jsonify(error="format"), 400
    _note_contact(tablet.id, waiting)
    db.session.commit()
    return jsonify(waiting=waiting)


def _note_contact(device_id: int, waiting: int | None) -> None:
    """The week of the tablet's last contact and what waits on it; written only when changed
    (a tablet reports at every Start)."""
    week = week_of(date.today())
    values, changed = {"last_contact_week": week}, [Device.last_contact_week.is_(None)]
    changed.append(Device.last_contact_week != week)
    if waiting is not None:
        values["offline_waiting"] = waiting
        changed.append(Device.offline_waiting != waiting)
    db.session.execute(update(Device).where(Device.id == device_id, or_(*changed)).values(**values))


@bp.get("/sw.js")
def service_worker():
    response = send_file(STATIC / "sw.js", mimetype="text/javascript", max_age=0)
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    return response
