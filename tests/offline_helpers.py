"""Make outbox envelopes as the tablet's WebCrypto does: AES-256-GCM, key wrapped RSA-OAEP."""

import base64
import json
import os
import secrets
from datetime import date, timedelta

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ordet.offline.keys import OAEP, public_key_b64


def monday(day: date | None = None) -> str:
    day = day or date.today()
    return (day - timedelta(days=day.weekday())).isoformat()


def payload(round_id: int, answers: dict, **extra) -> dict:
    found = {
        "id": secrets.token_urlsafe(16),
        "round": round_id,
        "questionnaire": "borger",
        "version": 1,
        "language": "da",
        "answers": answers,
        "complete": True,
        "week": monday(),
        "draft": None,
    }
    found.update(extra)
    return found


def seal(instance_path: str, content: dict) -> dict:
    public = serialization.load_der_public_key(base64.b64decode(public_key_b64(instance_path)))
    aes_key = AESGCM.generate_key(bit_length=256)
    iv = os.urandom(12)
    data = AESGCM(aes_key).encrypt(iv, json.dumps(content).encode(), None)
    return {
        "id": content["id"],
        "key": base64.b64encode(public.encrypt(aes_key, OAEP)).decode(),
        "iv": base64.b64encode(iv).decode(),
        "data": base64.b64encode(data).decode(),
    }
