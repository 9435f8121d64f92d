"""Organisation as the tenant boundary: every staff route × every role of organisation B ×
organisation A's objects.

A user of B (each role, and the platform administrator who is also B's admin) asks for A's
tilbud, areas, rounds, tablets, invitations, recordings, users, grants, comments and exports:
the answer is 403 or 404, it names nothing of A, and nothing in the database changes. Routes
come from ``app.url_map``; every staff endpoint must be listed in ``ROUTES`` with how it names
A's objects, so a new route fails here until someone says how it is checked.
"""

from datetime import date

import pytest

from ordet.audit import record_event
from ordet.auth.models import ADMIN, ANALYST, AREA_LEAD, TILBUD_LEAD, Grant
from ordet.extensions import db
from ordet.invitations.models import Invitation
from ordet.read_aloud.models import QuestionAudio

from .factories import make_organisation, make_round, make_specialomraade, make_tilbud
from .staff_helpers import login, make_user
from .test_scope_matrix import PUBLIC, _comment, _device, _url, staff_rules

URL = "A's ids in the URL"
LIST = "a list or form: must not name A"
# The national level: the platform administrator's across organisations (it names every
# organisation's tilbud to register institutions, and the rollout's institutions); every
# organisation role is refused outright.
NATIONAL = "national: platform administrator only (names across organisations), 403 to others"
ROUTES = {
    "admin.home": LIST,
    "admin.overview": LIST,
    "admin.audit": LIST,
    "admin.users": LIST,
    "admin.users_new": LIST,
    "admin.users_edit": URL,
    "admin.users_active": URL,
    "admin.users_comments": URL,
    "admin.users_withdraw": URL,
    "admin.organisation": LIST,
    "admin.organisation_new": LIST,
    "admin.organisation_edit": URL,
    "admin.organisation_edit_area_new": URL,
    "admin.area_edit": URL,
    "admin.area_edit_tilbud_new": URL,
    "admin.tilbud_edit": URL,
    "admin.rounds": LIST,
    "admin.rounds_new": LIST,
    "admin.rounds_edit": URL,
    "admin.rounds_status": URL,
    "admin.rounds_national": URL,
    "admin.kiosks": LIST,
    "admin.kiosks_tilbud": URL,
    "admin.kiosks_code": URL,
    "admin.kiosks_pin": URL,
    "admin.kiosks_revoke": URL,
    "admin.kiosks_discard_kept": URL,
    "admin.audio": LIST,
    "admin.audio_question": URL,
    "admin.audio_delete": URL,
    "invitations.overview": LIST,
    "invitations.pilot": LIST,
    "invitations.template": LIST,
    "invitations.tilbud": URL,
    "invitations.import_": URL,
    "invitations.plan": URL,
    "invitations.preview": URL,
    "results.index": LIST,
    "results.overview": URL,
    "results.unit": URL,
    "results.comments": URL,
    "results.redact_comment": URL,
    "export.download": URL,
    "export.raw_csv": URL,
    "export.raw_legend": URL,
    # The national results pages (the national analyst's and the platform administrator's).
    "national.index": NATIONAL,
    "national.round_page": NATIONAL,
    "national.download": NATIONAL,
    "sso.admin": URL,
    "sso.admin_oidc": URL,
    "sso.admin_saml": URL,
    "sso.admin_passwords": URL,
    "sso.admin_rotate": URL,
    "national_admin.rollout": NATIONAL,
    "national_admin.rounds": NATIONAL,
    "national_admin.institutions": NATIONAL,
    "national_admin.institutions_plan": NATIONAL,
    "national_admin.institutions_remove": NATIONAL,
    "national_admin.analysts": NATIONAL,
    "national_admin.analysts_withdraw": NATIONAL,
}
PLATFORM = "platform"  # the platform administrator, also B's admin
PLATFORM_ONLY = "platform-only"  # the platform administrator with no grant at all
B_ROLES = (ADMIN, ANALYST, AREA_LEAD, TILBUD_LEAD, PLATFORM, PLATFORM_ONLY)
# What a user of B might post to a list route to reach into A (filled with A's ids).
FORM_ATTACKS = {
    "admin.users_new": lambda a: {
        "email": "ny@b.dk",
        "name": "Ny",
        "role": ADMIN,
        "scope": f"organisation:{a['organisation_id'].id}",
    },
    "admin.rounds_new": lambda a: {
        "name": "Indbrud",
        "organisation_id": str(a["organisation_id"].id),
        "opens_on": "01-01-2030",
        "closes_on": "01-02-2030",
    },
}
MARKERS = [
    "Tenant-A-Org",
    "Tenant-A-Omraade",
    "Tenant-A-Tilbud",
    "Tenant-A-Runde",
    "Tenant-A-Tablet",
    "tenant-a-bruger@a.dk",
    "Tenant-A-Navn",
    "tenant-a-paaroerende@a.dk",
]


@pytest.fixture
def world(app):
    org_a = make_organisation("Tenant-A-Org")
    area_a = make_specialomraade(org_a, "Tenant-A-Omraade")
    tilbud_a = make_tilbud(area_a, "Tenant-A-Tilbud")
    round_a = make_round([tilbud_a])
    round_a.name = "Tenant-A-Runde"
    device_a = _device(tilbud_a)
    device_a.label = "Tenant-A-Tablet"
    org_b = make_organisation("Org-B")
    area_b = make_specialomraade(org_b, "Omraade-B")
    tilbud_b = make_tilbud(area_b, "Tilbud-B")
    round_b = make_round([tilbud_b])
    device_b = _device(tilbud_b)
    db.session.add(
        Invitation(
            round_id=round_a.id,
            tilbud_id=tilbud_a.id,
            email="tenant-a-paaroerende@a.dk",
            name="Tenant-A-Navn",
            invited_on=date.today(),
        )
    )
    db.session.add(
        QuestionAudio(
            organisation_id=org_a.id,
            questionnaire="borger",
            questionnaire_version=1,
            question_key="tryg",
            language="da",
            mimetype="audio/wav",
            size=4,
            digest="0" * 64,
            uploaded_on=date.today(),
            data=b"RIFF",
        )
    )
    db.session.commit()
    user_a = make_user("tenant-a-bruger@a.dk", TILBUD_LEAD, tilbud_a, name="Tenant-A-Navn")
    user_a.grants.append(Grant(role=ADMIN, organisation_id=org_a.id))
    record_event(
        user_a.id,
        "user.invite",
        f"user:{user_a.id}",
        {"email": "tenant-a-bruger@a.dk"},
        organisation_id=org_a.id,
    )
    db.session.commit()
    users = {
        ADMIN: make_user("admin@b.dk", ADMIN, org_b),
        ANALYST: make_user("analyst@b.dk", ANALYST, org_b),
        AREA_LEAD: make_user("area@b.dk", AREA_LEAD, area_b),
        TILBUD_LEAD: make_user("lead@b.dk", TILBUD_LEAD, tilbud_b),
        PLATFORM: make_user("platform@b.dk", ADMIN, org_b),
        PLATFORM_ONLY: make_user("platform-only@p.dk", ADMIN),
    }
    users[PLATFORM].platform_admin = users[PLATFORM_ONLY].platform_admin = True
    user_b = make_user("bruger@b.dk", TILBUD_LEAD, tilbud_b)
    user_b.grants.append(Grant(role=ANALYST, organisation_id=org_b.id))
    db.session.commit()
    b = {
        "organisation_id": org_b,
        "area_id": area_b,
        "tilbud_id": tilbud_b,
        "device_id": device_b,
        "round_id": round_b,
        "round_slug": round_b,
        "slug": round_b,
        "tilbud_slug": tilbud_b,
        "user_id": user_b,
        "grant_id": user_b.grants[0],
        "ref": _comment(round_b, tilbud_b),
    }
    a = {
        "organisation_id": org_a,
        "area_id": area_a,
        "tilbud_id": tilbud_a,
        "device_id": device_a,
        "round_id": round_a,
        "round_slug": round_a,
        "slug": round_a,
        "tilbud_slug": tilbud_a,
        "user_id": user_a,
        "grant_id": user_a.grants[0],
        "ref": _comment(round_a, tilbud_a),
        "variant": "borger",
        "questionnaire": "borger",
        "version": "1",
        "question": "tryg",
        "national_slug": "tenant-a-landsrunde",
    }
    return {"users": users, "a": a, "b": b}


def _snapshot():
    """Every row of every table (of users: id, email, active; signing in writes the rest)."""
    skip = {"user", "alembic_version"}
    rows = {}
    for table in db.metadata.sorted_tables:
        if table.name in skip:
            continue
        rows[table.name] = sorted(map(repr, db.session.execute(table.select()).all()))
    rows["user"] = sorted(
        map(repr, db.session.execute(db.text('SELECT id, email, active FROM "user"')).all())
    )
    return rows


def _params(a: dict) -> dict:
    return {k: (v, v) for k, v in a.items()}


def _mixed(rule, a: dict, b: dict):
    """For a URL naming several objects: B's own objects with one of A's slipped in (A's
    comment under B's round, A's grant under B's user, A's tilbud in B's round...)."""
    names = [n for n in rule.arguments if n in b]
    if len(names) < 2:
        return
    for name in names:
        yield name, _url(rule, _params({**a, **b, name: a[name]}), 0)


def test_every_staff_route_is_listed(app):
    found = {r.endpoint for r in staff_rules(app) if r.endpoint not in PUBLIC}
    assert found - set(ROUTES) == set(), "add the new staff route to ROUTES (and check it)"
    assert set(ROUTES) - found == set(), "ROUTES lists a route that no longer exists"
    for rule in staff_rules(app):
        if rule.endpoint in ROUTES and ROUTES[rule.endpoint] != NATIONAL:
            assert (ROUTES[rule.endpoint] == URL) == bool(rule.arguments), rule.endpoint


@pytest.mark.parametrize("role", B_ROLES)
def test_tenant_matrix(app, client, world, role):
    app.config["WTF_CSRF_ENABLED"] = False  # let POSTs reach the views and their guards
    login(client, world["users"][role].email)
    a = world["a"]
    rules = [r for r in staff_rules(app) if r.endpoint not in PUBLIC]
    checks = [(r, m) for m in ("GET", "POST") for r in rules if m in r.methods]
    for rule, method in checks:
        label = f"{role} {method} {rule.rule}"
        before = _snapshot()
        if ROUTES[rule.endpoint] == NATIONAL:
            _national(client, role, rule, method, a, label, before)
            continue
        if ROUTES[rule.endpoint] == URL:
            url = _url(rule, _params(a), 0)
            data = {"name": "Indbrud", "active": "0", "reads": "1", "role": ADMIN}
            response = client.get(url) if method == "GET" else client.post(url, data=data)
            assert response.status_code in (403, 404), f"{label}: {response.status_code}"
        else:
            data = FORM_ATTACKS.get(rule.endpoint, lambda _a: {})(a)
            response = (
                client.get(rule.rule) if method == "GET" else client.post(rule.rule, data=data)
            )
            assert response.status_code < 500, f"{label}: {response.status_code}"
        body = response.get_data().decode("utf-8", "replace")
        for marker in MARKERS:
            assert marker not in body, f"{label}: shows {marker}"
        assert _snapshot() == before, f"{label}: changed something in the database"


def _national(client, role, rule, method, a, label, before) -> None:
    """The platform administrator may be answered (a refusal of the junk posted changes
    nothing); every organisation role gets 403 and sees nothing of A."""
    url = _url(rule, _params(a), 0) if rule.arguments else rule.rule
    response = client.get(url) if method == "GET" else client.post(url, data={"name": "X"})
    if role in (PLATFORM, PLATFORM_ONLY):
        assert response.status_code < 500, f"{label}: {response.status_code}"
    else:
        assert response.status_code == 403, f"{label}: {response.status_code}"
        body = response.get_data().decode("utf-8", "replace")
        for marker in MARKERS:
            assert marker not in body, f"{label}: shows {marker}"
    assert _snapshot() == before, f"{label}: changed something in the database"


@pytest.mark.parametrize("role", (ADMIN, PLATFORM))
def test_tenant_matrix_mixed_ids(app, client, world, role):
    """B's admin may act on B's objects: naming one of A's among them still gets nothing."""
    app.config["WTF_CSRF_ENABLED"] = False
    login(client, world["users"][role].email)
    a, b = world["a"], world["b"]
    rules = [r for r in staff_rules(app) if ROUTES.get(r.endpoint) == URL]
    tried = 0
    for rule in rules:
        for name, url in _mixed(rule, a, b):
            for method in ("GET", "POST") if "GET" in rule.methods else ("POST",):
                if method not in rule.methods:
                    continue
                label = f"{role} {method} {rule.rule} with A's {name}"
                before = _snapshot()
                data = {"name": "Indbrud", "active": "0", "reads": "1", "text": "x"}
                response = client.get(url) if method == "GET" else client.post(url, data=data)
                assert response.status_code in (400, 403, 404), f"{label}: {response.status_code}"
                body = response.get_data().decode("utf-8", "replace")
                for marker in MARKERS + ["Kommentar fra Tenant-A"]:
                    assert marker not in body, f"{label}: shows {marker}"
                assert _snapshot() == before, f"{label}: changed something in the database"
                tried += 1
    assert tried >= 10  # users × grants, invitations × round and tilbud, comments × round
