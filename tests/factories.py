"""Test data built through the real models and services."""

import re
from datetime import date, timedelta

from ordet.extensions import db
from ordet.kiosk.services import create_enrolment_code
from ordet.org.models import Organisation, Specialomraade, Tilbud
from ordet.rounds.models import Round, RoundQuestionnaire, RoundTilbud

_counter = {"n": 0}


def _next() -> int:
    _counter["n"] += 1
    return _counter["n"]


def make_organisation(name: str | None = None, threshold: int = 5) -> Organisation:
    n = _next()
    org = Organisation(
        slug=f"org-{n}", name=name or f"Organisation {n}", anonymity_threshold=threshold
    )
    db.session.add(org)
    db.session.flush()
    return org


def make_specialomraade(organisation: Organisation | None = None, name: str | None = None):
    organisation = organisation or make_organisation()
    n = _next()
    area = Specialomraade(
        organisation_id=organisation.id, slug=f"omraade-{n}", name=name or f"Specialområde {n}"
    )
    db.session.add(area)
    db.session.flush()
    return area


def make_tilbud(area: Specialomraade | None = None, name: str | None = None, variant="borger"):
    area = area or make_specialomraade()
    n = _next()
    tilbud = Tilbud(
        specialomraade_id=area.id,
        slug=f"tilbud-{n}",
        name=name or f"Tilbud {n}",
        kiosk_variant=variant,
    )
    db.session.add(tilbud)
    db.session.flush()
    return tilbud


def make_round(
    tilbud: list[Tilbud],
    opens_on: date | None = None,
    closes_on: date | None = None,
    slug: str | None = None,
    versions: dict[str, int] | None = None,
) -> Round:
    today = date.today()
    n = _next()
    organisation_id = tilbud[0].specialomraade.organisation_id
    round_ = Round(
        organisation_id=organisation_id,
        slug=slug or f"runde-{n}",
        name=f"Runde {n}",
        opens_on=opens_on or today - timedelta(days=10),
        closes_on=closes_on or today + timedelta(days=30),
    )
    versions = versions or {"borger": 1, "unge": 1, "paaroerende": 1}
    round_.questionnaires = [RoundQuestionnaire(variant=v, version=n) for v, n in versions.items()]
    round_.participants = [RoundTilbud(tilbud_id=t.id, borgere_served=20) for t in tilbud]
    db.session.add(round_)
    db.session.flush()
    return round_


def enrolment_code(tilbud: Tilbud) -> str:
    code = create_enrolment_code(tilbud, date.today(), days=14)
    db.session.commit()
    return code


CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def enrol(client, tilbud: Tilbud) -> None:
    """Enrol ``client`` as a kiosk tablet of ``tilbud`` through the real form."""
    code = enrolment_code(tilbud)
    page = client.get("/kiosk/tilmeld")
    response = client.post(
        "/kiosk/tilmeld", data={"code": code, "label": "Test", "csrf_token": csrf_from(page.text)}
    )
    assert response.status_code == 302, response.text
