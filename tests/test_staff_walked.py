"""Issue 20, staff points 8 and 9: the staff pages as a leader uses them, in Chromium (the
header, the live overview, the charts' legend) and through the app (names, dates, favicon)."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from ordet.demo import DEMO_PASSWORD
from ordet.extensions import db
from ordet.org.models import Tilbud
from ordet.rounds.models import Round

from .browser import screenshot
from .results_data import make_response
from .staff_helpers import login
from .test_a11y_pages import log_in_as_demo_admin
from .test_browser_kiosk import settings

LAERKEHOEJ = "Bostedet Lærkehøj (demo)"
OTHER_DATES = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{2}\.\d{2}\.\d{4}\b")
DANISH_DATE = re.compile(
    r"\b\d{1,2}\. (januar|februar|marts|april|maj|juni|juli|august|"
    r"september|oktober|november|december) \d{4}\b"
)


@pytest.mark.browser
@pytest.mark.parametrize("width", [1024, 1280])
def test_8_the_name_and_log_out_stay_on_the_brand_line(new_context, live_server, width):
    page = new_context({"width": width, "height": 800}, touch=False).new_page()
    log_in_as_demo_admin(page, live_server)
    page.goto("/staff/overblik")
    brand, who, out = (page.locator(s).bounding_box() for s in (".brand", ".who", ".logout button"))
    nav = page.locator(".staff-nav").bounding_box()
    assert abs((who["y"] + who["height"] / 2) - (brand["y"] + brand["height"] / 2)) < 12
    assert abs((out["y"] + out["height"] / 2) - (brand["y"] + brand["height"] / 2)) < 12
    assert out["x"] + out["width"] <= width
    assert nav["y"] >= out["y"] + out["height"] - 1, "the navigation is not below the name"
    screenshot(page, f"issue20-8-header-{width}")


@pytest.mark.browser
def test_8_the_live_overview_follows_the_round_without_a_reload(new_context, live_server):
    page = new_context({"width": 1280, "height": 900}, touch=False).new_page()
    log_in_as_demo_admin(page, live_server)
    cell = page.locator("tr", has=page.locator("th", has_text=LAERKEHOEJ)).locator("td.num").first
    with settings(live_server, STAFF_LIVE_REFRESH_SECONDS=1):
        page.goto("/staff/overblik")
        before = int(cell.inner_text())
        page.evaluate("window.__same_page = true")
        with live_server.app.app_context():
            slug = f"ordet-er-dit-{date.today().year}"
            round_ = db.session.scalar(db.select(Round).filter_by(slug=slug))
            unit = db.session.scalar(db.select(Tilbud).filter_by(name=LAERKEHOEJ))
            make_response(round_, unit, {"tryg": "ja"}, status="partial", when=date.today())
            db.session.commit()
        expect(cell).to_have_text(str(before + 1))
    assert page.evaluate("window.__same_page") is True, "the page was reloaded"


def test_8_every_bar_has_a_legend_outside_the_table(client, runner):
    runner.invoke(args=["seed-demo", "--responses", "600"])
    login(client, "admin@demo.ordet.dk", DEMO_PASSWORD)
    html = client.get(f"/staff/resultater/ordet-er-dit-{date.today().year}/paaroerende/").text
    figures = html.split('<figure class="chart">')[1:]
    bars = [figure for figure in figures if '<svg class="bar"' in figure]
    assert len(bars) >= 10
    for figure in bars:
        legend = figure.split('<ul class="legend">')[1].split("</ul>")[0]
        assert figure.index('<ul class="legend">') < figure.index("<details>")
        assert legend.count('class="swatch swatch-') == 5  # the five answers on the scale
        assert "Meget tilfreds" in legend and " %" in legend


def test_8_one_date_format_and_distinct_column_names(client, runner):
    runner.invoke(args=["seed-demo", "--responses", "300"])
    login(client, "admin@demo.ordet.dk", DEMO_PASSWORD)
    year = date.today().year
    pages = {
        "results": client.get("/staff/resultater/").text,
        "overview": client.get("/staff/overblik").text,
        "statement": client.get("/tilgaengelighed").text,
        "relatives": client.get(
            f"/staff/paaroerende/{f'ordet-er-dit-{year}'}/bostedet-laerkehoej"
        ).text,
    }
    for name, html in pages.items():
        assert not OTHER_DATES.search(html), f"{name}: {OTHER_DATES.search(html).group(0)}"
        assert DANISH_DATE.search(html), f"{name} shows no date"
    participation = client.get(f"/staff/resultater/ordet-er-dit-{year}/").text
    headers = re.findall(r'<th scope="col">([^<]+)</th>', participation)
    assert len(headers) == len(set(headers)), headers
    assert "Borgere i tilbuddet" in headers and "Svar fra borgere" in headers


def test_8_the_browser_finds_an_icon(client):
    with client.get("/favicon.ico") as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
        assert icon.get_data().startswith(b"<svg")
    assert 'rel="icon"' in client.get("/").text


def test_9_the_home_page_offers_only_what_the_role_can_do(client, runner):
    runner.invoke(args=["seed-demo"])
    login(client, "laerkehoej@demo.ordet.dk", DEMO_PASSWORD)
    home = client.get("/staff/").text
    assert "Her følger du runden og styrer tablets." in home
    assert "runder" not in home.split('class="lead"')[1].split("</p>")[0]
    admin = client.application.test_client()
    login(admin, "admin@demo.ordet.dk", DEMO_PASSWORD)
    assert "Her følger du runden og styrer tablets, runder og brugere." in admin.get("/staff/").text
