"""SAML 2.0 sign-in with pysaml2 (the xmlsec1 binary checks and makes the signatures).

Every organisation is its own SP: its own entity id (its metadata address), its own signing
key. The SP key is stored encrypted (``secrets``) and written for pysaml2 only into a private
temporary folder for the length of one request. Requests not yet answered are kept in the
database, not the session: the IdP's answer arrives as a cross-site POST, which the session
cookie (SameSite=Lax) does not come along with.
"""

import base64
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import url_for
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, samlp
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAMEID_FORMAT_EMAILADDRESS
from saml2.xmldsig import SIG_RSA_SHA256

from ...extensions import db
from .accounts import Refused, account_for, use_once
from .models import SsoConfig, SsoUsed
from .saml_logout import logout_info
from .secrets import unseal

LEEWAY_SECONDS = 60  # clock skew allowed between us and the IdP
REQUEST_MINUTES = 15  # how long a sign-in started here may be answered
EMAIL_ATTRIBUTES = (
    "mail",
    "email",
    "emailaddress",
    "emailAddress",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
    "urn:oid:0.9.2342.19200300.100.1.3",
    "https://data.gov.dk/model/core/eid/email",
)


def _settings(config: SsoConfig, key_file: Path, cert_file: Path) -> dict:
    slug = config.organisation.slug
    return {
        "entityid": url_for("sso.saml_metadata", slug=slug, _external=True),
        "xmlsec_binary": shutil.which("xmlsec1"),
        "key_file": str(key_file),
        "cert_file": str(cert_file),
        # The same key decrypts encrypted assertions (OIOSAML 3 / NemLog-in encrypt them).
        "encryption_keypairs": [{"key_file": str(key_file), "cert_file": str(cert_file)}],
        "metadata": {"inline": [config.saml_metadata_xml or ""]},
        "accepted_time_diff": LEEWAY_SECONDS,
        "allow_unknown_attributes": True,
        "service": {
            "sp": {
                "name": config.organisation.name,
                "endpoints": {
                    "assertion_consumer_service": [
                        (url_for("sso.saml_acs", slug=slug, _external=True), BINDING_HTTP_POST)
                    ],
                    "single_logout_service": [
                        (url_for("sso.saml_sls", slug=slug, _external=True), BINDING_HTTP_REDIRECT)
                    ],
                },
                "allow_unsolicited": False,
                "authn_requests_signed": True,
                "want_assertions_signed": True,
                "want_response_signed": False,
                "name_id_format": NAMEID_FORMAT_EMAILADDRESS,
                "signing_algorithm": SIG_RSA_SHA256,
            }
        },
    }


@contextmanager
def sp_client(config: SsoConfig) -> Iterator[Saml2Client]:
    """pysaml2's SP for the organisation, its key in a private folder only meanwhile."""
    if shutil.which("xmlsec1") is None:
        raise Refused("provider", "xmlsec1 missing")
    with tempfile.TemporaryDirectory(prefix="ordet-sp-") as folder:  # mode 0700
        key_file, cert_file = Path(folder, "sp.key"), Path(folder, "sp.crt")
        key_file.touch(mode=0o600)
        key_file.write_text(unseal(config.sp_private_key))
        cert_file.write_text(config.sp_certificate or "")
        sp_config = SPConfig()
        try:
            sp_config.load(_settings(config, key_file, cert_file))
        except Exception as problem:  # noqa: BLE001  (bad metadata: pysaml2 raises many kinds)
            raise Refused("provider", f"metadata: {type(problem).__name__}") from None
        yield Saml2Client(config=sp_config)


def metadata_xml(config: SsoConfig) -> str:
    """Our SP metadata for the IdP: entity id, ACS address, signing certificate."""
    with sp_client(config) as client:
        return str(entity_descriptor(client.config))


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def start(config: SsoConfig) -> str:
    """The address of the IdP with a signed AuthnRequest; the request is remembered."""
    with sp_client(config) as client:
        providers = list(client.metadata.identity_providers())
        if len(providers) != 1:
            raise Refused("provider", f"{len(providers)} IdPs in metadata")
        request_id, info = client.prepare_for_authenticate(
            entityid=providers[0], binding=BINDING_HTTP_REDIRECT, sigalg=SIG_RSA_SHA256
        )
    db.session.add(
        SsoUsed(
            key=f"request-{request_id}"[:64],
            organisation_id=config.organisation_id,
            kind="saml_request",
            value=request_id,
            expires_at=_now() + timedelta(minutes=REQUEST_MINUTES),
        )
    )
    db.session.commit()
    return dict(info["headers"])["Location"]


def _refusal(problem: Exception) -> Refused:
    name, text = type(problem).__name__, str(problem).lower()
    for words, reason in (
        (("lifetime", "toearly", "too early", "timeout", "expired", "notonorafter"), "expired"),
        (("unsolicited", "inresponseto", "in_response_to", "outstanding"), "replay"),
        (("audience",), "audience"),
        (("signature", "signed", "sign"), "signature"),
        (("issuer", "unknownprincipal", "unknown system entity", "entity"), "issuer"),
    ):
        if any(word in name.lower() or word in text for word in words):
            return Refused(reason, f"{name}: {problem}"[:200])
    return Refused("provider", f"{name}: {problem}"[:200])


def _pending(config: SsoConfig) -> dict[str, str]:
    rows = db.session.scalars(
        db.select(SsoUsed).where(
            SsoUsed.organisation_id == config.organisation_id,
            SsoUsed.kind == "saml_request",
            SsoUsed.expires_at >= _now(),
        )
    )
    return {row.value: "" for row in rows}


def _email(response) -> str | None:
    identity = response.get_identity() or {}
    for name in EMAIL_ATTRIBUTES:
        values = identity.get(name)
        if values:
            return str(values[0])
    name_id = response.name_id
    if name_id is not None and name_id.format == NAMEID_FORMAT_EMAILADDRESS:
        return name_id.text
    return None


def _issuer_of(saml_response: str) -> str | None:
    """Who the (refused) answer says it is from, read by pysaml2's own parser: only to tell
    "an IdP the organisation did not choose" apart from other refusals."""
    try:
        answer = samlp.response_from_string(base64.b64decode(saml_response, validate=False))
        return answer.issuer.text.strip()
    except Exception:  # noqa: BLE001
        return None


def finish(config: SsoConfig, saml_response: str):
    """The user the IdP's posted answer vouches for, and what signing out there needs;
    Refused for anything else."""
    if not saml_response:
        raise Refused("signature", "no SAMLResponse")
    with sp_client(config) as client:
        try:
            response = client.parse_authn_request_response(
                saml_response, BINDING_HTTP_POST, outstanding=_pending(config)
            )
        except Refused:
            raise
        except Exception as problem:  # noqa: BLE001  (pysaml2 raises many kinds for a bad answer)
            if _issuer_of(saml_response) not in set(client.metadata.identity_providers()):
                raise Refused("issuer", f"{type(problem).__name__}") from None
            raise _refusal(problem) from None
        if response is None or response.assertion is None:
            raise Refused("signature", "no assertion")
        db.session.execute(
            db.delete(SsoUsed).where(
                SsoUsed.kind == "saml_request",
                SsoUsed.organisation_id == config.organisation_id,
                SsoUsed.value == response.in_response_to,
            )
        )
        use_once(config, "saml", str(response.issuer()), str(response.assertion.id))
        return account_for(config, _email(response)), logout_info(response)
