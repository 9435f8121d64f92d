"""Enrol, recognise and revoke kiosk tablets."""

import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, lru_cache

from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import bindparam, case, select, update

from ..extensions import db
from ..org.models import Tilbud
from ..security import hash_secret, new_token, same
from .models import Device, EnrolmentCode

# No 0/O or 1/I/L: staff type these codes from a screen or paper.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
COOKIE_SALT = "ordet.kiosk-device"


class EnrolmentError(ValueError):
    """A code that cannot enrol a tablet; the message is shown to staff at the tablet."""


@dataclass(frozen=True)
class Tablet:
    """An enrolled tablet as the respondent pages need it, read without the ORM (every
    question screen checks it)."""

    id: int
    tilbud_id: int
    last_answer_week: date | None = None


@dataclass(frozen=True)
class DeviceCheck:
    device: Tablet | None
    problem: str | None  # None, "unknown" or "revoked"


def normalise_code(raw: str) -> str:
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def format_code(code: str) -> str:
    return "-".join(code[i : i + 5] for i in range(0, len(code), 5))


def new_code() -> str:
    """About 49 bits; one-time, expiring and rate-limited at the door."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def create_enrolment_code(tilbud: Tilbud, today: date, days: int, code: str | None = None) -> str:
    """Make a one-time code for ``tilbud``; only its hash is stored. Returns it formatted."""
    code = normalise_code(code) if code else new_code()
    db.session.add(
        EnrolmentCode(
            tilbud_id=tilbud.id,
            code_hash=hash_secret(code),
            created_on=today,
            expires_on=today + timedelta(days=days),
        )
    )
    db.session.flush()
    return format_code(code)


def enrol(raw_code: str, today: date, label: str = "") -> tuple[Device, str]:
    """Use a code to enrol a tablet. Returns the device and the secret for its cookie."""
    code = normalise_code(raw_code)
    found = db.session.scalar(
        db.select(EnrolmentCode).where(EnrolmentCode.code_hash == hash_secret(code))
    )
    if found is None or found.used_on is not None or found.expires_on < today:
        raise EnrolmentError(
            _l("Koden virker ikke. Den kan være brugt eller udløbet. Bed om en ny kode.")
        )
    secret = new_token()
    device = Device(
        tilbud_id=found.tilbud_id,
        label=label.strip()[:120],
        secret_hash=hash_secret(secret),
        enrolled_on=today,
    )
    found.used_on = today
    db.session.add(device)
    db.session.flush()
    return device, secret


def cookie_value(secret_key: str, device: Device, secret: str) -> str:
    return _cookie_serializer(secret_key).dumps([device.id, secret])


def check_cookie(secret_key: str, value: str | None) -> DeviceCheck:
    """Recognise the tablet from its signed cookie. A tampered cookie counts as unknown."""
    if not value:
        return DeviceCheck(None, "unknown")
    signed = _signed_device(secret_key, value)
    if signed is None:
        return DeviceCheck(None, "unknown")
    device_id, secret_hash = signed
    found = db.session.execute(_DEVICE, {"device_id": device_id}).first()
    if found is None:
        return DeviceCheck(None, "unknown")
    tilbud_id, stored_hash, revoked_on, last_answer_week = found
    if not same(stored_hash, secret_hash):
        return DeviceCheck(None, "unknown")
    tablet = Tablet(device_id, tilbud_id, last_answer_week)
    return DeviceCheck(tablet, "revoked" if revoked_on is not None else None)


_DEVICE_TABLE = Device.__table__
_DEVICE = select(
    _DEVICE_TABLE.c.tilbud_id,
    _DEVICE_TABLE.c.secret_hash,
    _DEVICE_TABLE.c.revoked_on,
    _DEVICE_TABLE.c.last_answer_week,
).where(_DEVICE_TABLE.c.id == bindparam("device_id"))


@lru_cache(maxsize=1024)
def _signed_device(secret_key: str, value: str) -> tuple[int, str] | None:
    """The device id and the hash of its secret, if ``value`` carries our signature.

    A tablet sends the same cookie with every request, and checking the signature cost as much
    as a statement. A cookie verified once stays verified, so the result is kept (per worker,
    bounded; a garbage cookie can only push out a tablet's entry, which is then checked again).
    Revocation is untouched: the device row is still read on every request.
    """
    try:
        device_id, secret = _cookie_serializer(secret_key).loads(value)
        return int(device_id), hash_secret(str(secret))
    except (BadSignature, ValueError, TypeError):
        return None


@cache
def _cookie_serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=COOKIE_SALT)


def revoke(device: Device, today: date) -> None:
    if device.revoked_on is None:
        device.revoked_on = today
        db.session.flush()


def note_answer(tablet: Tablet, today: date) -> None:
    """The week this tablet last finished a response (shown to staff as the last answer).

    A week, not a day: the day would tell which day the tilbud's newest response came.
    Written once a week: a busy tablet's later submits leave the row alone."""
    week = today - timedelta(days=today.weekday())
    if tablet.last_answer_week != week:
        db.session.execute(_note_answer(), {"device_id": tablet.id, "last_answer_week": week})


@cache
def _note_answer():
    device = Device.__table__
    return (
        update(device)
        .where(device.c.id == bindparam("device_id"))
        .values(last_answer_week=bindparam("last_answer_week"))
    )


def note_too_soon(tablet: Tablet, today: date) -> None:
    """Record on the tablet that it was refused a response (``kiosk.pace``): the week, as its
    Monday, and the count in that week (a new week starts it again at one)."""
    db.session.execute(
        _note_too_soon(), {"device_id": tablet.id, "week": today - timedelta(days=today.weekday())}
    )


@cache
def _note_too_soon():
    device = Device.__table__
    week = bindparam("week")
    return (
        update(device)
        .where(device.c.id == bindparam("device_id"))
        # Both right-hand sides read the row as it was before this update.
        .values(
            limit_hits=case((device.c.limit_week == week, device.c.limit_hits + 1), else_=1),
            limit_week=week,
        )
    )
