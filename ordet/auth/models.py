"""Staff users and their grants: a role over an organisation, a specialområde or a tilbud."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, false, inspect, true
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db

ADMIN, ANALYST, AREA_LEAD, TILBUD_LEAD = "admin", "analyst", "area_lead", "tilbud_lead"
ROLES = (ADMIN, ANALYST, AREA_LEAD, TILBUD_LEAD)
# The national analyst (e.g. at Danske Regioner): a grant with no organisation, specialområde
# or tilbud, given only by the platform administrator. Sees the national figures and the
# rollout, never an organisation's own pages.
NATIONAL_ANALYST = "national_analyst"


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    language: Mapped[str] = mapped_column(String(8), default="da")
    active: Mapped[bool] = mapped_column(default=True)
    # Part of the id Flask-Login keeps in the session (``get_id``): raising it ends every
    # session of the user, and any remember cookie, at its next request (``end_sessions``).
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    # The platform administrator: creates organisations and may deactivate a whole account.
    # Sees no organisation's data by this flag alone (only through grants).
    platform_admin: Mapped[bool] = mapped_column(default=False, server_default=false())

    grants: Mapped[list["Grant"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        """Flask-Login's "alternative token": the id and the epoch, so a session made before
        ``end_sessions`` no longer loads the user (``ordet.auth.login.load_user``)."""
        return f"{self.id}:{self.session_epoch}"

    def end_sessions(self) -> None:
        """Every session of this user is refused from its next request: sign-out, a new
        password, deactivation, a right withdrawn. A user not yet saved has none."""
        if inspect(self).persistent:
            # In SQL, so two changes at once cannot both write the same next value.
            self.session_epoch = User.session_epoch + 1

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method="scrypt")
        self.end_sessions()

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)


class Grant(db.Model):
    """One role over exactly one scope: organisation, specialområde or tilbud (or, for the
    national analyst, none: the national level)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    specialomraade_id: Mapped[int | None] = mapped_column(ForeignKey("specialomraade.id"))
    tilbud_id: Mapped[int | None] = mapped_column(ForeignKey("tilbud.id"))
    # Reading free text is a permission of its own: a lead reads comments only when an
    # admin ticks this (admins and analysts always may; see ``Scope``).
    reads_comments: Mapped[bool] = mapped_column(default=False)
    # False: suspended by an admin of its organisation ("deactivated" there); gives nothing.
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    # The name the granting organisation knows the person by: what its admin typed when
    # inviting. An account with roles elsewhere shows this, never the account's own name.
    name: Mapped[str] = mapped_column(String(200), default="", server_default="")

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
