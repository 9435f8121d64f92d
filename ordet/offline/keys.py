"""The deployment's key pair for responses a tablet kept offline.

One pair per deployment, made on first use in ``instance/offline_key.pem`` (mode 0600): the
private key never leaves the server; tablets get the public key with their offline bundle and
encrypt each response to it in the browser (WebCrypto: a fresh AES-256-GCM key per response,
wrapped with RSA-OAEP/SHA-256). Per deployment rather than per organisation: the server that
decrypts is the same for all of them, so more keys would protect nothing more.
"""

import base64
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_FILE = "offline_key.pem"
OAEP = padding.OAEP(
    mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None
)


class Unreadable(ValueError):
    """An envelope this server cannot open (not made with its public key, or changed)."""


@lru_cache(maxsize=4)
def private_key(instance_path: str) -> rsa.RSAPrivateKey:
    path = Path(instance_path) / KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        # Written whole under a temporary name (mkstemp's mode is 0600), then linked into
        # place, which fails if a concurrent worker got there first: its key wins, and no
        # worker ever reads a half-written file.
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".offline_key.")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(pem)
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(temporary)
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, rsa.RSAPrivateKey):
        raise ValueError(f"{path} is not an RSA private key")
    return loaded


def public_key_b64(instance_path: str) -> str:
    """The public key as base64 SubjectPublicKeyInfo, as WebCrypto's ``importKey("spki")``."""
    spki = (
        private_key(instance_path)
        .public_key()
        .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return base64.b64encode(spki).decode("ascii")


def open_envelope(instance_path: str, wrapped_key: str, iv: str, data: str) -> bytes:
    """The plaintext of one envelope (base64 fields), or ``Unreadable``."""
    try:
        aes_key = private_key(instance_path).decrypt(base64.b64decode(wrapped_key), OAEP)
        return AESGCM(aes_key).decrypt(base64.b64decode(iv), base64.b64decode(data), None)
    except (ValueError, TypeError, InvalidTag) as problem:
        raise Unreadable(str(problem)) from problem
