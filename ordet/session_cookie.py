"""Flask's signed-cookie session, the same cookies, with less work per request.

Every request opens the session and a tablet's submit writes it, so its cost counts against each
screen (``bench/instructions.py``). The format is Flask's own (tagged JSON, base64, a timestamp
and an HMAC-SHA1 with a derived key), so cookies made either way are read either way. What
changes is only work that gives the same result every time:

- the serializer and its signer are made once per set of secret keys, not for every read and
  write, and the signing key is derived from the secret once, not for every HMAC;
- the payload is not zlib-compressed: a session here is a few hundred bytes, and compressing
  cost more than the rest of the write;
- a payload without tagged values (the usual case: strings, numbers, flags) is written with
  plain ``json.dumps`` and read with plain ``json.loads``, instead of walking every value
  through each of the tags.
"""

import hashlib
import json

from flask import Flask
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode, want_bytes

# Every tag key of Flask's tagged JSON begins with a space (" t", " di", " m", ...). JSON text
# without a quote followed by a space has no such key, so nothing in it is tagged.
_MAYBE_TAGGED = '" '


# Values JSON holds as they are. Exact types only: Markup is a str and gets a tag.
_PLAIN_TYPES = frozenset((str, int, float, bool, type(None)))


def _untagged(value) -> bool:
    """True when Flask's tagger would leave ``value`` as it is (nothing in it needs a tag)."""
    kind = type(value)
    if kind in _PLAIN_TYPES:
        return True
    if kind is dict:
        return all(
            type(key) is str and not key.startswith(" ") and _untagged(item)
            for key, item in value.items()
        )
    if kind is list:
        return all(_untagged(item) for item in value)
    return False


class _TaggedJSON(TaggedJSONSerializer):
    def dumps(self, value) -> str:
        if _untagged(value):
            # What Flask writes for it: its JSON provider's defaults, ASCII and sorted keys.
            return json.dumps(value, separators=(",", ":"), ensure_ascii=True, sort_keys=True)
        return super().dumps(value)

    def loads(self, value: str):
        if _MAYBE_TAGGED not in value:
            return json.loads(value)
        return super().loads(value)


class _KeyCachingSigner(TimestampSigner):
    """Derives its HMAC key from each secret once (itsdangerous derives it for every HMAC)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._derived: dict[bytes, bytes] = {}

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        secret = self.secret_keys[-1] if secret_key is None else want_bytes(secret_key)
        key = self._derived.get(secret)
        if key is None:
            key = self._derived[secret] = super().derive_key(secret)
        return key


class KeyCachingSerializer(URLSafeTimedSerializer):
    """An itsdangerous serializer to keep for many requests: its signers, one per salt, are made
    once and derive their keys once. (The CSRF check uses it too, see ``ordet.csrf``.)"""

    signer = _KeyCachingSigner

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._signers: dict = {}

    def make_signer(self, salt: str | bytes | None = None):
        # A signer holds only its keys and settings, so one per salt serves every request.
        signer = self._signers.get(salt)
        if signer is None:
            signer = self._signers[salt] = super().make_signer(salt)
        return signer

    def dump_payload(self, obj) -> bytes:
        return base64_encode(want_bytes(self.serializer.dumps(obj, **self.serializer_kwargs)))


class SessionInterface(SecureCookieSessionInterface):
    serializer = _TaggedJSON()
    # The same SHA-1 as Flask's default, called directly: Flask wraps it in a Python function,
    # which sends every HMAC down the standard library's slower pure-Python path.
    digest_method = staticmethod(hashlib.sha1)

    def __init__(self) -> None:
        self._serializers: dict[tuple, KeyCachingSerializer] = {}

    def get_signing_serializer(self, app: Flask) -> KeyCachingSerializer | None:
        if not app.secret_key:
            return None
        fallbacks = tuple(app.config["SECRET_KEY_FALLBACKS"] or ())
        keys = (*fallbacks, app.secret_key)  # the current key last, as itsdangerous expects
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = self._serializers[keys] = KeyCachingSerializer(
                list(keys),
                salt=self.salt,
                serializer=self.serializer,
                signer_kwargs={
                    "key_derivation": self.key_derivation,
                    "digest_method": self.digest_method,
                },
            )
        return serializer
