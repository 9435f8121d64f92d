"""The raw data CSV read back with ``csv``, its permission and audit; the workbook's tables."""

import csv
import io
import json
from collections import Counter

import openpyxl
import pytest

from ordet.answering.models import Response
from ordet.audit import AuditEvent
from ordet.extensions import db
from ordet.results.aggregate import round_results

from .results_data import make_response
from .staff_helpers import make_user, session_login
from .test_export import (
    export,
    rows_of,
    world,  # noqa: F401 (the fixture, used by ``data``)
)

RISKY = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def data(world):  # noqa: F811 (test_export's fixture under a name of this module)
    return world


def read_csv(data: bytes) -> list[dict]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Danish Excel needs for UTF-8
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def export_csv(runner, tmp_path, *extra) -> tuple[list[dict], list[dict]]:
    out = tmp_path / "r.csv"
    result = runner.invoke(args=["export-results", "--round", "r25", "--out", str(out), *extra])
    assert result.exit_code == 0, result.output
    legend = read_csv((tmp_path / "r-forklaring.csv").read_bytes())
    return read_csv(out.read_bytes()), legend


def unmark(value: str) -> str:
    """The documented reversal: a value beginning with ' had exactly one added."""
    return value[1:] if value.startswith("'") else value


def expected_rows(results) -> Counter:
    """(specialområde, tilbud, answers) of every response of the release, each under the
    nearest unit the release shows, without the help questions and free text."""
    tree = results.tree
    dropped = {"hjaelp", "hjaelp_hvordan", "andet"}
    responses = db.session.scalars(
        db.select(Response).where(
            Response.round_id == results.round.id,
            Response.status.in_(("complete", "partial")),
            Response.answered_week <= results.release.through_week,
        )
    )
    expected = Counter()
    for r in responses:
        node = ("tilbud", r.tilbud_id)
        area = tree.parent[node]
        shown = not results.responses[node].hidden
        area_name = tree.units[area].name if shown or not results.responses[area].hidden else ""
        answers = frozenset(
            (a.question_key, a.value) for a in r.answers if a.question_key not in dropped
        )
        expected[(area_name, tree.units[node].name if shown else "", answers)] += 1
    return expected


def test_raw_csv_has_one_row_per_response_of_the_release_under_shown_units(data, runner, tmp_path):
    org, areas, (big, small, other), now, analyst, lead = data
    make_response(now, other, {"tryg": "nej", "andet": "'citat"}, status="partial")
    db.session.commit()
    rows, legend = export_csv(runner, tmp_path, "--scope", "a@x.dk")
    results = round_results(now, "borger")
    assert results.responses[("tilbud", small.id)].hidden
    assert not results.responses[("tilbud", other.id)].hidden
    assert list(rows[0])[:4] == ["Skema", "Nr.", "Specialområde", "Tilbud"]
    questions = list(rows[0])[4:]
    assert not {"hjaelp", "hjaelp_hvordan", "andet", "Dato", "Status", "Sprog"} & set(rows[0])
    got = Counter(
        (
            row["Specialområde"],
            row["Tilbud"],
            frozenset((k, unmark(row[k])) for k in questions if row[k] != ""),
        )
        for row in rows
    )
    assert got == expected_rows(results)
    assert "Lille tilbud" not in {row["Tilbud"] for row in rows}
    assert {row["Skema"] for row in rows} == {"Borgere"}
    codes = {(r["Nøgle"], r["Kode"]) for r in legend}
    assert ("tryg", "ja") in codes and ("tryg", "ved_ikke") in codes
    notes = " ".join(r["Betydning"] for r in legend)
    assert "Udgivelse 1" in notes and "kommet siden" in notes


def test_raw_csv_starts_no_value_like_a_formula(data, runner, tmp_path):
    org, areas, (big, small, other), now, analyst, lead = data
    other.name = "=Andet tilbud"  # a name an admin typed: shown as text, never a formula
    db.session.commit()
    rows, legend = export_csv(runner, tmp_path)
    assert "'=Andet tilbud" in {row["Tilbud"] for row in rows}
    for row in [*rows, *legend]:
        for value in row.values():
            assert not value.startswith(RISKY), value
    assert any("fået et ' foran" in r["Betydning"] for r in legend)


def test_raw_csv_keeps_error_literals_and_control_characters_as_text(data, runner, tmp_path):
    # Issue 18, point 4: Excel reads "#N/A" in a CSV as an error value; a control character
    # becomes its Control Picture, as in the workbook.
    org, areas, (big, small, other), now, analyst, lead = data
    other.name = "#N/A"
    areas[1].name = "Område\x0bB"
    db.session.commit()
    rows, _legend = export_csv(runner, tmp_path)
    assert "'#N/A" in {row["Tilbud"] for row in rows}
    assert "Område\u240bB" in {row["Specialområde"] for row in rows}
    assert "#N/A" in {unmark(row["Tilbud"]) for row in rows}


def test_raw_csv_needs_the_raw_permission_and_each_export_is_audited(data, client):
    org, areas, (big, small, other), now, analyst, lead = data
    tilbud_lead = make_user("t@x.dk", "tilbud_lead", other)
    for user in (tilbud_lead, lead):
        session_login(client, user)
        assert client.get("/staff/eksport/r25/raadata.csv").status_code == 403
        assert client.get("/staff/eksport/r25/raadata-forklaring.csv").status_code == 403
        page = client.get(f"/staff/resultater/r25/borger/?enhed=tilbud:{other.slug}")
        assert "raadata.csv" not in page.text
    session_login(client, analyst)
    page = client.get("/staff/resultater/r25/borger/")
    assert page.status_code == 200 and "/staff/eksport/r25/raadata.csv" in page.text
    response = client.get("/staff/eksport/r25/raadata.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "r25-raadata.csv" in response.headers["Content-Disposition"]
    rows = read_csv(response.data)
    assert rows and "Andet tilbud" in {r["Tilbud"] for r in rows}
    assert "Lille tilbud" not in {r["Tilbud"] for r in rows}
    legend = client.get("/staff/eksport/r25/raadata-forklaring.csv")
    assert legend.status_code == 200 and read_csv(legend.data)
    assert client.get("/staff/eksport/r25.xlsx?raadata=1&kommentarer=1").status_code == 200
    assert client.get("/staff/eksport/findes-ikke/raadata.csv").status_code == 404
    events = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.user_id == analyst.id).order_by(AuditEvent.id)
    ).all()
    exports = [(e.action, e.target) for e in events if e.action.startswith("export.")]
    assert exports == [("export.raw_csv", "round:r25"), ("export.results", "round:r25")]
    raw_event = next(e for e in events if e.action == "export.raw_csv")
    assert json.loads(raw_event.detail)["rows"] == len(rows)


def test_cli_csv_refused_for_a_scope_without_raw_permission_leaves_no_file(data, runner, tmp_path):
    out = tmp_path / "r.csv"
    result = runner.invoke(
        args=["export-results", "--round", "r25", "--out", str(out), "--scope", "b@x.dk"]
    )
    assert result.exit_code != 0 and "rådata" in result.output, result.output
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".csv"]


@pytest.mark.parametrize(
    "sheet",
    ["Resultater Borgere", "Udrulning", "Spørgsmål", "Temaer", "Rådata Borgere", "Forklaring"],
)
def test_list_sheets_are_excel_tables_with_their_own_filter(data, runner, tmp_path, sheet):
    wb, out = export(runner, tmp_path, "--raw", "--comments")
    ws = wb[sheet]
    headers, rows = rows_of(ws)
    (table,) = ws.tables.values()
    data_rows = [r for r in rows if r[0] is not None and "Status:" not in str(r[0])]
    if sheet == "Forklaring":
        data_rows = rows
    last = len(data_rows) + 1
    assert table.ref.startswith("A1:") and table.ref.endswith(str(last))
    assert table.autoFilter.ref == table.ref and ws.auto_filter.ref is None
    assert [c.name for c in table.tableColumns] == list(headers)
    assert ws.freeze_panes == "A2"
    if sheet == "Resultater Borgere":
        column = headers.index("Andel positive") + 1
        formats = {ws.cell(row=r, column=column).number_format for r in range(2, last + 1)}
        assert "0%" in formats
    if sheet == "Udrulning":  # the status rule sits below the table, outside it
        assert any("Status:" in str(r[0]) for r in rows[len(data_rows) :])
    names = [t.displayName for s in wb for t in s.tables.values()]
    assert len(names) == len(set(names))
    openpyxl.load_workbook(out, read_only=True).close()
