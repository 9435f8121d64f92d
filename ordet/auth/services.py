"""Sign-in and password links: plain functions that flush, never commit."""

from datetime import UTC, datetime, timedelta
from functools import cache

from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..security import hash_secret, new_token
from .models import PasswordToken, User

MIN_PASSWORD_LENGTH = 10


@cache
def _dummy_hash() -> str:
    """Checked when the email is unknown, so a wrong email costs the same scrypt work as a
    wrong password: the response time does not tell which emails have accounts.

    Made on first use, not at import: every process (CLI, exports, workers) would otherwise
    pay scrypt's time and memory at start.
    """
    return generate_password_hash("ordet-dummy-password", method="scrypt")


class TokenError(ValueError):
    """A password link that cannot be used: unknown, spent or expired."""


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, else None (same work either way)."""
    user = find_user(email)
    if user is None or not user.password_hash:
        check_password_hash(_dummy_hash(), password or "")
        return None
    if not user.check_password(password or "") or not user.active:
        return None
    return user


def issue_token(user: User, purpose: str, lifetime: timedelta) -> str:
    """A new single-use link secret for ``user``; earlier unused links of the purpose die."""
    for old in db.session.scalars(
        db.select(PasswordToken).where(
            PasswordToken.user_id == user.id,
            PasswordToken.purpose == purpose,
            PasswordToken.used_at.is_(None),
        )
    ):
        old.used_at = now()
    token = new_token()
    db.session.add(
        PasswordToken(
            user_id=user.id,
            token_hash=hash_secret(token),
            purpose=purpose,
            created_at=now(),
            expires_at=now() + lifetime,
        )
    )
    db.session.flush()
    return token


def usable_token(token: str) -> PasswordToken:
    """The stored link for ``token`` if it may still be used; else TokenError."""
    found = db.session.scalar(
        db.select(PasswordToken).where(PasswordToken.token_hash == hash_secret(token or ""))
    )
    if found is None or found.used_at is not None or found.expires_at < now():
        raise TokenError(
            _l("Linket virker ikke. Det kan være brugt eller udløbet. Bed om et nyt link.")
        )
    if not found.user.active:
        raise TokenError(_l("Brugeren er deaktiveret. Kontakt en administrator."))
    return found


def set_password_with_token(token: str, password: str) -> User:
    """Spend the link and set the password. The link cannot be used again."""
    found = usable_token(token)
    found.used_at = now()
    found.user.set_password(password)
    db.session.flush()
    return found.user
