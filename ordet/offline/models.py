"""What the server keeps about responses that arrived from a tablet's outbox.

``OfflineReceipt`` makes the intake idempotent: the tablet-made id and the content, each as a
keyed hash (HMAC with the app's secret), in a table apart from the response. No response id,
no week, no device: it tells whether an id was seen and with what content, never which
response it became. Without the secret, a hash cannot be tested against guessed answers.
It names the round the response named (shared by every tilbud in it), so that ``purge`` can
delete it once no resend could be stored any more (``receipts``).

``OfflineKept`` holds what was not stored as a response (a conflicting resend, a response
that came after its round closed and its grace period), still encrypted, for staff to see.
"""

from datetime import date

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

CONFLICT, LATE, INVALID, TOO_SOON = "conflict", "late", "invalid", "too_soon"


class OfflineReceipt(db.Model):
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    # The round the response named (0: none; None: received before rounds were noted, kept).
    # No foreign key: a receipt outlives nothing it names, and a deleted round prunes it.
    round_id: Mapped[int | None] = mapped_column(index=True)


class OfflineKept(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    tilbud_id: Mapped[int] = mapped_column(ForeignKey("tilbud.id"), index=True)
    reason: Mapped[str] = mapped_column(String(20))
    # The week (its Monday) it arrived: never a day, never the device.
    arrived_week: Mapped[date]
    # The envelope as it came, JSON with base64 fields: readable only with the server's key.
    envelope: Mapped[str] = mapped_column(Text)
