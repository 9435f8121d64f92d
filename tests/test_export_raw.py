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
    INJECTIONS,
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


def expected_rows(round_, shown: set[int]) -> Counter:
    """(tilbud id, status, date, answers) of every finished response in the shown groups."""
    responses = db.session.scalars(
        db.select(Response).where(
            Response.round_id == round_.id, Response.status.in_(("complete", "partial"))
        )
    )
    return Counter(
        (
            r.tilbud_id,
            r.status,
            r.answered_on.isoformat(),
            frozenset((a.question_key, a.value) for a in r.answers),
        )
        for r in responses
        if r.tilbud_id in shown
    )


def test_raw_csv_has_one_row_per_finished_response_in_shown_groups(data, runner, tmp_path):
    org, areas, (big, small, other), now, analyst, lead = data
    make_response(now, other, {"tryg": "nej", "andet": "'citat"}, status="partial")
    db.session.commit()
    rows, legend = export_csv(runner, tmp_path, "--scope", "a@x.dk")
    results = round_results(now, "borger")
    shown = {
        u.id
        for u in results.tree.units.values()
        if u.kind == "tilbud" and not results.responses[u.key].hidden
    }
    assert small.id not in shown and other.id in shown
    by_name = {t.name: t.id for t in (big, small, other)}
    questions = [
        k
        for k in rows[0]
        if k
        not in (
            "Skema",
            "Nr.",
            "Specialområde",
            "Tilbud",
            "Version",
            "Kanal",
            "Sprog",
            "Status",
            "Dato",
        )
    ]
    got = Counter(
        (
            by_name[row["Tilbud"]],
            row["Status"],
            row["Dato"],
            frozenset((k, unmark(row[k])) for k in questions if row[k] != ""),
        )
        for row in rows
    )
    assert got == expected_rows(now, shown)
    assert {row["Status"] for row in rows} == {"complete", "partial"}
    assert {row["Skema"] for row in rows} == {"Borgere"}
    codes = {(r["Nøgle"], r["Kode"]) for r in legend}
    assert ("tryg", "ja") in codes and ("tryg", "ved_ikke") in codes


def test_raw_csv_marks_formulas_with_a_quote_and_nothing_else_starts_like_one(
    data, runner, tmp_path
):
    org, areas, (big, small, other), now, analyst, lead = data
    make_response(now, other, {"tryg": "ja", "andet": "'citat"})
    db.session.commit()
    rows, legend = export_csv(runner, tmp_path)
    texts = [row["andet"] for row in rows if row["andet"]]
    for text in INJECTIONS:
        assert "'" + text in texts
    assert "''citat" in texts and unmark("''citat") == "'citat"
    for row in [*rows, *legend]:
        for value in row.values():
            assert not value.startswith(RISKY), value
    assert any("fået et ' foran" in r["Betydning"] for r in legend)


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
    assert rows and {r["Tilbud"] for r in rows} == {"Andet tilbud"}
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
