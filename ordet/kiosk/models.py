"""Tablets bound to one tilbud, and the one-time codes that enrol them."""

from datetime import date

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..org.models import Tilbud


class Device(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    tilbud_id: Mapped[int] = mapped_column(ForeignKey("tilbud.id"), index=True)
    label: Mapped[str] = mapped_column(String(120), default="")
    secret_hash: Mapped[str] = mapped_column(String(64))
    enrolled_on: Mapped[date]
    revoked_on: Mapped[date | None]
    # The week (its Monday) a response was last finished here: on the device, never on the
    # response, and no finer than the response's own week.
    last_answer_week: Mapped[date | None]
    # A response sent too soon after the last one here was refused (``kiosk.pace``): the week of
    # the latest refusal (its Monday) and how many there were that week. Never a time of day.
    limit_week: Mapped[date | None]
    limit_hits: Mapped[int] = mapped_column(default=0, server_default="0")
    # Reported by the tablet when it reaches the server (``offline``): responses still in its
    # outbox, and the week (its Monday) of its last contact. A week, as ``last_answer_week``:
    # the tablet reaches the server whenever someone answers, so a day would tell that too.
    offline_waiting: Mapped[int] = mapped_column(default=0, server_default="0")
    last_contact_week: Mapped[date | None]
    # The tablet's allowance of responses (``kiosk.allowance``): the moment, in Unix seconds,
    # at which it is full again; None: full. Whole seconds, as the allowance refills by the
    # second. It tells when this tablet last stored a response only until it is full again:
    # ``purge`` then clears it. Never on a response.
    pace_full_at: Mapped[int | None] = mapped_column(BigInteger)

    tilbud: Mapped[Tilbud] = relationship()

    @property
    def active(self) -> bool:
        return self.revoked_on is None


class EnrolmentCode(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    tilbud_id: Mapped[int] = mapped_column(ForeignKey("tilbud.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_on: Mapped[date]
    expires_on: Mapped[date]
    used_on: Mapped[date | None]

    tilbud: Mapped[Tilbud] = relationship()
