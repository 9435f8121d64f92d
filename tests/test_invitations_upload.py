"""Reading lists: xlsx and CSV in their real encodings, the preview, and every bad input."""

import io

import pytest
from openpyxl import load_workbook

from ordet.extensions import db
from ordet.invitations import upload
from ordet.invitations.models import Invitation, InvitationUpload
from ordet.mail import OutboxMessage

from . import invitation_helpers as h
from .factories import make_tilbud


def statuses(data: bytes, taken=frozenset()) -> list[tuple[str, str]]:
    rows = upload.parse(data, lambda emails: emails & set(taken))
    return [(row.email, row.status) for row in rows]


def test_excel_csv_in_cp1252_with_semicolons():
    data = "email;navn;relation;borger har valgt\r\nsøren@example.dk;Søren Ø;Far;ja\r\n".encode(
        "cp1252"
    )
    rows = upload.parse(data, lambda e: set())
    assert rows[0].name == "Søren Ø" and rows[0].status == upload.VALID


def test_utf8_csv_with_bom_and_commas_and_mixed_encodings():
    data = (
        "\ufeffe-mail,navn,relation,Borger har valgt\n".encode()
        + "a@example.dk,Åse,Mor,x\n".encode()
        + "b@example.dk,Bjørn,Far,ja\n".encode("cp1252")
    )
    rows = upload.parse(data, lambda e: set())
    assert [r.name for r in rows] == ["Åse", "Bjørn"]


def test_every_row_gets_its_status():
    data = h.xlsx(
        [
            ("ok@example.dk", "", "", "ja"),
            ("OK@example.dk", "", "", "ja"),
            ("ikke en mail", "", "", "ja"),
            ("nej@example.dk", "", "", ""),
            ("taget@example.dk", "", "", True),
        ]
    )
    assert statuses(data, {"taget@example.dk"}) == [
        ("ok@example.dk", upload.VALID),
        ("ok@example.dk", upload.DUPLICATE),
        ("ikke en mail", upload.BAD_EMAIL),
        ("nej@example.dk", upload.NOT_CONFIRMED),
        ("taget@example.dk", upload.ALREADY_INVITED),
    ]


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "Filen er tom"),
        (b"email;borger har valgt\n", "ingen rækker"),
        (b"navn;relation;borger har valgt\nA;B;ja\n", "»email« mangler"),
        (b"email;navn\na@example.dk;A\n", "»borger har valgt« mangler"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "ikke et regneark"),
        (b"PK\x03\x04this is no zip", "kan ikke læses"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ".xls"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(data, message):
    with pytest.raises(upload.UploadError) as problem:
        upload.parse(data, lambda e: set())
    assert message in str(problem.value)


def test_more_than_50000_rows_is_refused_plainly():
    lines = ["email;borger har valgt"] + [f"p{i}@example.dk;ja" for i in range(50_001)]
    with pytest.raises(upload.UploadError) as problem:
        upload.parse("\n".join(lines).encode(), lambda e: set())
    assert "mere end 50.000 rækker" in str(problem.value)


def test_50000_rows_are_fine():
    lines = ["email;borger har valgt"] + [f"p{i}@example.dk;ja" for i in range(50_000)]
    assert len(upload.parse("\n".join(lines).encode(), lambda e: set())) == 50_000


def test_the_template_is_a_danish_workbook_the_parser_reads(app, client):
    tilbud, _ = h.pilot_round()
    h.login(client, tilbud)
    response = client.get("/staff/paaroerende/skabelon.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).worksheets[0]
    assert [c.value for c in next(sheet.iter_rows())] == list(upload.TEMPLATE_HEADERS)
    assert [r.status for r in upload.parse(response.data, lambda e: set())] == [upload.VALID]


def test_the_preview_shows_rows_and_import_stores_only_valid_ones(app, client):
    tilbud, round_ = h.pilot_round()
    h.login(client, tilbud)
    h.set_contact(client, round_, tilbud)
    data = h.xlsx(
        [
            ("a@example.dk", "A", "", "ja"),
            ("dårlig", "B", "", "ja"),
            ("c@example.dk", "C", "", "nej"),
        ]
    )
    preview = h.upload(client, round_, tilbud, data)
    assert preview.status_code == 200
    assert "E-mailadressen er ikke gyldig" in preview.text and "Mangler bekræftelse" in preview.text
    assert db.session.scalars(db.select(Invitation)).all() == []
    assert h.import_preview(client, round_, tilbud, preview.text).status_code == 302
    db.session.expire_all()
    assert [i.email for i in db.session.scalars(db.select(Invitation))] == ["a@example.dk"]
    assert [m.recipient for m in db.session.scalars(db.select(OutboxMessage))] == ["a@example.dk"]
    assert db.session.scalars(db.select(InvitationUpload)).all() == []
    # Importing the same preview again changes nothing.
    again = h.import_preview(client, round_, tilbud, preview.text)
    assert again.status_code == 400 and "Upload filen igen" in again.text
    second = h.upload(client, round_, tilbud, data)
    assert "Allerede inviteret i denne runde" in second.text


def test_bad_files_get_a_danish_message_and_a_4xx(app, client):
    tilbud, round_ = h.pilot_round()
    h.login(client, tilbud)
    empty = h.upload(client, round_, tilbud, b"", "tom.csv")
    assert empty.status_code == 400 and "Vælg en fil" in empty.text or "tom" in empty.text
    picture = h.upload(client, round_, tilbud, b"\x89PNG\x00\x00", "billede.png")
    assert picture.status_code == 400 and "ikke et regneark" in picture.text


def test_a_large_list_may_exceed_the_kiosk_body_limit(app, client):
    tilbud, round_ = h.pilot_round()
    h.login(client, tilbud)
    lines = ["email;borger har valgt"] + [f"person{i}@example.dk;ja" for i in range(5000)]
    data = "\n".join(lines).encode()
    assert len(data) > 64 * 1024
    assert h.upload(client, round_, tilbud, data, "stor.csv").status_code == 200
    assert client.post("/svar/1", data={"x": "y" * 70_000}).status_code == 413


def test_another_users_upload_cannot_be_imported(app, client):
    tilbud, round_ = h.pilot_round()
    h.login(client, tilbud)
    preview = h.upload(client, round_, tilbud, h.xlsx([("a@example.dk", "", "", "ja")]))
    h.login(client, tilbud, email="anden@example.dk")
    response = h.import_preview(client, round_, tilbud, preview.text)
    assert response.status_code == 400
    assert db.session.scalars(db.select(Invitation)).all() == []


def test_staff_outside_the_tilbud_are_refused(app, client):
    tilbud, round_ = h.pilot_round()
    other = make_tilbud(name="Andet sted")
    db.session.commit()
    h.login(client, other, email="x@example.dk")
    assert client.get(h.tilbud_url(round_, tilbud)).status_code == 403
    assert "Bostedet Test" not in client.get("/staff/paaroerende/").text
