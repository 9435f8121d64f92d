"""The national workbook (web download and ``export-national``) read back with openpyxl:
exactly ``national_results``' numbers, hidden cells as text, the rollout; and the "Landsplan"
column in an operator's own results workbook."""

from datetime import date

import openpyxl
import pytest
from flask import current_app

from ordet.audit import AuditEvent
from ordet.auth.models import ADMIN, NATIONAL_ANALYST, Grant
from ordet.extensions import db
from ordet.national.figures import national_results
from ordet.national.presentation import all_columns
from ordet.national.rollout import rollout_rows

from . import national_data
from .staff_helpers import session_login
from .test_national_pages import SUPPRESSED, user_with

SHEETS = ["Landsplan", "Institutioner", "Driftsherrer", "Udrulning"]


@pytest.fixture
def world(app):
    return national_data.build()


def share(value):
    """A share as the workbook holds it: xlsx keeps 15 significant digits of a float."""
    return value if value is None else pytest.approx(value, rel=1e-12)


def expected_figures(results, node) -> list:
    row = []
    for column in all_columns(results):
        stats = column.at(node)
        hidden = stats.hidden
        row += [SUPPRESSED, SUPPRESSED] if hidden else [share(stats.positive_share), stats.scale_n]
    return row


def cells(ws) -> list[list]:
    return [[c.value for c in row] for row in ws.iter_rows()]


def check_workbook(path, world) -> None:
    results = national_results(world.national_round)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == SHEETS
    columns = all_columns(results)
    landsplan = cells(wb["Landsplan"])
    assert landsplan[0][4:6] == ["Andel positive", "svar på skalaen"]
    body = landsplan[1 : 1 + len(columns)]
    assert [row[2] for row in body] == [c.key for c in columns]
    for row, column in zip(body, columns, strict=True):
        stats = column.at(results.root)
        assert row[4:6] == (
            [SUPPRESSED] * 2 if stats.hidden else [share(stats.positive_share), stats.scale_n]
        )
    institutions = cells(wb["Institutioner"])
    header = institutions[0]
    assert header[:3] == ["Driftsherre", "Institution", "Besvarelser"]
    assert len(header) == 3 + 2 * len(columns)
    tree = results.tree
    by_name = {row[1]: row for row in institutions[1:]}
    assert set(by_name) == set(national_data.SIZES)
    for name, row in by_name.items():
        node = ("tilbud", world.tilbud[name].id)
        operator = tree.units[tree.parent[node]].name
        responses = results.responses[node]
        assert row[0] == operator
        assert row[2] == (SUPPRESSED if responses.hidden else responses.n)
        assert row[3:] == expected_figures(results, node)
    operators = cells(wb["Driftsherrer"])
    assert operators[0][:2] == ["Driftsherre", "Besvarelser"]
    for row in operators[1:]:
        node = next(k for k in tree.children[results.root] if tree.units[k].name == row[0])
        assert row[1] == results.responses[node].n
        assert row[2:] == expected_figures(results, node)
    assert {row[0] for row in operators[1:]} == set(national_data.OPERATORS)
    # Hidden cells are text cells, never numbers (Bakkegården has two answers).
    small = wb["Institutioner"]
    row = next(r for r in small.iter_rows(min_row=2) if r[1].value == "Bakkegården")
    assert {c.value for c in row[2:]} == {SUPPRESSED}
    assert {c.data_type for c in row[2:]} == {"s"}
    rollout = cells(wb["Udrulning"])
    expected = rollout_rows(date.today())
    assert len(rollout) == 1 + len(expected)
    for got, want in zip(rollout[1:], expected, strict=True):
        assert got[:6] == [
            want.operator,
            want.institution,
            want.planned_year,
            want.planned_quarter,
            want.national_round,
            want.rounds_held,
        ]
        assert want.released
        assert got[6] == (SUPPRESSED if want.responses is None else want.responses)
        with current_app.test_request_context():  # the labels are lazily translated
            assert got[7] == want.status_label
    small = next(r for r in rollout if r[1] == "Bakkegården")
    assert small[6] == SUPPRESSED  # hidden nationally: text, never a number


def test_download_is_the_national_figures_no_store_and_audited(client, world, tmp_path):
    analyst = user_with("land@danskeregioner.dk", Grant(role=NATIONAL_ANALYST))
    session_login(client, analyst)
    response = client.get(f"/staff/landsplan/{world.national_round.slug}/landsplan.xlsx")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "landsplan-sikrede-2025.xlsx" in response.headers["Content-Disposition"]
    path = tmp_path / "landsplan.xlsx"
    path.write_bytes(response.data)
    check_workbook(path, world)
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "export.national"))
    assert event is not None and event.user_id == analyst.id
    assert event.target == "national:sikrede-2025" and event.organisation_id is None


def test_cli_writes_the_same_workbook(runner, world, tmp_path):
    out = tmp_path / "landsplan.xlsx"
    done = runner.invoke(
        args=["export-national", "--round", world.national_round.slug, "--out", str(out)]
    )
    assert done.exit_code == 0, done.output
    check_workbook(out, world)


def test_cli_refuses_an_unknown_round_with_exit_1(runner, world, tmp_path):
    out = tmp_path / "x.xlsx"
    done = runner.invoke(args=["export-national", "--round", "findes-ikke", "--out", str(out)])
    assert done.exit_code == 1
    assert "Landsrunden findes ikke: findes-ikke" in done.output
    assert "sikrede-2025" in done.output  # what does exist
    assert not out.exists()
    missing = tmp_path / "nowhere" / "x.xlsx"
    done = runner.invoke(args=["export-national", "--round", "sikrede-2025", "--out", str(missing)])
    assert done.exit_code == 1 and "Mappen findes ikke" in done.output


def test_operator_workbook_has_a_landsplan_column(client, world, runner, tmp_path):
    results = national_results(world.national_round)
    root = results.root
    org = world.organisations["Region Øst"]
    session_login(client, user_with("admin@oest.dk", Grant(role=ADMIN, organisation_id=org.id)))
    for round_, taking_part in ((world.rounds["Region Øst"], True), (world.outsider_round, False)):
        out = tmp_path / f"{round_.slug}.xlsx"
        done = runner.invoke(args=["export-results", "--round", round_.slug, "--out", str(out)])
        assert done.exit_code == 0, done.output
        wb = openpyxl.load_workbook(out)
        sheet = cells(wb["Resultater Unge"])
        themes = cells(wb["Temaer"])
        if not taking_part:
            assert "Landsplan: andel positive" not in sheet[0] + themes[0]
            continue
        assert sheet[0][-1] == themes[0][-1] == "Landsplan: andel positive"
        for row in sheet[1:]:
            stats = results.questions[row[3]][root]
            assert row[-1] == (SUPPRESSED if stats.hidden else share(stats.positive_share))
        labels = {results.questionnaire.theme_label(k, "da"): k for k in results.theme_keys()}
        for row in themes[1:]:
            stats = results.themes[labels[row[4]]][root]
            assert row[-1] == (SUPPRESSED if stats.hidden else share(stats.positive_share))
