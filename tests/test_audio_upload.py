"""Staff upload their organisation's recordings: checked by their bytes and size, audited,
and refused with a Danish message that changes nothing."""

import pytest

from ordet.audit import AuditEvent
from ordet.auth.models import ADMIN, ANALYST, TILBUD_LEAD
from ordet.extensions import db
from ordet.read_aloud.models import QuestionAudio
from ordet.read_aloud.services import sniff

from .audio_helpers import page_url, upload, wav_bytes
from .factories import csrf_from, make_organisation, make_specialomraade, make_tilbud
from .staff_helpers import make_user, session_login

MiB = 1024 * 1024


@pytest.fixture
def world(app):
    org = make_organisation("Egen organisation")
    other = make_organisation("Fremmed organisation")
    tilbud = make_tilbud(make_specialomraade(org))
    db.session.commit()
    return {
        "org": org,
        "other": other,
        "admin": make_user("admin@a.dk", ADMIN, org),
        "analyst": make_user("analyst@a.dk", ANALYST, org),
        "lead": make_user("leder@a.dk", TILBUD_LEAD, tilbud),
    }


def _stored() -> list[QuestionAudio]:
    return list(db.session.scalars(db.select(QuestionAudio)))


def _events(prefix="audio.") -> list[AuditEvent]:
    return list(
        db.session.scalars(db.select(AuditEvent).where(AuditEvent.action.startswith(prefix)))
    )


def test_upload_listen_replace_and_delete(client, world):
    org = world["org"]
    session_login(client, world["admin"])
    assert 'href="/staff/oplaesning/"' in client.get("/staff/").text
    listing = client.get("/staff/oplaesning/")
    assert listing.status_code == 200
    assert "Ingen optagelse" in listing.text and "Optaget<" not in listing.text
    assert page_url(org) in listing.text

    response = upload(client, org, wav_bytes())
    assert response.status_code == 302
    page = client.get(page_url(org))
    assert "Lyden er gemt." in page.text
    assert "Optaget: WAV" in page.text
    (stored,) = _stored()
    assert (stored.organisation_id, stored.question_key, stored.language) == (org.id, "tryg", "da")
    assert stored.mimetype == "audio/wav" and stored.data == wav_bytes()
    assert f'src="/lyd/{org.id}/borger/1/da/tryg?v={stored.digest[:16]}"' in page.text
    assert "Optaget<" in client.get("/staff/oplaesning/").text
    (event,) = _events()
    assert event.action == "audio.upload" and event.user_id == world["admin"].id
    assert '"question": "tryg"' in event.detail

    # Replacing keeps one row and gives it a new digest (so a new URL).
    old_digest = stored.digest
    assert upload(client, org, b"ID3" + bytes(500), filename="ny.mp3").status_code == 302
    db.session.expire_all()
    (stored,) = _stored()
    assert stored.mimetype == "audio/mpeg" and stored.digest != old_digest
    assert [e.action for e in _events()] == ["audio.upload", "audio.replace"]

    page = client.get(page_url(org))
    gone = client.post(
        page_url(org) + "/slet", data={"csrf_token": csrf_from(page.text), "language": "da"}
    )
    assert gone.status_code == 302
    assert _stored() == []
    assert _events()[-1].action == "audio.delete"
    again = client.post(
        page_url(org) + "/slet", data={"csrf_token": csrf_from(page.text), "language": "da"}
    )
    assert again.status_code == 400 and "Der er ingen lyd at slette." in again.text


@pytest.mark.parametrize(
    "data, filename, language, message",
    [
        (b"%PDF-1.4 not sound at all", "tryg.mp3", "da", "Filen er ikke en lydfil"),
        (b"<html><body>hej</body></html>", "tryg.wav", "da", "Filen er ikke en lydfil"),
        (b"", "tom.mp3", "da", "Vælg en lydfil."),
        (wav_bytes(), "lyd.wav", "de", "Vælg et af spørgeskemaets sprog."),
        (wav_bytes(), "lyd.wav", "", "Vælg et af spørgeskemaets sprog."),
        (b"ID3" + bytes(2 * MiB), "stor.mp3", "da", "Den må højst fylde 2 MB."),
    ],
)
def test_bad_uploads_get_a_danish_message_and_store_nothing(
    client, world, data, filename, language, message
):
    session_login(client, world["admin"])
    response = upload(client, world["org"], data, filename=filename, language=language)
    assert response.status_code == 400
    assert message in response.text
    assert 'aria-invalid="true"' in response.text
    assert _stored() == [] and _events() == []


def test_a_far_too_big_file_is_refused_before_it_is_read(client, world):
    session_login(client, world["admin"])
    response = upload(client, world["org"], b"ID3" + bytes(5 * MiB), filename="enorm.mp3")
    assert response.status_code == 413
    assert "for stort" in response.text
    assert _stored() == []


def test_only_the_upload_route_takes_large_bodies(client, world):
    session_login(client, world["admin"])
    page = client.get("/staff/brugere/ny")
    big = client.post(
        "/staff/brugere/ny", data={"csrf_token": csrf_from(page.text), "name": "x" * 200_000}
    )
    assert big.status_code == 413
    assert upload(client, world["org"], b"ID3" + bytes(MiB)).status_code == 302


@pytest.mark.parametrize(
    "where",
    [
        {"question": "findes_ikke"},
        {"version": 99},
        {"questionnaire": "ukendt"},
    ],
)
def test_unknown_questions_are_404(client, world, where):
    session_login(client, world["admin"])
    assert client.get(page_url(world["org"], **where)).status_code == 404
    assert upload(client, world["org"], wav_bytes(), **where).status_code in (400, 404)
    assert _stored() == []


def test_another_organisation_and_other_roles_are_refused(client, world):
    session_login(client, world["admin"])
    assert client.get(page_url(world["other"])).status_code == 404
    assert client.get(f"/staff/oplaesning/?organisation={world['other'].id}").status_code == 404
    assert "Fremmed organisation" not in client.get("/staff/oplaesning/").text
    for role in ("analyst", "lead"):
        session_login(client, world[role])
        assert client.get("/staff/oplaesning/").status_code == 403
        assert client.get(page_url(world["org"])).status_code == 403
        assert 'href="/staff/oplaesning/"' not in client.get("/staff/").text
    assert _stored() == []


@pytest.mark.parametrize(
    "head, expected",
    [
        (b"ID3\x04\x00", "audio/mpeg"),
        (b"\xff\xfb\x90\x64", "audio/mpeg"),  # an MPEG-1 layer III frame, no tag
        (b"\xff\xf1\x50\x80", None),  # AAC in ADTS: layer 00, not MP3
        (b"OggS\x00\x02", "audio/ogg"),
        (b"\x00\x00\x00\x20ftypM4A ", "audio/mp4"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", "audio/wav"),
        (b"RIFF\x24\x00\x00\x00AVI LIST", None),
        (b"\x89PNG\r\n\x1a\n", None),
        (b"", None),
    ],
)
def test_the_type_comes_from_the_first_bytes(head, expected):
    assert sniff(head) == expected
