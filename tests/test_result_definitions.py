"""What each figure means (issue 17, point 6), read back from the page and the workbook.

One tilbud answers "tryg" 6 × ja, 2 × nej, 2 × ved ikke: "Andel: Ja" and "Andel positive" are
both 75 % (of the 8 answers on the scale) and "Ved ikke" is 20 % of all 10 answers. Last round
it was 5 × ja, 3 × nej (62.5 %): a change of 12.5 percentage points. The theme "Relationer til
medarbejdere" sums its two questions' answers on the scale. Ten complete responses from a
tilbud that says it serves 8 borgere: a response rate of 125 %, which must be flagged.
"""

import re
from datetime import date

import openpyxl
import pytest

from ordet.auth.models import Grant, User
from ordet.export.overview import release_text, rule_text
from ordet.extensions import db
from ordet.results.aggregate import round_results
from ordet.results.models import Release
from ordet.results.presentation import rounded
from ordet.rounds.models import RoundTilbud

from .factories import make_organisation, make_round, make_specialomraade, make_tilbud
from .results_data import make_response, release_all
from .staff_helpers import session_login

TRYG_NOW = ["ja"] * 6 + ["nej"] * 2 + ["ved_ikke"] * 2
TRYG_LAST = ["ja"] * 5 + ["nej"] * 3
# Relationer til medarbejdere: 8 + 5 answers on the scale, 12 of them positive.
LYTTER = ["ja"] * 7 + ["nej"] + ["vil_ikke_svare"] * 2
HJAELPER = ["ja"] * 5 + ["ved_ikke"]
WARNING = "Over 100 %: tjek antallet af borgere"
THEME_COUNT = "Antal svar på skalaen (svar, ikke personer)"


@pytest.fixture
def world(app):
    org = make_organisation(threshold=5)
    area_a, area_b = make_specialomraade(org, "Område A"), make_specialomraade(org, "Område B")
    mine = make_tilbud(area_a, "Mit tilbud")
    other = make_tilbud(area_b, "Andet tilbud")
    last = make_round([mine, other], date(2024, 1, 1), date(2024, 12, 31), slug="r24")
    now = make_round([mine, other], date(2025, 1, 1), date(2025, 12, 31), slug="r25")
    for value in TRYG_LAST:
        make_response(last, mine, {"tryg": value})
    for _ in range(6):
        make_response(last, other, {"tryg": "ja"})
    for i, value in enumerate(TRYG_NOW):
        answers = {"tryg": value, "medarbejdere_lytter": LYTTER[i]}
        if i < len(HJAELPER):
            answers["medarbejdere_hjaelper"] = HJAELPER[i]
        make_response(now, mine, answers)
    for _ in range(2):  # counted as responses, not in the response rate
        make_response(now, mine, {"glad_for_stedet": "ja"}, status="partial")
    for _ in range(6):
        make_response(now, other, {"tryg": "nej"})
    db.session.get(RoundTilbud, (now.id, mine.id)).borgere_served = 8
    release_all(last)
    release_all(now)
    users = {}
    for role, scope in (
        ("analyst", {"organisation_id": org.id}),
        ("area_lead", {"specialomraade_id": area_a.id}),
    ):
        users[role] = User(email=f"{role}@x.dk", name=role)
        users[role].grants.append(Grant(role=role, **scope))
        db.session.add(users[role])
    db.session.commit()
    results = round_results(now, "borger")
    assert not results.questions["tryg"][("tilbud", mine.id)].hidden  # the world shows it
    return org, (area_a, area_b), (mine, other), now, users


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def question_section(html: str, label: str) -> str:
    sections = re.findall(r'<section class="question-result">(.*?)</section>', html, re.S)
    return text(next(s for s in sections if label in s))


def export(runner, tmp_path, email: str):
    out = tmp_path / f"{email}.xlsx"
    result = runner.invoke(
        args=["export-results", "--round", "r25", "--out", str(out), "--scope", email]
    )
    assert result.exit_code == 0, result.output
    return openpyxl.load_workbook(out)


def records(ws) -> list[dict]:
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:] if row[0] is not None]


def test_the_page_gives_each_share_one_denominator(client, world):
    org, areas, (mine, other), now, users = world
    session_login(client, users["analyst"])
    page = client.get(
        "/staff/resultater/r25/borger/", query_string={"enhed": f"tilbud:{mine.slug}"}
    )
    assert page.status_code == 200
    tryg = question_section(page.text, "Føler du dig tryg her?")
    # The table: scale options over the 8 answers on the scale, specials over all 10.
    assert "Ja 6 75 % –" in tryg and "Nej 2 25 % –" in tryg
    assert "Ved ikke 2 – 20 %" in tryg and "Vil ikke svare 0 – 0 %" in tryg
    assert "Svar i alt: 10 (heraf på skalaen: 8)" in tryg
    assert "Andel positive: 75 % af svarene på skalaen" in tryg
    assert "Andel af alle svar: Ved ikke 20 %, Vil ikke svare 0 %" in tryg
    # Last round 62.5 %: shown rounded as the workbook shows it, the change with its decimal.
    assert "Sidste runde: 63 %" in tryg and "op 12,5 procentpoint" in tryg
    # The bar holds the scale only: its text alternative adds up to 100 %.
    assert "Af svarene på skalaen: Ja 75 %, Nej 25 %" in tryg
    themes = text(page.text.split("<h2>Temaer</h2>")[1].split("</table>")[0])
    assert "Svar på skalaen" in themes and "ikke personer" in themes
    assert "Relationer til medarbejdere 13 92 %" in themes  # 8 + 5 answers, 12 positive


def test_the_workbook_gives_each_share_one_denominator(world, runner, tmp_path):
    org, areas, (mine, other), now, users = world
    wb = export(runner, tmp_path, "analyst@x.dk")
    rows = records(wb["Resultater Borgere"])
    by = {(r["Enhed"], r["Nøgle"]): r for r in rows}
    tryg = by["Mit tilbud", "tryg"]
    assert (tryg["Antal svar i alt"], tryg["Antal svar på skalaen"]) == (10, 8)
    assert (tryg["Antal: Ja"], tryg["Antal: Nej"], tryg["Antal: Ved ikke"]) == (6, 2, 2)
    assert tryg["Andel: Ja"] == pytest.approx(0.75) == tryg["Andel positive"]
    assert tryg["Andel: Nej"] == pytest.approx(0.25)
    assert tryg["Andel af alle svar: Ved ikke"] == pytest.approx(0.2)
    assert tryg["Andel af alle svar: Vil ikke svare"] == 0
    assert "Andel: Ved ikke" not in tryg and "Andel af alle svar: Ja" not in tryg
    assert tryg["Sidste runde: andel positive"] == pytest.approx(0.625)
    assert tryg["Ændring (procentpoint)"] == pytest.approx(12.5)
    for row in rows:  # every shown row: the options on the scale add up to 100 %
        if row["Antal svar på skalaen"] not in (0, "For få svar"):
            shares = [v for k, v in row.items() if k.startswith("Andel: ")]
            assert sum(shares) == pytest.approx(1), row
    ws = wb["Resultater Borgere"]
    headers = [c.value for c in ws[1]]
    column = headers.index("Ændring (procentpoint)") + 1
    row_of = next(i for i, r in enumerate(rows, start=2) if r is tryg)
    assert ws.cell(row=row_of, column=column).number_format == "0.0"
    assert ws.cell(row=row_of, column=headers.index("Andel: Ja") + 1).number_format == "0%"
    # A theme's count is the count behind its share: its questions' answers on the scale.
    themes = {(r["Enhed"], r["Tema"]): r for r in records(wb["Temaer"]) if r["Skema"] == "Borgere"}
    relationer = themes["Mit tilbud", "Relationer til medarbejdere"]
    questions = by["Mit tilbud", "medarbejdere_lytter"], by["Mit tilbud", "medarbejdere_hjaelper"]
    assert relationer[THEME_COUNT] == sum(q["Antal svar på skalaen"] for q in questions) == 13
    assert relationer["Andel positive"] == pytest.approx(12 / 13)
    tryghed = themes["Mit tilbud", "Tryghed"]
    assert tryghed[THEME_COUNT] == 8 and tryghed["Ændring (procentpoint)"] == pytest.approx(12.5)
    sheet = wb["Temaer"]
    change = [c.value for c in sheet[1]].index("Ændring (procentpoint)") + 1
    formats = {sheet.cell(row=r, column=change).number_format for r in range(2, sheet.max_row + 1)}
    assert "0.0" in formats and "0%" not in formats


def test_the_response_rate_counts_complete_responses_and_flags_over_100(
    client, world, runner, tmp_path
):
    org, (area_a, area_b), (mine, other), now, users = world
    session_login(client, users["analyst"])
    page = client.get("/staff/resultater/r25/")
    rows = {
        text(name): text(cells)
        for name, cells in re.findall(r"<th scope=\"row\">(.*?)</th>(.*?)</tr>", page.text, re.S)
    }
    # 12 responses (2 partial), 8 borgere: 10 complete / 8 = 125 %, with a written warning.
    assert rows["Mit tilbud"] == f"12 0 0 2 8 125 % {WARNING}"
    assert rows["Andet tilbud"] == "6 0 0 0 20 30 %"  # 6 / 20, nothing to flag
    assert rows["Område A"].endswith(WARNING)
    assert "Deltagelse: " in text(page.text) and "dine tilbud" not in page.text
    wb = export(runner, tmp_path, "analyst@x.dk")
    rollout = {r["Tilbud"]: r for r in records(wb["Udrulning"]) if r["Tilbud"]}
    rate = "Svarprocent (færdige kioskbesvarelser / borgere)"
    assert rollout["Mit tilbud"][rate] == pytest.approx(1.25)
    assert rollout["Mit tilbud"]["Svar denne runde"] == 12
    assert rollout["Mit tilbud"]["Heraf delvise"] == 2
    assert rollout["Mit tilbud"]["Bemærkning"] == WARNING
    assert rollout["Andet tilbud"][rate] == pytest.approx(0.3)
    assert rollout["Andet tilbud"]["Bemærkning"] is None


def test_oversigt_states_the_rule_the_release_and_the_definitions(world, runner, tmp_path):
    org, areas, tilbud, now, users = world
    wb = export(runner, tmp_path, "analyst@x.dk")
    overview = {r[0]: r[1] for r in wb["Oversigt"].iter_rows(values_only=True) if r[0]}
    rule = overview["Regel"]
    assert rule.startswith("Grupper med færre end 5 svar vises ikke")
    assert "heller ikke på tværs af enheder, hjælp-filtre og tidligere udgivelser" in rule
    assert "endelige" in rule  # the round is closed: its final release
    week = date(2025, 12, 29).isocalendar()  # the Monday of the round's last week
    assert overview["Udgivelse: Borgere"].startswith(
        f"nr. 1: svar til og med uge {week[1]} {week[0]}, endelig"
    )
    for header in ("Andel positive", "Ændring (procentpoint)", "Svarprocent", THEME_COUNT):
        assert overview[header]
    assert overview["Besvarelser i alt pr. skema"] is None  # a heading, no "(dine tilbud)"
    assert overview["Borgere"] == 18  # the organisation: 12 + 6
    assert overview["Område A"] == 12


def test_rule_and_release_texts_of_a_release_still_running():
    running = Release(number=3, through_week=date(2025, 3, 17), final=False)
    running.published_on = date(2025, 3, 24)
    assert release_text(running) == (
        "nr. 3: svar til og med uge 12 2025, foreløbig (udgivet 24-03-2025)"
    )
    rule = rule_text(5, [running, None])
    assert rule.endswith(
        "Resultaterne er en udgivelse med svar til og med uge 12 2025; "
        "de opdateres højst én gang om ugen."
    )
    assert "ingen udgivelse" in rule_text(5, [None])
    assert release_text(None) == "Ingen udgivelse endnu"


def test_a_smaller_scope_sees_its_totals_called_yours(client, world, runner, tmp_path):
    org, (area_a, area_b), (mine, other), now, users = world
    session_login(client, users["area_lead"])
    page = text(client.get("/staff/resultater/r25/").text)
    assert "Deltagelse (dine tilbud): " in page
    assert "Andet tilbud" not in page
    wb = export(runner, tmp_path, "area_lead@x.dk")
    overview = {r[0]: r[1] for r in wb["Oversigt"].iter_rows(values_only=True) if r[0]}
    assert "Besvarelser i alt pr. skema (dine tilbud)" in overview
    assert "Deltagelse pr. specialområde (dine tilbud)" in overview
    assert overview["Borgere: Område A"] == 12
    assert "Borgere" not in overview and "Område B" not in overview


@pytest.mark.parametrize(
    ("value", "digits", "shown"), [(62.5, 0, 63), (57.49999999999999, 0, 58), (2.125, 2, 2.13)]
)
def test_rounding_is_the_spreadsheets(value, digits, shown):
    assert rounded(value, digits) == shown
