"""The staff PIN of a tilbud's tablets, and each tablet's own settings.

The PIN opens the tablet's settings screen. PINs are short, so they are hashed with scrypt
and the settings screen is rate-limited per tablet and per address.
"""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from ..admin.errors import AdminError
from ..audit import record_event
from ..extensions import db
from ..org.models import Tilbud


class KioskPin(db.Model):
    tilbud_id: Mapped[int] = mapped_column(ForeignKey("tilbud.id"), primary_key=True)
    pin_hash: Mapped[str] = mapped_column(String(255))
    set_on: Mapped[date]


class DeviceSetting(db.Model):
    """What staff set on the tablet itself: the language Start offers first."""

    device_id: Mapped[int] = mapped_column(ForeignKey("device.id"), primary_key=True)
    default_language: Mapped[str] = mapped_column(String(8), default="da")


def set_pin(user_id: int, tilbud: Tilbud, pin: str, today: date) -> None:
    """Set (or replace) the PIN for every tablet of ``tilbud``."""
    pin = (pin or "").strip()
    if not (pin.isdigit() and 4 <= len(pin) <= 8):
        raise AdminError(_l("PIN-koden skal være 4 til 8 cifre."), "pin")
    if len(set(pin)) == 1 or pin in "0123456789" or pin in "9876543210":
        raise AdminError(
            _l("Vælg en PIN-kode, der er svær at gætte (ikke 1111 eller 1234)."), "pin"
        )
    found = db.session.get(KioskPin, tilbud.id)
    if found is None:
        found = KioskPin(tilbud_id=tilbud.id, pin_hash="", set_on=today)
        db.session.add(found)
    found.pin_hash = generate_password_hash(pin, method="scrypt")
    found.set_on = today
    db.session.flush()
    record_event(
        user_id, "kiosk.pin_set", f"tilbud:{tilbud.id}", organisation_id=tilbud.organisation_id
    )


def has_pin(tilbud_id: int) -> bool:
    return db.session.get(KioskPin, tilbud_id) is not None


def check_pin(tilbud_id: int, pin: str) -> bool:
    found = db.session.get(KioskPin, tilbud_id)
    return found is not None and check_password_hash(found.pin_hash, (pin or "").strip())


def default_language(device_id: int) -> str | None:
    """The language staff chose for this tablet's Start screen, if any."""
    found = db.session.get(DeviceSetting, device_id)
    return found.default_language if found else None


def set_default_language(device_id: int, language: str) -> None:
    found = db.session.get(DeviceSetting, device_id)
    if found is None:
        found = DeviceSetting(device_id=device_id)
        db.session.add(found)
    found.default_language = language
    db.session.flush()
