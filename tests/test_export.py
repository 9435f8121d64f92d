"""The workbook read back with openpyxl: every sheet's numbers against the results functions."""

import os
import shutil
import subprocess
from collections import Counter
from datetime import date

import openpyxl
import pytest

from ordet.audit import AuditEvent
from ordet.auth.models import Grant, User
from ordet.extensions import db
from ordet.results.aggregate import round_results

from .factories import make_organisation, make_round, make_specialomraade, make_tilbud
from .results_data import generate, make_response
from .staff_helpers import session_login

# What a borger can type, and the text the workbook must hold for it (writer.py's docstring).
TYPED = {
    **{literal: literal for literal in ["#DIV/0!", "#N/A", "#REF!", "#VALUE!", "#NAME?"]},
    "#NULL!": "#NULL!",
    "#NUM!": "#NUM!",
    "før\x0befter": "før\u240befter",
    "klokke\x07 og side\x0c": "klokke\u2407 og side\u240c",
    "\x1b[31mrød": "\u241b[31mrød",
    "linje 1\nlinje 2\tfane": "linje 1\nlinje 2\tfane",
    "ikke xml \uffff": "ikke xml \ufffd",
}
INJECTIONS = ['=HYPERLINK("http://evil","klik")', "@SUM(1)", "+45 1234", "-2+3", "\tTab"]


@pytest.fixture
def world(app):
    org = make_organisation(threshold=5)
    area_a, area_b = make_specialomraade(org, "Område A"), make_specialomraade(org, "Område B")
    big, small = make_tilbud(area_a, "Stort tilbud"), make_tilbud(area_a, "Lille tilbud")
    other = make_tilbud(area_b, "Andet tilbud")
    last = make_round([big, small, other], date(2024, 1, 1), date(2024, 12, 31), slug="r24")
    now = make_round([big, small, other], date(2025, 1, 1), date(2025, 12, 31), slug="r25")
    generate(last, {big: 15, other: 10}, seed=3)
    generate(now, {big: 25, small: 3, other: 12}, seed=4)
    for text in INJECTIONS:
        make_response(now, other, {"tryg": "ja", "andet": text})
    analyst = User(email="a@x.dk", name="Anna")
    analyst.grants.append(Grant(role="analyst", organisation_id=org.id))
    lead = User(email="b@x.dk", name="Bo")
    lead.grants.append(Grant(role="area_lead", specialomraade_id=area_b.id))
    db.session.add_all([analyst, lead])
    db.session.commit()
    return org, (area_a, area_b), (big, small, other), now, analyst, lead


def export(runner, tmp_path, *extra):
    out = tmp_path / "r.xlsx"
    result = runner.invoke(args=["export-results", "--round", "r25", "--out", str(out), *extra])
    assert result.exit_code == 0, result.output
    return openpyxl.load_workbook(out), out


def rows_of(ws):
    rows = list(ws.iter_rows(values_only=True))
    return rows[0], rows[1:]


def test_results_sheet_matches_the_results_functions_suppressed_cells_included(
    world, runner, tmp_path
):
    org, areas, (big, small, other), now, analyst, lead = world
    wb, _out = export(runner, tmp_path, "--scope", "a@x.dk")
    assert {
        "Oversigt",
        "Udrulning",
        "Resultater Borgere",
        "Temaer",
        "Spørgsmål",
        "Diagrammer",
    } <= set(wb.sheetnames)
    headers, rows = rows_of(wb["Resultater Borgere"])
    results = round_results(now, "borger")
    names = {u.name: u for u in results.tree.units.values()}
    checked = hidden = 0
    for row in rows:
        record = dict(zip(headers, row, strict=True))
        cell = results.questions[record["Nøgle"]][names[record["Enhed"]].key]
        if cell.hidden:
            hidden += 1
            assert record["Antal svar i alt"] == "For få svar" == record["Andel positive"]
            continue
        checked += 1
        assert record["Antal svar i alt"] == cell.n
        assert record["Antal svar på skalaen"] == cell.scale_n
        assert record["Antal: Nej"] == cell.counts.get("nej", 0)
        assert record["Andel positive"] == pytest.approx(cell.positive_share)
        assert record["Gennemsnit"] == pytest.approx(cell.mean)
    assert checked and hidden  # both kinds present: the small tilbud and its sibling
    theme_headers, theme_rows = rows_of(wb["Temaer"])
    for row in theme_rows:
        record = dict(zip(theme_headers, row, strict=True))
        if record["Skema"] != "Borgere":
            continue
        key = next(
            k
            for k in results.theme_keys()
            if results.questionnaire.theme_label(k, "da") == record["Tema"]
        )
        cell = results.themes[key][names[record["Enhed"]].key]
        expected = "For få svar" if cell.hidden else cell.scale_n  # the count behind the share
        assert record["Antal svar på skalaen (svar, ikke personer)"] == expected
    ws = wb["Resultater Borgere"]
    assert ws.freeze_panes == "A2" and ws.tables  # the table carries the filter
    assert wb.properties.title.startswith("Ordet er dit")


def test_udrulning_and_oversigt(world, runner, tmp_path):
    org, areas, (big, small, other), now, analyst, lead = world
    wb, _out = export(runner, tmp_path)
    headers, rows = rows_of(wb["Udrulning"])
    by_name = {r[2]: dict(zip(headers, r, strict=True)) for r in rows if r[2]}
    finished = lambda t: db.session.scalar(  # noqa: E731
        db.select(db.func.count())
        .select_from(db.text("response"))
        .where(db.text(f"tilbud_id = {t.id} and round_id = {now.id} and status != 'draft'"))
    )
    assert by_name["Stort tilbud"]["Svar denne runde"] == finished(big)
    assert by_name["Lille tilbud"]["Status"] in ("i gang", "ikke startet", "implementeret")
    assert any("Status:" in str(r[0]) for r in rows if r[0])
    overview = {r[0]: r[1] for r in wb["Oversigt"].iter_rows(values_only=True)}
    assert overview["Anonymitetsgrænse"] == 5


def test_comments_are_plain_text_never_formulas_and_audited(world, runner, tmp_path):
    wb, out = export(runner, tmp_path, "--comments", "--raw")
    headers, rows = rows_of(wb["Kommentarer"])
    texts = [r[headers.index("Kommentar")] for r in rows]
    for text in INJECTIONS:
        assert text in texts
    raw_headers, _raw_rows = rows_of(wb["Rådata Borgere"])
    assert "andet" not in raw_headers  # free text only in the comments sheet
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    assert (
        db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "export.results"))
        is not None
    )


def test_any_text_a_borger_types_exports_as_that_text(world, runner, tmp_path):
    # Issue 18, point 4: "\x0b" made the workbook a 500, "#DIV/0!" became an error cell.
    org, areas, (big, small, other), now, analyst, lead = world
    for text in TYPED:
        make_response(now, other, {"tryg": "ja", "andet": text})
    areas[1].name = "Område\x0bB"  # an admin's typing goes through the same writer
    other.name = "#N/A"
    db.session.commit()
    wb, _out = export(runner, tmp_path, "--comments", "--raw")
    ws = wb["Kommentarer"]
    column = [cell.value for cell in ws[1]].index("Kommentar")
    cells = {row[column].value: row[column] for row in ws.iter_rows(min_row=2)}
    for typed, shown in TYPED.items():
        assert shown in cells, typed
        assert cells[shown].data_type == "s", typed
    names = {cell.value for ws in wb for row in ws.iter_rows() for cell in row}
    assert {"Område\u240bB", "#N/A"} <= names
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type not in ("e", "f"), (ws.title, cell.coordinate, cell.value)


def test_scope_bounds_the_workbook(world, runner, tmp_path):
    wb, _out = export(runner, tmp_path, "--scope", "b@x.dk")
    _h, rows = rows_of(wb["Resultater Borgere"])
    units = {r[1] for r in rows}
    assert units == {"Område B", "Andet tilbud"}
    assert "Rådata Borgere" not in wb.sheetnames
    result = runner.invoke(
        args=[
            "export-results",
            "--round",
            "r25",
            "--out",
            str(tmp_path / "x.xlsx"),
            "--scope",
            "b@x.dk",
            "--raw",
        ]
    )
    assert result.exit_code != 0 and not (tmp_path / "x.xlsx").exists()


def test_raw_data_is_k_anonymous_and_counts_what_the_tables_publish(world, runner, tmp_path):
    """ANONYMITY.md case 11: k >= 5; no time, comments or help answer; shuffled; per-unit
    counts equal the published n."""
    org, areas, (big, small, other), now, analyst, lead = world
    wb, _out = export(runner, tmp_path, "--scope", "a@x.dk", "--raw")
    headers, rows = rows_of(wb["Rådata Borgere"])
    assert headers[:3] == ("Nr.", "Specialområde", "Tilbud")
    for absent in ("Dato", "Uge", "Kanal", "Sprog", "Status", "hjaelp", "hjaelp_hvordan", "andet"):
        assert absent not in headers
    results = round_results(now, "borger")
    groups = Counter((r[1] or "", r[2] or "") for r in rows)
    assert min(groups.values()) >= 5  # k-anonymity over everything a row says of its unit
    for (_area, tilbud_name), n in groups.items():
        if tilbud_name:  # a shown tilbud: exactly its published number of respondents
            unit = next(u for u in results.tree.units.values() if u.name == tilbud_name)
            assert not results.responses[unit.key].hidden
            assert n == results.responses[unit.key].n
    assert "Lille tilbud" not in {r[2] for r in rows}  # 3 respondents: never named
    assert len(rows) == results.responses[results.tree.root.key].n
    # Numbered 1..n in a new random order each time.
    assert sorted(r[0] for r in rows) == list(range(1, len(rows) + 1))
    wb2, _out2 = export(runner, tmp_path, "--scope", "a@x.dk", "--raw")
    _h, again = rows_of(wb2["Rådata Borgere"])
    assert [r[3:] for r in rows] != [r[3:] for r in again]
    assert "Forklaring" in wb.sheetnames


@pytest.mark.parametrize("args", [["--round", "nope"], ["--round", "r25", "--scope", "ingen@x.dk"]])
def test_bad_cli_input_exits_non_zero_and_writes_nothing(world, runner, tmp_path, args):
    out = tmp_path / "o.xlsx"
    result = runner.invoke(args=["export-results", *args, "--out", str(out)])
    assert result.exit_code != 0 and not out.exists()
    bad = runner.invoke(
        args=[
            "export-results",
            "--round",
            "r25",
            "--out",
            str(tmp_path / "no" / "such" / "dir.xlsx"),
        ]
    )
    assert bad.exit_code != 0 and "findes ikke" in bad.output
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".xlsx")]


def test_download_from_the_web_within_scope(world, client):
    org, areas, tilbud, now, analyst, lead = world
    session_login(client, lead)
    response = client.get("/staff/eksport/r25.xlsx")
    assert response.status_code == 200
    assert response.data[:2] == b"PK"
    assert client.get("/staff/eksport/findes-ikke.xlsx").status_code == 404
    assert client.get("/staff/eksport/r25.xlsx?raadata=1").status_code == 403


def test_libreoffice_opens_and_converts_the_workbook(world, runner, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set but soffice is missing (make system-deps installs it)")
        pytest.skip("LibreOffice (soffice) not installed")
    _wb, out = export(runner, tmp_path, "--comments", "--raw")
    profile = tmp_path / "lo-profile"
    for fmt in ("pdf", "csv"):
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                fmt,
                "--outdir",
                str(tmp_path / fmt),
                str(out),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    assert (tmp_path / "pdf" / "r.pdf").stat().st_size > 1000
    csv_text = (tmp_path / "csv" / "r.csv").read_text("utf-8", errors="replace")
    assert "Runde" in csv_text  # the first sheet (Oversigt)
