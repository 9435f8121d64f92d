"""An admin sets the organisation's IdP: plain functions that flush, never commit."""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from defusedxml import ElementTree
from flask_babel import lazy_gettext as _l

from ...admin.errors import AdminError
from ...audit import record_event
from ...extensions import db
from ...org.models import Organisation
from .accounts import config_for
from .models import DEFAULT_SCOPES, SsoConfig
from .secrets import seal

MD = "{urn:oasis:names:tc:SAML:2.0:metadata}"
METADATA_MAX_BYTES = 2 * 1024 * 1024
SP_KEY_YEARS = 5


def _url(value: str, field: str) -> str:
    value = (value or "").strip()
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise AdminError(_l("Skriv en hel adresse, der begynder med https://."), field)
    return value


def _record(actor_id: int | None, organisation: Organisation, action: str, detail=None) -> None:
    record_event(
        actor_id,
        action,
        f"organisation:{organisation.id}",
        detail,
        organisation_id=organisation.id,
    )


def set_oidc(
    actor_id: int | None,
    organisation: Organisation,
    discovery_url: str,
    client_id: str,
    client_secret: str = "",
    scopes: str = DEFAULT_SCOPES,
) -> SsoConfig:
    """OpenID Connect settings; an empty secret keeps the one stored."""
    config = config_for(organisation)
    config.oidc_discovery_url = _url(discovery_url, "discovery_url")
    if not (client_id or "").strip():
        raise AdminError(_l("Skriv klient-id'et fra login-tjenesten."), "client_id")
    config.oidc_client_id = client_id.strip()[:200]
    if client_secret:
        config.oidc_client_secret = seal(client_secret)
    words = (scopes or "").split()
    config.oidc_scopes = " ".join(["openid", *[w for w in words if w != "openid"]])[:200]
    db.session.flush()
    _record(actor_id, organisation, "sso.oidc_set", {"discovery_url": config.oidc_discovery_url})
    return config


def check_idp_metadata(xml: str) -> str:
    """The IdP metadata if it is one IdP's EntityDescriptor; else AdminError."""
    try:
        root = ElementTree.fromstring(xml.encode() if isinstance(xml, str) else xml)
    except Exception:  # noqa: BLE001  (defusedxml refuses bombs with its own errors)
        raise AdminError(_l("Metadata er ikke gyldig XML."), "metadata") from None
    if root.tag != f"{MD}EntityDescriptor" or root.find(f"{MD}IDPSSODescriptor") is None:
        raise AdminError(
            _l("Metadata skal beskrive én login-tjeneste (IDPSSODescriptor)."), "metadata"
        )
    return xml


def fetch_metadata(url: str) -> str:
    try:
        answer = requests.get(_url(url, "metadata_url"), timeout=10, stream=True)
        answer.raise_for_status()
        body = answer.raw.read(METADATA_MAX_BYTES + 1, decode_content=True)
    except requests.RequestException:
        raise AdminError(_l("Metadata kunne ikke hentes fra adressen."), "metadata_url") from None
    if len(body) > METADATA_MAX_BYTES:
        raise AdminError(_l("Metadata er for stor."), "metadata_url")
    return check_idp_metadata(body.decode("utf-8", errors="replace"))


def new_sp_key(config: SsoConfig) -> None:
    """A new SP signing key and self-signed certificate (the IdP must get the new metadata)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"ordet {config.organisation.slug}")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365 * SP_KEY_YEARS))
        .sign(key, hashes.SHA256())
    )
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    config.sp_private_key = seal(pem)
    config.sp_certificate = certificate.public_bytes(serialization.Encoding.PEM).decode()


def set_saml(
    actor_id: int | None, organisation: Organisation, metadata_xml: str = "", metadata_url: str = ""
) -> SsoConfig:
    """SAML settings from the IdP's metadata (XML, or fetched once from its URL); the SP key
    is made the first time."""
    config = config_for(organisation)
    if metadata_xml.strip():
        config.saml_metadata_xml = check_idp_metadata(metadata_xml.strip())
        config.saml_metadata_url = None
    elif metadata_url.strip():
        config.saml_metadata_xml = fetch_metadata(metadata_url)
        config.saml_metadata_url = metadata_url.strip()
    else:
        raise AdminError(_l("Indsæt metadata eller adressen på dem."), "metadata")
    if not config.sp_private_key:
        new_sp_key(config)
    db.session.flush()
    _record(actor_id, organisation, "sso.saml_set", {"metadata_url": config.saml_metadata_url})
    return config


def rotate_sp_key(actor_id: int | None, organisation: Organisation) -> SsoConfig:
    config = config_for(organisation)
    new_sp_key(config)
    db.session.flush()
    _record(actor_id, organisation, "sso.sp_key_rotated")
    return config


def set_passwords_off(actor_id: int | None, organisation: Organisation, off: bool) -> SsoConfig:
    config = config_for(organisation)
    if off and not (config.oidc_ready or config.saml_ready):
        raise AdminError(
            _l("Sæt login via organisationen op, før adgangskoder slås fra."), "passwords_off"
        )
    config.passwords_off = off
    db.session.flush()
    _record(actor_id, organisation, "sso.passwords_off" if off else "sso.passwords_on")
    return config


def import_sp_key(actor_id: int | None, organisation: Organisation, key_pem: str, cert_pem: str):
    """An SP key and certificate from outside (an OCES3 system certificate, as NemLog-in and
    KOMBIT require) instead of the one made here; AdminError when they are not a pair."""
    try:
        key = serialization.load_pem_private_key(key_pem.encode(), password=None)
        certificate = x509.load_pem_x509_certificate(cert_pem.encode())
    except (ValueError, TypeError):
        raise AdminError(_l("Nøgle eller certifikat kan ikke læses (PEM)."), "key") from None
    public = serialization.PublicFormat.SubjectPublicKeyInfo
    if key.public_key().public_bytes(serialization.Encoding.PEM, public) != (
        certificate.public_key().public_bytes(serialization.Encoding.PEM, public)
    ):
        raise AdminError(_l("Nøglen og certifikatet hører ikke sammen."), "key")
    config = config_for(organisation)
    config.sp_private_key = seal(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
    )
    config.sp_certificate = certificate.public_bytes(serialization.Encoding.PEM).decode()
    db.session.flush()
    _record(actor_id, organisation, "sso.sp_key_imported")
    return config
