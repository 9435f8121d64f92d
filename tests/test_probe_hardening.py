"""Issue 18, points 6 and 7: what an outside probe broke, replayed as the attack.

Each test runs on SQLite and on PostgreSQL (the ``client`` fixture is parametrised).
"""

import pytest

from ordet.auth.models import ADMIN
from ordet.extensions import db

from .factories import csrf_from, make_organisation
from .staff_helpers import make_user, session_login
from .test_export import world  # noqa: F401 (the fixture)

BEYOND_BIGINT = "9" * 30
NO_STORE = [
    "/staff/resultater/r25/borger/kommentarer",
    "/staff/eksport/r25.xlsx",
    "/staff/eksport/r25.xlsx?kommentarer=1",
    "/staff/eksport/r25/raadata.csv",
    "/staff/eksport/r25/raadata-forklaring.csv",
]


@pytest.fixture
def admin(app, client):
    org = make_organisation("Region Test")
    db.session.commit()
    session_login(client, make_user("admin@test.dk", ADMIN, org))
    return client


@pytest.mark.parametrize("side", ["999999999999999999", BEYOND_BIGINT, str(2**63)])
def test_an_audit_log_page_beyond_any_page_is_not_found(admin, side):
    # Was a 500 on SQLite (OverflowError) and a 503 on PostgreSQL (out of bigint range).
    page = admin.get(f"/staff/log?side={side}")
    assert page.status_code == 404
    assert "Siden findes ikke" in page.text


def test_ordinary_audit_log_pages_still_work(admin):
    for side in ("", "1", "2", "-5", "abc", "2147483647"):
        assert admin.get(f"/staff/log?side={side}").status_code == 200, side


def test_audit_log_is_not_stored_by_caches(admin):
    assert admin.get("/staff/log").headers["Cache-Control"] == "no-store"


def test_comments_and_exports_are_not_stored_by_caches(world, client):  # noqa: F811
    analyst = world[4]
    session_login(client, analyst)
    for address in NO_STORE:
        response = client.get(address)
        assert response.status_code == 200, address
        assert response.headers["Cache-Control"] == "no-store", address
        response.close()


@pytest.mark.parametrize(
    "target",
    ["/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "\t//evil.example", " //x"],
)
def test_text_size_never_redirects_to_what_a_browser_reads_as_another_site(client, target):
    # ``next=/%09/evil.example``: browsers strip the tab and go to //evil.example.
    token = csrf_from(client.get("/kiosk/tilmeld").text)
    response = client.post("/tekststoerrelse", data={"next": target, "csrf_token": token})
    assert response.status_code == 302
    assert response.location == "/"


def test_text_size_still_returns_to_the_page_it_came_from(client):
    token = csrf_from(client.get("/kiosk/tilmeld").text)
    response = client.post("/tekststoerrelse", data={"next": "/svar/3", "csrf_token": token})
    assert response.location == "/svar/3"


@pytest.mark.parametrize("address", ["/lyd/1/borger/1/da/%00", "/lyd/borger/da/%00", "/%00"])
def test_nul_in_a_path_is_not_found_without_login(client, address):
    # Was a 503 with a traceback on PostgreSQL ("cannot contain NUL"), a 404 on SQLite.
    page = client.get(address)
    assert page.status_code == 404, address
    assert "Siden findes ikke" in page.text


@pytest.mark.parametrize(
    "address",
    [
        "/staff/resultater/%00/",
        "/staff/resultater/r25/%00/",
        "/staff/eksport/%00.xlsx",
        "/staff/eksport/%00/raadata.csv",
    ],
)
def test_nul_in_a_path_is_not_found_logged_in(world, client, address):  # noqa: F811
    session_login(client, world[4])
    page = client.get(address)
    assert page.status_code == 404, address
    assert "Siden findes ikke" in page.text
