"""Staff side of the pårørende pilot (issue 24, point 5): the preview and the rates."""

import re

from ordet.extensions import db
from ordet.invitations.models import Invitation

from . import invitation_helpers as h

EIGHT = [(f"p{i}@example.dk", f"Person {i}", "Ven", "ja") for i in range(8)]


def test_the_preview_counts_and_marks_the_problem_rows(app, client):
    tilbud, round_ = h.pilot_round()
    h.login(client, tilbud)
    h.set_contact(client, round_, tilbud)
    rows = [*EIGHT[:3], ("ikke-en-mail", "", "", "ja"), EIGHT[0], ("x@example.dk", "", "", "")]
    preview = h.upload(client, round_, tilbud, h.xlsx(rows))
    assert preview.status_code == 200
    text = re.sub(r"\s+", " ", preview.text)
    assert "3 af 6 rækker kan importeres" in text
    assert "3 rækker har et problem og bliver ikke importeret" in text
    # Each reason with its rows (the header is row 1).
    assert "Står to gange i listen: række 6" in text
    assert "E-mailadressen er ikke gyldig: række 5" in text
    assert "Mangler bekræftelse af, at borgeren har valgt personen: række 7" in text
    marked = re.findall(r'<tr class="problem"><td>(\d+)</td>.*?<strong>Problem:</strong>', text)
    assert marked == ["5", "6", "7"]


def test_response_rates_round_half_up(app, client):
    tilbud, round_ = h.pilot_round()
    h.login(client, tilbud)
    h.set_contact(client, round_, tilbud)
    preview = h.upload(client, round_, tilbud, h.xlsx(EIGHT))
    h.import_preview(client, round_, tilbud, preview.text)
    invitations = db.session.scalars(db.select(Invitation).order_by(Invitation.id)).all()
    for answered, shown in ((1, "13 %"), (5, "63 %")):  # 12.5 and 62.5
        for invitation in invitations[:answered]:
            invitation.answered = True
        db.session.commit()
        page = client.get(h.tilbud_url(round_, tilbud))
        rate = re.search(r"Svarprocent</dt><dd>([^<]+)</dd>", page.text).group(1)
        assert rate == shown
        assert shown in client.get("/staff/paaroerende/").text
