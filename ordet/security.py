"""Secrets: random tokens, and the hashes that are all the database ever stores of them."""

import hashlib
import hmac
import secrets


def new_token() -> str:
    """A URL-safe secret with 256 random bits."""
    return secrets.token_urlsafe(32)


def hash_secret(value: str) -> str:
    """SHA-256 of a high-entropy secret. Enough for random tokens; passwords use scrypt instead."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))
