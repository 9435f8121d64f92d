"""What a verified sign-in from an organisation's IdP may do: find the account, never make one.

An account is signed in only when its verified email belongs to an active user whose every
role is in the organisation whose IdP vouched for it: one organisation's IdP can never sign
anyone into another. Everything else is a ``Refused`` with an audit event, and no session.
"""

import hashlib
from datetime import UTC, datetime, timedelta

from flask import session
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from ...audit import record_event
from ...extensions import db
from ...org.models import Organisation
from ..models import User
from ..services import find_user
from ..session import start_session
from ..users import user_organisations
from .models import SsoConfig, SsoUsed

SSO_KEY = "sso"  # in the staff session: how it was signed in, for signing out at the IdP

REASONS = {
    "issuer": _l("Svaret kom fra en anden login-tjeneste end den, organisationen har valgt."),
    "audience": _l("Svaret var ikke udstedt til denne tjeneste."),
    "expired": _l("Svaret fra login-tjenesten er for gammelt eller endnu ikke gyldigt."),
    "replay": _l("Svaret fra login-tjenesten er allerede brugt én gang."),
    "signature": _l("Svaret fra login-tjenesten var ikke underskrevet korrekt."),
    "email": _l("Login-tjenesten oplyste ikke en bekræftet e-mailadresse."),
    "unknown_user": _l("Der er ingen bruger med den e-mailadresse i organisationen."),
    "other_organisation": _l("Brugeren hører til en anden organisation end login-tjenesten."),
    "inactive": _l("Brugeren er deaktiveret."),
    "state": _l("Login-forsøget passer ikke til dette vindue. Start forfra."),
    "provider": _l("Login-tjenesten svarede med en fejl eller kunne ikke nås."),
    "not_configured": _l("Organisationen har ikke sat login op."),
}


class Refused(Exception):
    def __init__(self, reason: str, detail: str = "", email: str = ""):
        super().__init__(reason)
        self.reason = reason if reason in REASONS else "provider"
        self.detail = detail[:200]
        self.email = email

    @property
    def message(self) -> str:
        return str(REASONS[self.reason])


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def config_of(slug: str) -> SsoConfig | None:
    return db.session.scalar(
        db.select(SsoConfig)
        .join(Organisation, Organisation.id == SsoConfig.organisation_id)
        .where(Organisation.slug == slug, Organisation.active.is_(True))
    )


def config_for(organisation: Organisation) -> SsoConfig:
    """The organisation's settings, made (unsaved values) when it has none yet."""
    found = db.session.scalar(
        db.select(SsoConfig).where(SsoConfig.organisation_id == organisation.id)
    )
    if found is None:
        found = SsoConfig(organisation=organisation, passwords_off=False)
        db.session.add(found)
    return found


def account_for(config: SsoConfig, email: str | None, verified: bool = True) -> User:
    """The user this organisation's IdP may sign in as ``email``; else Refused."""
    if not email or not verified or "@" not in email:
        raise Refused("email")
    user = find_user(email)
    if user is None:
        raise Refused("unknown_user", email=email)
    organisations = user_organisations(user)
    if organisations != {config.organisation_id}:
        raise Refused("other_organisation", f"user:{user.id}", email=email)
    if not user.active:
        raise Refused("inactive", f"user:{user.id}", email=email)
    return user


def use_once(config: SsoConfig, kind: str, issuer: str, ident: str, hours: int = 24) -> None:
    """Mark an ID token or assertion as used; Refused("replay") when it already was."""
    key = hashlib.sha256(f"{kind}\n{issuer}\n{ident}".encode()).hexdigest()
    db.session.execute(db.delete(SsoUsed).where(SsoUsed.expires_at < _now()))
    try:
        with db.session.begin_nested():
            db.session.add(
                SsoUsed(
                    key=key,
                    organisation_id=config.organisation_id,
                    kind=kind,
                    expires_at=_now() + timedelta(hours=hours),
                )
            )
    except IntegrityError:
        raise Refused("replay", f"{kind} {ident}") from None


def record_refusal(config: SsoConfig | None, protocol: str, refused: Refused) -> None:
    """The refusal in the log of the IdP's organisation, and of the user's own when another
    organisation's IdP claimed them. Commits (nothing else was changed)."""
    db.session.rollback()
    detail = {"protocol": protocol, "reason": refused.reason}
    if refused.detail:
        detail["detail"] = refused.detail
    if refused.email:
        detail["email"] = refused.email
    organisations = {config.organisation_id} if config else set()
    user = find_user(refused.email) if refused.email else None
    if user is not None:
        organisations |= user_organisations(user)
    for organisation_id in sorted(organisations) or [None]:
        record_event(None, "sso.refused", "", detail, organisation_id=organisation_id)
    db.session.commit()


def sign_in(config: SsoConfig, user: User, protocol: str, logout: dict | None = None) -> None:
    """A fresh staff session for ``user``; remembers how, to sign out at the IdP later."""
    start_session(user)
    session[SSO_KEY] = {"organisation": config.organisation.slug, "protocol": protocol}
    if logout:
        session[SSO_KEY].update(logout)
    record_event(
        user.id,
        "sso.signed_in",
        f"user:{user.id}",
        {"protocol": protocol},
        organisation_id=config.organisation_id,
    )
    db.session.commit()


def passwords_off_for(user: User) -> bool:
    """True when any organisation the user has a role in signs in only through its IdP."""
    organisations = user_organisations(user)
    if not organisations:
        return False
    return bool(
        db.session.scalar(
            db.select(SsoConfig.id).where(
                SsoConfig.organisation_id.in_(organisations), SsoConfig.passwords_off.is_(True)
            )
        )
    )


def sso_organisations() -> list[Organisation]:
    """The active organisations whose staff can sign in through their IdP, for the login page."""
    configs = db.session.scalars(
        db.select(SsoConfig)
        .join(Organisation, Organisation.id == SsoConfig.organisation_id)
        .where(Organisation.active.is_(True))
        .order_by(Organisation.name)
    )
    return [c.organisation for c in configs if c.oidc_ready or c.saml_ready]
