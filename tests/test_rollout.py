"""Rollout tracking 2025-2027 (issue 21, point 4): per institution its planned start, the
rounds held, the responses the national release shows, and the status, on dated rounds; the
page for the platform administrator and the national analyst only."""

import json
from datetime import date, timedelta

import pytest

from ordet.auth.models import ADMIN, ANALYST, AREA_LEAD, NATIONAL_ANALYST, TILBUD_LEAD, Grant
from ordet.extensions import db
from ordet.national.models import (
    Institution,
    NationalRelease,
    NationalReleaseCount,
    NationalReleaseTotal,
    NationalRound,
)
from ordet.national.rollout import DONE, PLANNED, RUNNING, rollout_rows
from ordet.results.linked import RESPONDENTS
from ordet.results.models import RESPONSES_KEY

from .factories import make_organisation, make_round, make_specialomraade, make_tilbud
from .staff_helpers import login, make_user

TODAY = date(2026, 6, 15)


def _national(slug: str, year: int) -> NationalRound:
    national = NationalRound(slug=slug, name=f"Sikrede {year}", year=year)
    db.session.add(national)
    db.session.flush()
    return national


def _round(tilbud, opens_on, closes_on, national=None, closed_early=False):
    round_ = make_round(tilbud, opens_on, closes_on, versions={"unge": 1})
    round_.national_round_id = national.id if national else None
    round_.closed_early = closed_early
    return round_


def _release(national, shown: dict, hidden: dict) -> None:
    """A national release as ``publish_national`` leaves one: respondents per institution,
    ``hidden`` ones hidden."""
    release = NationalRelease(
        national_round_id=national.id,
        number=1,
        published_on=TODAY,
        threshold=5,
        respondents=sum(shown.values()) + sum(hidden.values()),
        hidden_json=json.dumps([[RESPONDENTS, "tilbud", t.id] for t in hidden]),
    )
    db.session.add(release)
    db.session.flush()
    for tilbud, n in {**shown, **hidden}.items():
        db.session.add(
            NationalReleaseCount(
                release_id=release.id,
                tilbud_id=tilbud.id,
                question_key=RESPONSES_KEY,
                value="complete",
                count=n,
                operator_id=tilbud.specialomraade.organisation_id,
            )
        )
    operators = {t.specialomraade.organisation_id for t in {**shown, **hidden}}
    for operator in operators:
        db.session.add(
            NationalReleaseTotal(
                release_id=release.id,
                operator_id=operator,
                question_key=RESPONSES_KEY,
                value="complete",
                count=sum(
                    n
                    for t, n in {**shown, **hidden}.items()
                    if t.specialomraade.organisation_id == operator
                ),
            )
        )
    db.session.flush()


@pytest.fixture
def rollout(app):
    org = make_organisation("Region Sjælland")
    area = make_specialomraade(org, "Sikrede")
    names = ["Bakkegården", "Stevnsfortet", "Ikke Startet", "Senere", "Sidst På Året", "Lukket"]
    units = {name: make_tilbud(area, name, "unge") for name in names}
    plans = {
        "Bakkegården": (2025, 1),
        "Stevnsfortet": (2025, 2),
        "Ikke Startet": (2025, 1),
        "Senere": (2027, 4),
        "Sidst På Året": (2026, 4),
        "Lukket": (2026, 1),
    }
    for name, (year, quarter) in plans.items():
        db.session.add(
            Institution(tilbud_id=units[name].id, planned_year=year, planned_quarter=quarter)
        )
    first, second = _national("sikrede-2025", 2025), _national("sikrede-2026", 2026)
    b, s = units["Bakkegården"], units["Stevnsfortet"]
    _round([b, s], date(2025, 3, 1), date(2025, 5, 31), first)  # closed
    _round([b], date(2026, 6, 1), date(2026, 8, 31), second)  # open on TODAY
    _round([units["Ikke Startet"]], date(2025, 3, 1), date(2026, 12, 31))  # not national
    _round([units["Senere"]], date(2026, 9, 1), date(2026, 10, 31), second)  # not opened
    _round([units["Lukket"]], date(2026, 6, 1), date(2026, 8, 31), second, closed_early=True)
    # Another organisation's national round naming this one's tilbud is not its round.
    other = make_tilbud(make_specialomraade(make_organisation("Anden"), "X"), "Andet", "unge")
    stray = _round([other], date(2025, 3, 1), date(2026, 12, 31), first)
    stray.participants[0].tilbud_id = units["Ikke Startet"].id
    _release(first, {b: 9, s: 12}, {})
    _release(second, {}, {b: 3})
    db.session.commit()
    return units


def test_statuses_rounds_held_and_responses_on_dated_rounds(app, rollout):
    rows = {row.institution: row for row in rollout_rows(TODAY)}
    assert list(rows) == sorted(rows)  # one operator here: by name
    held = {name: (row.status, row.rounds_held, row.overdue) for name, row in rows.items()}
    assert held == {
        "Bakkegården": (RUNNING, 2, False),
        "Stevnsfortet": (DONE, 1, False),
        "Ikke Startet": (PLANNED, 0, True),  # 2025, 1st quarter passed without a round
        "Senere": (PLANNED, 0, False),  # its round opens later
        "Sidst På Året": (PLANNED, 0, False),  # the 4th quarter has not ended
        "Lukket": (DONE, 1, False),  # opened, then closed early
    }
    # Responses as the newest national release of the newest national round shows them:
    # Bakkegården's is the 2026 round's, which hides it; Stevnsfortet's the 2025 round's.
    assert rows["Bakkegården"].responses is None and rows["Bakkegården"].released
    assert rows["Stevnsfortet"].released and not rows["Senere"].released
    assert rows["Bakkegården"].national_round == "Sikrede 2026"
    assert rows["Stevnsfortet"].responses == 12
    assert rows["Ikke Startet"].responses is None and rows["Ikke Startet"].national_round is None
    with app.test_request_context():  # the labels are Danish per request
        assert rows["Stevnsfortet"].planned_label == "2025, 2. kvartal"
        assert rows["Stevnsfortet"].status_label == "Gennemført"
    assert rows["Stevnsfortet"].operator == "Region Sjælland"


def test_before_and_after_the_rollout_dates(rollout):
    early = {row.institution: row for row in rollout_rows(date(2025, 1, 15))}
    assert {row.status for row in early.values()} == {PLANNED}
    assert not any(row.overdue for row in early.values())
    later = {row.institution: row for row in rollout_rows(date(2027, 1, 5))}
    assert later["Sidst På Året"].overdue and later["Bakkegården"].status == DONE
    assert later["Senere"].status == DONE and not later["Senere"].overdue


def _page_world():
    today = date.today()
    org = make_organisation("Region Midtjylland")
    area = make_specialomraade(org, "Kriminalitet")
    grenen, koglen = make_tilbud(area, "Grenen", "unge"), make_tilbud(area, "Koglen", "unge")
    db.session.add(Institution(tilbud_id=grenen.id, planned_year=2025, planned_quarter=3))
    db.session.add(Institution(tilbud_id=koglen.id, planned_year=2025, planned_quarter=1))
    national = _national("sikrede-2025", 2025)
    _round([grenen], today - timedelta(days=5), today + timedelta(days=5), national)
    _release(national, {}, {grenen: 2})
    # A round under way in a national round with no release yet.
    kompasset = make_tilbud(area, "Kompasset", "unge")
    db.session.add(Institution(tilbud_id=kompasset.id, planned_year=2026, planned_quarter=1))
    later = _national("sikrede-2026", 2026)
    _round([kompasset], today - timedelta(days=5), today + timedelta(days=5), later)
    db.session.commit()
    return org, area, grenen


@pytest.mark.parametrize("who", ["platform", NATIONAL_ANALYST])
def test_the_rollout_page_for_the_platform_admin_and_the_national_analyst(app, client, who):
    _page_world()
    user = make_user(f"{who}@p.dk", ADMIN)
    if who == "platform":
        user.platform_admin = True
    else:
        user.grants.append(Grant(role=NATIONAL_ANALYST))
    db.session.commit()
    login(client, user.email)
    home = client.get("/staff/").text
    assert "/staff/landsplan/udrulning" in home  # in the navigation
    page = client.get("/staff/landsplan/udrulning")
    assert page.status_code == 200
    table = page.text.split("<table", 1)[1]
    assert "<caption>Institutioner i udrulningen</caption>" in table
    assert '<th scope="col">Planlagt start</th>' in table and '<th scope="row">Grenen</th>' in table
    assert "2025, 3. kvartal" in table and "Region Midtjylland" in table
    assert "For få svar" in table  # Grenen's respondents are hidden
    assert "Ikke offentliggjort endnu" in table  # Kompasset's round has no national release
    assert "I gang" in table and "Planlagt" in table
    assert "Forsinket" in table  # Koglen: 2025, 1st quarter, and no round


@pytest.mark.parametrize("role", [ADMIN, ANALYST, AREA_LEAD, TILBUD_LEAD])
def test_organisation_roles_do_not_see_the_rollout(app, client, role):
    org, area, grenen = _page_world()
    make_user("rolle@rm.dk", role, {ADMIN: org, ANALYST: org, AREA_LEAD: area}.get(role, grenen))
    login(client, "rolle@rm.dk")
    response = client.get("/staff/landsplan/udrulning")
    assert response.status_code == 403 and "Grenen" not in response.text
    assert "/staff/landsplan/udrulning" not in client.get("/staff/").text
