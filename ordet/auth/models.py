"""Staff users and their grants: a role over an organisation, a specialområde or a tilbud."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db

ADMIN, ANALYST, AREA_LEAD, TILBUD_LEAD = "admin", "analyst", "area_lead", "tilbud_lead"
ROLES = (ADMIN, ANALYST, AREA_LEAD, TILBUD_LEAD)


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    language: Mapped[str] = mapped_column(String(8), default="da")
    active: Mapped[bool] = mapped_column(default=True)

    grants: Mapped[list["Grant"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)


class Grant(db.Model):
    """One role over exactly one scope: organisation, specialområde or tilbud."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    specialomraade_id: Mapped[int | None] = mapped_column(ForeignKey("specialomraade.id"))
    tilbud_id: Mapped[int | None] = mapped_column(ForeignKey("tilbud.id"))
    # Reading free text is a permission of its own: a lead reads comments only when an
    # admin ticks this (admins and analysts always may; see ``Scope``).
    reads_comments: Mapped[bool] = mapped_column(default=False)

    user: Mapped[User] = relationship(back_populates="grants")


class PasswordToken(db.Model):
    """A single-use link to set a password (forgotten password or first sign-in).

    Only the hash of the token is stored; it expires and is spent on first use.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(20), default="reset")  # "reset" or "invite"
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
