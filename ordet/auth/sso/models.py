"""Each organisation's identity provider settings, and the sign-ins already used once."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...extensions import db
from ...org.models import Organisation

DEFAULT_SCOPES = "openid email profile"


class SsoConfig(db.Model):
    """One organisation's OpenID Connect and/or SAML provider; secrets only encrypted."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), unique=True)
    # OpenID Connect: the issuer's discovery document, the client registered there.
    oidc_discovery_url: Mapped[str | None] = mapped_column(String(500))
    oidc_client_id: Mapped[str | None] = mapped_column(String(200))
    oidc_client_secret: Mapped[str | None] = mapped_column(Text)  # encrypted (``secrets``)
    oidc_scopes: Mapped[str] = mapped_column(String(200), default=DEFAULT_SCOPES)
    # SAML: the IdP's metadata (fetched once when given as a URL), our SP key and certificate.
    saml_metadata_url: Mapped[str | None] = mapped_column(String(500))
    saml_metadata_xml: Mapped[str | None] = mapped_column(Text)
    sp_private_key: Mapped[str | None] = mapped_column(Text)  # encrypted PEM (``secrets``)
    sp_certificate: Mapped[str | None] = mapped_column(Text)  # PEM, published in SP metadata
    # Staff of the organisation may not sign in with a password (only with the IdP).
    passwords_off: Mapped[bool] = mapped_column(default=False, server_default=false())

    organisation: Mapped[Organisation] = relationship()

    @property
    def oidc_ready(self) -> bool:
        return bool(self.oidc_discovery_url and self.oidc_client_id)

    @property
    def saml_ready(self) -> bool:
        return bool(self.saml_metadata_xml and self.sp_private_key and self.sp_certificate)


class SsoUsed(db.Model):
    """An ID token (issuer and nonce) or SAML assertion (issuer and ID) already used to sign
    in, or a SAML request not yet answered: a second use is a replay."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of kind, issuer, id
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # "oidc", "saml", "saml_request"
    value: Mapped[str] = mapped_column(String(200), default="")  # a pending request's id
    expires_at: Mapped[datetime] = mapped_column(index=True)
