"""A tablet plays its own organisation's recording, else the shared folder's, else the
browser's voice; recordings are cacheable but never shared across organisations."""

import re
from datetime import date

import pytest

from ordet.extensions import db
from ordet.questionnaires import get
from ordet.read_aloud import services

from .audio_helpers import wav_bytes
from .factories import enrol, make_organisation, make_round, make_specialomraade, make_tilbud
from .kiosk_helpers import question_page, start

AUDIO = re.compile(r'data-audio="([^"]+)"')
FIRST = "glad_for_stedet"  # the first borger question


@pytest.fixture
def world(app):
    tilbud = {}
    for name in ("A", "B"):
        org = make_organisation(f"Organisation {name}")
        tilbud[name] = make_tilbud(make_specialomraade(org))
        make_round([tilbud[name]])
    db.session.commit()
    recording = services.store(
        None,
        tilbud["A"].organisation_id,
        get("borger", 1),
        FIRST,
        "da",
        wav_bytes(),
        date.today(),
    )
    db.session.commit()
    return tilbud, recording


def _audio_on_first_question(app, tilbud_, language="da") -> str | None:
    """The recording URL a fresh tablet of ``tilbud_`` gets on the first question."""
    tablet = app.test_client()  # each request in its own app context (see the client fixture)
    enrol(tablet, tilbud_)
    start(tablet, language)
    page, key = question_page(tablet, 1)
    assert key == FIRST
    found = AUDIO.search(page.text)
    return found.group(1) if found else None


def test_the_tablet_plays_its_own_organisations_recording(app, client, world):
    tilbud, recording = world
    url = _audio_on_first_question(app, tilbud["A"])
    org_a = tilbud["A"].organisation_id
    assert url == f"/lyd/{org_a}/borger/1/da/{FIRST}?v={recording.digest[:16]}"
    served = client.get(url)
    assert served.status_code == 200
    assert served.mimetype == "audio/wav" and served.data == wav_bytes()
    assert "immutable" in served.headers["Cache-Control"]
    assert "public" in served.headers["Cache-Control"]
    # Revalidation and the byte ranges Safari asks for.
    assert client.get(url, headers={"If-None-Match": served.headers["ETag"]}).status_code == 304
    part = client.get(url, headers={"Range": "bytes=0-3"})
    assert part.status_code == 206 and part.data == b"RIFF"
    # An old version of the URL is not cached for a year.
    stale = client.get(f"/lyd/{org_a}/borger/1/da/{FIRST}?v=0000")
    assert stale.status_code == 200 and "no-cache" in stale.headers["Cache-Control"]


def test_another_organisation_never_gets_it(app, client, world):
    tilbud, _ = world
    assert _audio_on_first_question(app, tilbud["B"]) is None
    org_b = tilbud["B"].organisation_id
    assert client.get(f"/lyd/{org_b}/borger/1/da/{FIRST}").status_code == 404


def test_a_language_without_a_recording_uses_the_voice(app, client, world):
    tilbud, _ = world
    assert _audio_on_first_question(app, tilbud["A"], "en") is None


def test_the_shared_folder_is_the_fallback(app, client, world, tmp_path):
    tilbud, _ = world
    app.config["READ_ALOUD_AUDIO_DIR"] = str(tmp_path)
    shared = tmp_path / "borger" / "da" / f"{FIRST}.mp3"
    shared.parent.mkdir(parents=True)
    shared.write_bytes(b"ID3shared")
    assert _audio_on_first_question(app, tilbud["B"]) == f"/lyd/borger/da/{FIRST}"
    # The organisation's own recording wins over the shared file.
    assert _audio_on_first_question(app, tilbud["A"]).startswith(
        f"/lyd/{tilbud['A'].organisation_id}/"
    )


@pytest.mark.parametrize(
    "path",
    [
        f"/lyd/999/borger/1/da/{FIRST}",
        f"/lyd/1/borger/2/da/{FIRST}",
        "/lyd/1/borger/1/da/findes_ikke",
        "/lyd/1/borger/1/../../x",
        "/lyd/x/borger/1/da/tryg",
    ],
)
def test_unknown_recordings_are_404(client, world, path):
    assert client.get(path).status_code == 404
