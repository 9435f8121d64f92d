"""Every staff route × every role × a unit inside and outside the user's scope.

Data-driven: routes come from ``app.url_map`` (anything under /staff, from any blueprint),
their permission from ``requires(...)``. A route without a declared permission fails
``test_every_staff_route_declares_a_permission``; a route whose URL takes a parameter this
file cannot fill fails with a message saying which one to add to ``PARAMS``.
"""

import pytest

from ordet.audit import AuditEvent
from ordet.auth.access import current_scope  # noqa: F401  (the API under test)
from ordet.auth.models import ADMIN, ANALYST, AREA_LEAD, TILBUD_LEAD, Grant
from ordet.auth.permissions import permissions_of
from ordet.auth.scope import Scope
from ordet.extensions import db
from ordet.kiosk.models import Device

from .factories import make_organisation, make_round, make_specialomraade, make_tilbud
from .staff_helpers import login, make_user

# Sign-in pages work without sign-in; everything else under /staff declares a permission.
PUBLIC = {"auth.login", "auth.logout", "auth.forgot", "auth.new_password"} | {
    # Signing in through the organisation's IdP (issue 22): before there is a session.
    "sso.choose",
    "sso.oidc_start",
    "sso.oidc_callback",
    "sso.saml_metadata",
    "sso.saml_start",
    "sso.saml_acs",
    "sso.saml_sls",
}
STAFF_PREFIX = "/staff"
ROLES = (ADMIN, ANALYST, AREA_LEAD, TILBUD_LEAD)


def staff_rules(app):
    return sorted(
        (r for r in app.url_map.iter_rules() if r.rule.startswith(STAFF_PREFIX)),
        key=lambda r: r.rule,
    )


def test_every_staff_route_declares_a_permission(app):
    missing = [
        r.endpoint
        for r in staff_rules(app)
        if r.endpoint not in PUBLIC
        and getattr(app.view_functions[r.endpoint], "required_permission", None) is None
    ]
    assert not missing, f"staff routes without requires(...): {missing}"


def _device(tilbud):
    device = Device(
        tilbud_id=tilbud.id,
        label=f"Tablet {tilbud.name}",
        secret_hash="x" * 64,
        enrolled_on=db.func.current_date(),
    )
    db.session.add(device)
    db.session.flush()
    return device


def _comment(round_, tilbud):
    """A finished response with a free-text answer: what comment routes point at."""
    from datetime import date

    from ordet.answering import services
    from ordet.answering.models import Answer
    from ordet.questionnaires import latest
    from ordet.results.comments import comment_ref

    from .results_data import release_all

    borger = latest("borger")
    # Six respondents, so the tilbud is shown and its comment is listed; then a release.
    for i in range(6):
        response = services.start(
            round_, tilbud, borger, "kiosk", "da", f"k{tilbud.id}-{i}", date.today()
        )
        services.record(response, borger, "tryg", "ja", date.today())
        if i == 0:
            commented = response
            services.record(response, borger, "andet", f"Kommentar fra {tilbud.name}", date.today())
        services.submit(response, date.today())
    release_all(round_)
    db.session.commit()
    answer = db.session.scalar(
        db.select(Answer).where(Answer.response_id == commented.id, Answer.question_key == "andet")
    )
    return comment_ref(answer.id)


@pytest.fixture
def world(app):
    """Org A (areas A1 with T1, T2; A2 with T3) and org B (B1 with T4); rounds, tablets, users."""
    org_a = make_organisation("Inde-Organisation")
    org_b = make_organisation("Ude-Organisation-B")
    a1 = make_specialomraade(org_a, "Inde-Omraade-A1")
    a2 = make_specialomraade(org_a, "Ude-Omraade-A2")
    b1 = make_specialomraade(org_b, "Ude-Omraade-B1")
    t1 = make_tilbud(a1, "Inde-Tilbud-T1")
    t2 = make_tilbud(a1, "Ude-Tilbud-T2")
    t3 = make_tilbud(a2, "Ude-Tilbud-T3")
    t4 = make_tilbud(b1, "Ude-Tilbud-T4")
    round_a = make_round([t1, t2, t3])
    round_b = make_round([t4])
    d1, d3, d4 = _device(t1), _device(t3), _device(t4)
    db.session.commit()
    # Users to administer: one in org A (two grants, so withdrawing one keeps them in scope),
    # one in org B.
    inner = make_user("inde-bruger@a.dk", TILBUD_LEAD, t3)
    inner.grants.append(Grant(role=TILBUD_LEAD, tilbud_id=t2.id))
    outer = make_user("ude-bruger@b.dk", TILBUD_LEAD, t4)
    db.session.commit()
    users = {
        ADMIN: make_user("admin@a.dk", ADMIN, org_a),
        ANALYST: make_user("analyst@a.dk", ANALYST, org_a),
        AREA_LEAD: make_user("area@a.dk", AREA_LEAD, a1),
        TILBUD_LEAD: make_user("lead@a.dk", TILBUD_LEAD, t1),
    }
    org_wide = {"tilbud_id": (t1, t4), "area_id": (a1, b1), "device_id": (d1, d4)}
    outside_of = {  # role -> the units that are outside its scope but inside the world
        ADMIN: {**org_wide},
        ANALYST: {**org_wide},
        AREA_LEAD: {"tilbud_id": (t1, t3), "area_id": (a1, a2), "device_id": (d1, d3)},
        TILBUD_LEAD: {"tilbud_id": (t1, t2), "area_id": (a1, a2), "device_id": (d1, d3)},
    }
    common = {
        "ref": (_comment(round_a, t1), _comment(round_b, t4)),
        "variant": ("borger", "borger"),
        "organisation_id": (org_a, org_b),
        "round_id": (round_a, round_b),
        "user_id": (inner, outer),
        "grant_id": (inner.grants[0], outer.grants[0]),
        # Read-aloud recordings: the organisation is the scope; the question is the same.
        "questionnaire": ("borger", "borger"),
        "version": ("1", "1"),
        "question": ("tryg", "tryg"),
        # The national pages: every organisation role is refused before the slug is read.
        "national_slug": ("landsrunde", "landsrunde"),
    }
    hidden = {
        ADMIN: ["Ude-Organisation-B", "Ude-Tilbud-T4", "Ude-Omraade-B1", "ude-bruger@b.dk"],
        ANALYST: ["Ude-Organisation-B", "Ude-Tilbud-T4", "Ude-Omraade-B1", "ude-bruger@b.dk"],
        AREA_LEAD: ["Ude-Organisation-B", "Ude-Tilbud-T3", "Ude-Tilbud-T4", "Ude-Omraade-A2"],
        TILBUD_LEAD: ["Ude-Organisation-B", "Ude-Tilbud-T2", "Ude-Tilbud-T3", "Ude-Omraade-A2"],
    }
    return {
        "users": users,
        "params": {r: _with_slugs({**common, **outside_of[r]}) for r in ROLES},
        "hidden": hidden,
    }


def _with_slugs(params: dict) -> dict:
    """Routes that name a round or tilbud by slug get the same units as those by id."""
    return {
        **params,
        "round_slug": params["round_id"],
        "slug": params["round_id"],
        "tilbud_slug": params["tilbud_id"],
    }


def _url(rule, params, which: int):
    values = {}
    for name in rule.arguments:
        if name not in params:
            pytest.fail(f"{rule.rule}: add a sample value for <{name}> to the world fixture")
        unit = params[name][which]
        if isinstance(unit, str):
            values[name] = unit
        else:
            values[name] = unit.slug if name.endswith("slug") else unit.id
    return rule.build(values, append_unknown=False)[1]


def _text(response) -> str:
    # Downloads (the .xlsx template) are bytes; a name could still hide in them.
    return response.get_data().decode("utf-8", "replace")


def _fingerprint():
    return db.session.scalar(db.select(db.func.count(AuditEvent.id)))


def _check(client, method, url):
    return client.get(url) if method == "GET" else client.post(url, data={})


@pytest.mark.parametrize("role", ROLES)
def test_scope_matrix(app, client, world, role):
    app.config["WTF_CSRF_ENABLED"] = False  # let empty POSTs reach the view and its guards
    user = world["users"][role]
    login(client, user.email)
    scope = Scope.of(user)
    params, hidden = world["params"][role], world["hidden"][role]
    rules = [r for r in staff_rules(app) if r.endpoint not in PUBLIC]
    # GETs first, so a POST that changes something cannot hide a leak from a GET.
    checks = [(r, m) for m in ("GET", "POST") for r in rules if m in r.methods]
    for rule, method in checks:
        permission = app.view_functions[rule.endpoint].required_permission
        allowed = scope.can(permission)
        label = f"{role} {method} {rule.rule}"
        if rule.arguments:
            before = _fingerprint()
            outside = _check(client, method, _url(rule, params, 1))
            assert outside.status_code in (403, 404), label
            assert _fingerprint() == before, f"{label}: changed something outside scope"
            for secret in hidden:
                assert secret not in _text(outside), f"{label}: shows {secret}"
        inside = _check(client, method, _url(rule, params, 0) if rule.arguments else rule.rule)
        if not allowed:
            assert inside.status_code == 403, label
            continue
        assert inside.status_code < 500 and inside.status_code not in (401, 403, 404), (
            f"{label}: {inside.status_code}"
        )
        if method == "GET":
            for secret in hidden:
                assert secret not in _text(inside), f"{label}: shows {secret}"


def test_signed_out_visitors_are_sent_to_login(app, client):
    app.config["WTF_CSRF_ENABLED"] = False
    for rule in staff_rules(app):
        if rule.endpoint in PUBLIC:
            continue
        url = rule.build({name: 1 for name in rule.arguments}, append_unknown=False)[1]
        for method in ("GET", "POST"):
            if method in rule.methods:
                response = _check(client, method, url)
                assert response.status_code == 302, f"{method} {rule.rule}"
                assert "/staff/log-ind" in response.location


def test_roles_have_the_documented_permissions():
    assert "comments.read" in permissions_of(ADMIN) and "comments.read" in permissions_of(ANALYST)
    assert "comments.read" not in permissions_of(AREA_LEAD)
    assert "users.manage" not in permissions_of(ANALYST)
