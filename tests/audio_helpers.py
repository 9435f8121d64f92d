"""Small real audio files for the read-aloud tests; the upload form driven as a browser would."""

import io
import wave

from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from .factories import csrf_from


def wav_bytes(frames: int = 800) -> bytes:
    """A genuine (silent) WAV file, made by the standard library."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x00" * frames)
    return buffer.getvalue()


def page_url(organisation, question="tryg", questionnaire="borger", version=1) -> str:
    return f"/staff/oplaesning/{organisation.id}/{questionnaire}/{version}/{question}"


def upload(client, organisation, data: bytes, filename="lyd.wav", language="da", **where):
    url = page_url(organisation, **where)
    page = client.get(url)
    token = csrf_from(page.text) if page.status_code == 200 else ""
    # Encoded here in memory: the test client would spool a large body to a temporary file
    # it never closes (a ResourceWarning, which pytest turns into an error).
    boundary, body = encode_multipart(
        {
            "csrf_token": token,
            "language": language,
            "audio": FileStorage(io.BytesIO(data), filename, content_type="audio/mpeg"),
        }
    )
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")
