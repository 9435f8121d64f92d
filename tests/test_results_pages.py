"""The results pages: scope bounds every number, suppression shows, bad input is refused."""

import re
from datetime import date

import pytest

from ordet.audit import AuditEvent
from ordet.auth.models import Grant, User
from ordet.extensions import db
from ordet.results.models import CommentRedaction

from .factories import csrf_from, make_organisation, make_round, make_specialomraade, make_tilbud
from .results_data import make_response
from .staff_helpers import session_login


def login(client, user):
    session_login(client, user)


def make_user(role, **scope):
    user = User(email=f"{role}-{len(scope)}-{id(scope)}@x.dk", name=role)
    user.grants.append(Grant(role=role, **scope))
    db.session.add(user)
    db.session.flush()
    return user


@pytest.fixture
def world(app):
    org = make_organisation(threshold=5)
    area_a, area_b = make_specialomraade(org, "Område A"), make_specialomraade(org, "Område B")
    big = make_tilbud(area_a, "Stort tilbud")
    small = make_tilbud(area_a, "Lille tilbud")
    other = make_tilbud(area_b, "Andet tilbud")
    round_ = make_round([big, small, other], date(2025, 1, 1), date(2025, 12, 31), slug="r25")
    for i in range(12):
        make_response(
            round_,
            big,
            {"tryg": "ja" if i % 3 else "nej", "hjaelp": "nej", "andet": f"Kommentar {i}"},
        )
    for _ in range(3):
        make_response(round_, small, {"tryg": "nej", "andet": "Hemmelig lille"})
    for _ in range(9):
        make_response(round_, other, {"tryg": "baade_og", "andet": '=HYPERLINK("x")'})
    users = {
        "analyst": make_user("analyst", organisation_id=org.id),
        "area": make_user("area_lead", specialomraade_id=area_b.id),
        "tilbud": make_user("tilbud_lead", tilbud_id=small.id),
    }
    db.session.commit()
    return org, (area_a, area_b), (big, small, other), round_, users


def text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_organisation_page_shows_themes_charts_and_hides_small_groups(client, world):
    org, areas, (big, small, other), round_, users = world
    login(client, users["analyst"])
    page = client.get("/staff/resultater/r25/borger/")
    assert page.status_code == 200
    assert "<svg" in page.text and "Vis som tabel" in page.text
    assert "style=" not in page.text
    body = text(page.text)
    assert "Tryghed" in body and "Område A" in body and "Område B" in body
    area = client.get(
        "/staff/resultater/r25/borger/", query_string={"enhed": f"omraade:{areas[0].slug}"}
    )
    body = text(area.text)
    # The small tilbud (3) is hidden, and the big one with it (the area minus it would tell).
    assert body.count("For få svar") >= 2
    tilbud = client.get(
        "/staff/resultater/r25/borger/", query_string={"enhed": f"tilbud:{big.slug}"}
    )
    assert "For få svar til at vise resultatet" in tilbud.text


def test_scope_bounds_every_number(client, world):
    org, (area_a, area_b), (big, small, other), round_, users = world
    login(client, users["area"])
    page = client.get("/staff/resultater/r25/borger/")
    assert page.status_code == 200
    assert "Område B" in page.text and "Stort tilbud" not in page.text
    assert "Område A" not in page.text and org.name not in page.text
    refused = client.get("/staff/resultater/r25/borger/", query_string={"enhed": "organisation"})
    assert refused.status_code == 403
    refused = client.get(
        "/staff/resultater/r25/borger/", query_string={"enhed": f"tilbud:{big.slug}"}
    )
    assert refused.status_code == 403
    overview = client.get("/staff/resultater/r25/")
    assert "Andet tilbud" in overview.text and "Stort tilbud" not in overview.text
    login(client, users["tilbud"])
    page = client.get("/staff/resultater/r25/borger/")
    assert "Lille tilbud" in page.text and "For få svar til at vise resultatet" in page.text


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/staff/resultater/findes-ikke/borger/", 404),
        ("/staff/resultater/r25/ukendt/", 404),
        ("/staff/resultater/r25/borger/?enhed=tilbud:findes-ikke", 404),
        ("/staff/resultater/r25/borger/?enhed=planet:x", 400),
        ("/staff/resultater/r25/borger/?hjaelp=robot", 400),
        ("/staff/resultater/r25/borger/?tema=vejret", 400),
    ],
)
def test_bad_input_gets_a_message_not_a_500(client, world, url, status):
    login(client, world[4]["analyst"])
    page = client.get(url)
    assert page.status_code == status
    assert "Det kan vi ikke vise" in page.text


def test_signed_out_and_without_permission(client, world):
    assert client.get("/staff/resultater/r25/borger/").status_code in (302, 401)
    login(client, world[4]["area"])
    assert client.get("/staff/resultater/r25/borger/kommentarer").status_code == 403


def test_comments_never_name_a_small_group_and_are_audited(client, world):
    org, areas, (big, small, other), round_, users = world
    login(client, users["analyst"])
    page = client.get("/staff/resultater/r25/borger/kommentarer")
    assert page.status_code == 200
    assert "Kommentar 11" in page.text
    # The tilbud of 3 is hidden, and so (by the rules) is everything below the organisation:
    # its comments stand under the organisation, among all 24 respondents, never its own name.
    names = re.findall(r"</blockquote>\s*<p class=\"hint\">([^<·]+)", page.text)
    assert set(n.strip() for n in names) == {org.name}
    assert "Lille tilbud" not in page.text
    assert re.search(r"\d{2}\.\d{2}\.\d{4}", text(page.text)) is None  # no dates
    small_page = client.get(
        "/staff/resultater/r25/borger/kommentarer", query_string={"enhed": f"tilbud:{small.slug}"}
    )
    assert "Hemmelig lille" not in small_page.text
    assert "=HYPERLINK" in page.text.replace("&#34;", '"')
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "comments.read"))
    assert event is not None and event.user_id == users["analyst"].id


def test_redacting_replaces_the_text_and_drops_the_original(client, world):
    org, areas, (big, small, other), round_, users = world
    login(client, users["analyst"])
    page = client.get("/staff/resultater/r25/borger/kommentarer")
    ref = re.search(r"/kommentarer/([0-9a-f]+)/rediger", page.text).group(1)
    done = client.post(
        f"/staff/resultater/r25/borger/kommentarer/{ref}/rediger",
        data={"text": "", "enhed": "organisation", "csrf_token": csrf_from(page.text)},
    )
    assert done.status_code == 302
    again = client.get("/staff/resultater/r25/borger/kommentarer")
    assert "[Fjernet, fordi teksten kunne identificere en person]" in again.text
    assert db.session.scalar(db.select(db.func.count()).select_from(CommentRedaction)) == 1
    for bad_ref in ("999999", "0" * 24, ref[::-1]):
        missing = client.post(
            f"/staff/resultater/r25/borger/kommentarer/{bad_ref}/rediger",
            data={"text": "x", "enhed": "organisation", "csrf_token": csrf_from(page.text)},
        )
        assert missing.status_code == 404


def test_page_and_export_hide_the_same_cells(client, world, runner, tmp_path):
    import openpyxl

    org, (area_a, _b), (big, small, other), round_, users = world
    login(client, users["analyst"])
    page = client.get(
        "/staff/resultater/r25/borger/", query_string={"enhed": f"omraade:{area_a.slug}"}
    )
    assert "Hent Excel-fil" in page.text
    rows = re.findall(r"<tr><th scope=\"row\"><a [^>]*>([^<]+)</a></th>(.*?)</tr>", page.text, re.S)
    on_page = {name for name, cells in rows if "For få svar" in cells}
    out = tmp_path / "r.xlsx"
    assert (
        runner.invoke(args=["export-results", "--round", "r25", "--out", str(out)]).exit_code == 0
    )
    sheet = openpyxl.load_workbook(out)["Temaer"]
    in_export = {
        r[2]
        for r in sheet.iter_rows(min_row=2, values_only=True)
        if r[1] == "Tilbud" and r[3] == "Område A" and r[4] == "Tryghed" and r[5] == "For få svar"
    }
    assert on_page == in_export == {"Stort tilbud", "Lille tilbud"}
