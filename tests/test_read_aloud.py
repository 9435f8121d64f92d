"""Recorded read-aloud files: served when present, else a 404; never outside the folder."""

from pathlib import Path

import pytest


@pytest.fixture
def audio_folder(app, tmp_path) -> Path:
    folder = tmp_path / "audio"
    app.config["READ_ALOUD_AUDIO_DIR"] = str(folder)
    recording = folder / "borger" / "da" / "tryg.mp3"
    recording.parent.mkdir(parents=True)
    recording.write_bytes(b"ID3fake-mp3")
    (tmp_path / "secret.mp3").write_bytes(b"not for you")
    return folder


def test_a_recording_is_served_as_audio(client, audio_folder):
    with client.get("/lyd/borger/da/tryg") as response:
        assert response.status_code == 200
        assert response.mimetype == "audio/mpeg"
        assert response.data == b"ID3fake-mp3"


@pytest.mark.parametrize(
    "path",
    [
        "/lyd/borger/da/mad",  # no recording
        "/lyd/borger/en/tryg",  # not in that language
        "/lyd/borger/da/..%2F..%2Fsecret",
        "/lyd/borger/../../secret",
        "/lyd/Borger/da/tryg",
        "/lyd/borger/dan/tryg",
    ],
)
def test_anything_else_is_a_plain_404(client, audio_folder, path):
    response = client.get(path)
    assert response.status_code == 404
    assert b"not for you" not in response.data
