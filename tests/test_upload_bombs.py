"""Upload bombs (issue 18, point 3), each as the attack, through the real upload view.

Each hostile list gets a Danish message on the page and leaves nothing behind: no preview
kept on the server, no invitation. Where the old code hung (a sheet that claims A1:XFD1048576
and has a row at the bottom: a million rows of 16,384 cells, about 0.4 h) or unpacked
hundreds of MB, these return at once on the new code; none asserts a time.
"""

import openpyxl.xml
import openpyxl.xml.functions
import pytest

from ordet.extensions import db
from ordet.invitations import upload, upload_guard
from ordet.invitations.models import Invitation, InvitationUpload

from . import invitation_helpers as h
from . import xlsx_attacks as x

UNREADABLE = "Regnearket kan ikke læses"
TOO_BIG = "Regnearket fylder for meget, når det pakkes ud"
FORBIDDEN = "XML-definitioner (DTD), som vi af sikkerhedshensyn ikke læser"
TOO_MANY_ROWS = "Filen har mere end 50.000 rækker"


@pytest.fixture
def staff(app, client):
    tilbud, round_ = h.pilot_round()
    h.login(client, tilbud)
    return round_, tilbud


def send(client, staff, data: bytes, filename: str = "liste.xlsx"):
    round_, tilbud = staff
    return h.upload(client, round_, tilbud, data, filename)


def stored() -> tuple[int, int]:
    """(previews kept on the server, invitations): an attack must leave both at zero."""
    db.session.expire_all()
    return (
        db.session.scalar(db.select(db.func.count()).select_from(InvitationUpload)),
        db.session.scalar(db.select(db.func.count()).select_from(Invitation)),
    )


def assert_refused(response, message: str) -> None:
    assert response.status_code == 400, response.text[:500]
    assert message in response.text
    assert stored() == (0, 0)


# (a) A sheet that says it is A1:XFD1048576: read for what it holds, not for what it says.
# The first two pass on the old code too (it padded each row to 16,384 cells, but only
# rows that are there); the third is the probe's hang.


def test_a_lying_dimension_is_read_for_the_rows_it_holds(client, staff):
    data = x.workbook({x.SHEET: x.sheet(x.HEADER + x.row(2, "a@example.dk"), "A1:XFD1048576")})
    assert len(data) < 8 * 1024  # a few KB, like the probe's 1,499 bytes
    response = send(client, staff, data)
    assert response.status_code == 200
    assert "a@example.dk" in response.text and "Klar" in response.text
    assert stored() == (1, 0)  # the preview waits for "Importér"; nobody is invited


def test_a_lying_dimension_with_only_a_header_is_an_empty_list(client, staff):
    data = x.workbook({x.SHEET: x.sheet(x.HEADER, "A1:XFD1048576")})
    assert_refused(send(client, staff, data), "Filen har ingen rækker under overskrifterne")


def test_a_row_at_the_bottom_of_the_sheet_is_too_many_rows(client, staff):
    """The old code filled the gap with empty rows as wide as the dimension: checked by hand
    with the row at 200 and 1,000 (0.3 s and 1.4 s of CPU, linear: ~0.4 h at 1,048,576)."""
    rows = x.HEADER + x.row(2, "a@example.dk") + x.row(1_048_576, "b@example.dk")
    data = x.workbook({x.SHEET: x.sheet(rows, "A1:XFD1048576")})
    assert_refused(send(client, staff, data), TOO_MANY_ROWS)


def test_row_after_row_past_the_limit_is_refused_while_counting(client, staff):
    rows = x.HEADER + "<row/>" * (upload_guard.MAX_LINES + 1)
    assert_refused(send(client, staff, x.workbook({x.SHEET: x.sheet(rows)})), TOO_MANY_ROWS)


# (b) Deflate bombs: refused from the zip's directory, or cut off where the directory says.


def test_a_deflate_bomb_is_refused_without_unpacking_it(client, staff, tmp_path):
    data = x.deflate_bomb(tmp_path / "bombe.xlsx", megabytes=256)
    assert len(data) < 1024 * 1024  # 256 MB of sheet in well under 1 MB
    assert_refused(send(client, staff, data), TOO_BIG)


def test_a_bomb_that_lies_about_its_size_is_cut_off_where_it_said(client, staff, tmp_path):
    """zipfile stops a deflated part where its headers say it ends and then fails its CRC;
    the guard reads through zipfile, so a lie buys nothing."""
    data = x.deflate_bomb(tmp_path / "bombe.xlsx", megabytes=64)
    assert_refused(send(client, staff, x.declare_size(data, x.SHEET, 4096)), UNREADABLE)


def test_a_bzip2_part_is_not_unpacked_at_all(client, staff, tmp_path):
    """zipfile unpacks a bzip2 part in one go, whatever size it declares: refused unread."""
    data = x.deflate_bomb(tmp_path / "bombe.xlsx", megabytes=32, method=x.zipfile.ZIP_BZIP2)
    response = send(client, staff, x.declare_size(data, x.SHEET, 4096))
    assert_refused(response, "pakket på en måde, som Excel ikke bruger")


def test_too_many_parts_is_refused(client, staff):
    parts = {f"xl/media/image{i}.png": b"" for i in range(upload_guard.MAX_PARTS)}
    response = send(client, staff, x.workbook(parts))
    assert_refused(response, "Regnearket indeholder for meget")


@pytest.mark.parametrize(
    "count", [upload_guard.MAX_ATTRIBUTES + 1, 200_000], ids=["counted", "refused-unparsed"]
)
def test_a_tag_with_too_many_attributes_is_refused(client, staff, count):
    attributes = " ".join(f'a{i:x}=""' for i in range(count))
    rows = x.HEADER + f"<row {attributes}/>"
    response = send(client, staff, x.workbook({x.SHEET: x.sheet(rows)}))
    assert_refused(response, "Regnearket indeholder for meget")


def test_a_list_that_costs_more_time_than_allowed_is_refused(client, staff, monkeypatch):
    monkeypatch.setattr(upload_guard, "MAX_SECONDS", -1)  # any list at all is then too slow
    response = send(client, staff, h.xlsx([("a@example.dk", "", "", "ja")]))
    assert_refused(response, "Det tog for lang tid at læse filen")


# (c) XXE and (d) billion laughs: a hardened parser refuses the DTD; nothing is read.


def test_openpyxl_itself_parses_with_defusedxml():
    from defusedxml import ElementTree as defused  # a dependency: without it, this fails

    assert openpyxl.xml.DEFUSEDXML is True
    assert openpyxl.xml.functions.iterparse is defused.iterparse


@pytest.mark.parametrize(
    "prolog", [x.XXE_FILE, x.XXE_DTD, x.XXE_PARAMETER], ids=["entity", "dtd", "parameter"]
)
def test_an_external_entity_is_refused_and_the_file_never_shows(client, staff, prolog):
    data = x.workbook({x.SHEET: x.sheet(x.HEADER + x.row(2, "&xxe;"), prolog=prolog)})
    response = send(client, staff, data)
    assert_refused(response, FORBIDDEN)
    assert "root:" not in response.text


@pytest.mark.parametrize("part", [x.SHEET, "[Content_Types].xml", "xl/workbook.xml"])
def test_billion_laughs_is_refused_wherever_it_hides(client, staff, part):
    original = x.workbook({})
    body = x.zipfile.ZipFile(x.io.BytesIO(original)).read(part)
    if part == x.SHEET:
        body = x.sheet(x.HEADER + x.row(2, "&lol9;"), prolog=x.LAUGHS)
    data = x.workbook({part: x.with_prolog(body, x.LAUGHS)})
    assert_refused(send(client, staff, data), FORBIDDEN)


# (e) Broken files: a Danish message, never a 500.


@pytest.mark.parametrize(
    "body",
    [
        x.sheet(x.HEADER)[:-30],  # cut off in the middle
        x.sheet(x.HEADER + '<row r="2"><c r="A2"><v>1</v></row>'),  # tags out of order
        x.sheet('<row r="nope"><c r="ZZZZZZ9"/></row>'),  # nonsense coordinates
        b"\x00\x01 not XML at all",
    ],
    ids=["truncated", "mismatched", "coordinates", "binary"],
)
def test_a_broken_sheet_gets_a_danish_message(client, staff, body):
    assert_refused(send(client, staff, x.workbook({x.SHEET: body})), UNREADABLE)


@pytest.mark.parametrize(
    "data, message",
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00<<>>", "ikke et regneark"),
        (b"PK\x03\x04" + b"\x00" * 200, UNREADABLE),
        (b"Hej,\nDette er et brev, ikke en liste.\n", "»email« mangler"),
        (b'email;borger har valgt\n"a@example.dk;ja' + b"x" * 200_000, "CSV-filen kan ikke læses"),
    ],
    ids=["pdf", "broken-zip", "letter", "unclosed-quote"],
)
def test_a_file_that_is_no_spreadsheet_gets_a_danish_message(client, staff, data, message):
    assert_refused(send(client, staff, data), message)


# The bounds leave the lists people really send alone.


def test_a_list_of_50000_rows_still_reads():
    rows = [(f"p{i}@example.dk", f"Person {i}", "Søster", "ja") for i in range(50_000)]
    parsed = upload.parse(h.xlsx(rows), lambda emails: set())
    assert len(parsed) == 50_000 and parsed[-1].email == "p49999@example.dk"
