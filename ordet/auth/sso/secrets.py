"""The secrets an organisation's sign-in needs in clear (the OIDC client secret, the SAML SP
private key), stored encrypted with a key derived from the app's secret.

Why in the database and encrypted: every app server needs them, so files in one instance/
folder would not do; encrypted, a database dump or backup alone does not give them away.
``SSO_SECRET_KEY`` (else ``SECRET_KEY``) is the master; HKDF derives the Fernet key from it,
and Fernet (AES-CBC with an HMAC) both hides and authenticates each value.
"""

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app


def _fernet() -> Fernet:
    master = current_app.config.get("SSO_SECRET_KEY") or current_app.config["SECRET_KEY"]
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"ordet sso secrets v1"
    ).derive(str(master).encode())
    return Fernet(base64.urlsafe_b64encode(key))


def seal(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def unseal(value: str | None) -> str:
    """The clear text; empty when unset or sealed under another master key."""
    if not value:
        return ""
    try:
        return _fernet().decrypt(value.encode()).decode()
    except InvalidToken:
        return ""
