"""In Chromium: an admin uploads a recording through the real staff page (audited with axe
and vnu), and a tablet of that organisation plays it instead of the synthetic voice."""

from datetime import date

import pytest

from ordet.extensions import db
from ordet.org.models import Tilbud
from ordet.questionnaires import get
from ordet.read_aloud import services
from ordet.read_aloud.models import QuestionAudio

from .audio_helpers import wav_bytes
from .browser import TABLET
from .kiosk_browser import Walker
from .test_a11y_pages import assert_clean, audit, log_in_as_demo_admin
from .test_browser_kiosk import SPEECH_STUB, to_first_question

pytestmark = pytest.mark.browser


def _remove_all(live_server) -> None:
    with live_server.app.app_context():
        db.session.execute(db.delete(QuestionAudio))
        db.session.commit()


def test_an_admin_uploads_listens_and_deletes(new_context, live_server, tmp_path):
    recording = tmp_path / "tryg.wav"
    recording.write_bytes(wav_bytes())
    page = new_context(TABLET, touch=False).new_page()
    log_in_as_demo_admin(page, live_server)
    try:
        page.goto("/staff/oplaesning/")
        with page.expect_navigation():
            page.click("main table a >> nth=0")
        page.set_input_files("#audio-da", str(recording))
        with page.expect_navigation():
            page.click("main form[enctype] button[type=submit] >> nth=0")
        assert "Lyden er gemt." in page.text_content("main")
        assert page.locator("main audio[controls]").count() == 1
        screens = [audit(page, "staff-oplaesning-med-lyd")]
        # A PDF dressed as an MP3 gets the page's own message at the field.
        fake = tmp_path / "ikke-lyd.mp3"
        fake.write_bytes(b"%PDF-1.4 fake")
        page.set_input_files("#audio-en", str(fake))
        with page.expect_navigation():
            page.click("main form[enctype] button[type=submit] >> nth=1")
        assert page.locator("#audio-en[aria-invalid=true]").count() == 1
        assert "Filen er ikke en lydfil" in page.text_content(".error-summary")
        screens.append(audit(page, "staff-oplaesning-fejl"))
        assert_clean(screens)
        page.goto(page.url)
        with page.expect_navigation():
            page.click("main form[action$='/slet'] button")
        assert "Lyden er slettet." in page.text_content("main")
    finally:
        _remove_all(live_server)


def test_a_tablet_plays_its_organisations_recording(new_context, live_server):
    app = live_server.app
    with app.app_context():
        tilbud = db.session.get(Tilbud, app.config["BROWSER_TILBUD"]["borger"])
        organisation_id = tilbud.organisation_id
        services.store(
            None,
            organisation_id,
            get("borger", 1),
            "glad_for_stedet",
            "da",
            wav_bytes(),
            date.today(),
        )
        db.session.commit()
    try:
        context = new_context(TABLET, "borger")
        context.add_init_script(SPEECH_STUB)
        page = context.new_page()
        to_first_question(Walker(page))
        Walker(page).press("button.speak")
        [played] = page.evaluate("window.__played")
        assert f"/lyd/{organisation_id}/borger/1/da/glad_for_stedet?v=" in played
        assert page.evaluate("window.__spoken") == []
        fetched = page.request.get(played)
        assert fetched.status == 200 and fetched.headers["content-type"] == "audio/wav"
    finally:
        _remove_all(live_server)
