"""Make outbox envelopes as the tablet's WebCrypto does: AES-256-GCM, key wrapped RSA-OAEP."""

import base64
import json
import os
import secrets
import threading
from datetime import date, timedelta

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import text

from ordet.extensions import db
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


def send_while_locked(tablet, envelope, first, transaction):
    """Send ``envelope`` on a thread while ``first`` (a PostgreSQL connection) holds the locks
    of an uncommitted ``transaction``; check that the send waits for them, then commit and
    return the send's reply."""
    replies = []
    second = threading.Thread(
        target=lambda: replies.append(tablet.post("/kiosk/offline/svar", json=envelope))
    )
    second.start()
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> :me"
    )
    me = first.execute(text("SELECT pg_backend_pid()")).scalar()
    with db.engine.connect() as watcher:
        while not watcher.execute(waiting, {"me": me}).scalar():
            second.join(0.05)
            assert second.is_alive(), replies[0].text  # it must wait, not answer before
    transaction.commit()
    first.close()
    second.join()
    return replies[0]
