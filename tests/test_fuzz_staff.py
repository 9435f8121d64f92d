"""Junk at every URL, query parameter and form staff can reach: never a 500 (nor a 503 from a
database that choked on the input), and a refused request (a 4xx, or the form shown again with
its errors) changes no row of any table.

The routes come from ``app.url_map``: every route outside the respondents' blueprints (those
are test_fuzz_respondent.py's) is fuzzed here, so routes added later are fuzzed too. A route
whose URL argument has no real sample value, or whose form no page shows, fails with a message
saying what to add. Form fields are read from the pages' HTML, as a browser would.

Per route, with the data of ``staff_fuzz_world``: first a sweep of the values that break things
most often, in every place once (as the organisation's administrator); then Hypothesis, mostly
as the administrator, sometimes as a tilbud lead. Both engines: PostgreSQL refuses NUL and
numbers beyond its columns where SQLite does not. A longer hunt:
``ORDET_FUZZ_EXAMPLES=200 .venv/bin/python -m pytest tests/test_fuzz_staff.py``.
"""

import io
import os
import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.test import encode_multipart

from ordet import create_app
from ordet.auth.models import User
from ordet.extensions import db, limiter
from ordet.org.models import Tilbud

from .factories import enrol
from .staff_fuzz_strategies import QUERY_NAMES, Plan, plans, sweep
from .staff_fuzz_world import CSV, PIN, Field, build_world, forms_in
from .staff_helpers import session_login, token_in
from .test_fuzz_respondent import RESPONDENT_BLUEPRINTS

# Fuzzed in test_fuzz_respondent.py.
RESPONDENT_ONLY = {"kiosk", "answering", "link", "pages", "offline"}
NOT_PAGES = {"static"}  # the files in ordet/static
# POST routes no page of the fuzz world shows a form for: junk fields only.
POSTED_FROM_ELSEWHERE = {
    "sso.saml_acs": "the identity provider posts its answer here",
    "sso.admin_rotate": "its button shows once SAML is set up",
}
TABLET = "kiosk_settings."  # staff on an enrolled tablet, after the tilbud's PIN
EXAMPLES = {"sqlite": 25, "postgresql": 6}
EXAMPLES_GIVEN = int(os.environ.get("ORDET_FUZZ_EXAMPLES", "0"))


def _is_staff(rule) -> bool:
    return rule.endpoint not in NOT_PAGES and rule.endpoint.split(".")[0] not in RESPONDENT_ONLY


def _endpoints() -> list[str]:
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return sorted({rule.endpoint for rule in app.url_map.iter_rules() if _is_staff(rule)})


def test_every_route_is_fuzzed_here_or_with_the_respondents():
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    left = [r.rule for r in app.url_map.iter_rules() if not _is_staff(r)]
    assert RESPONDENT_ONLY <= RESPONDENT_BLUEPRINTS
    assert not [rule for rule in left if rule.startswith("/staff")], "staff pages left out"


def _build(rule, values: dict[str, str]) -> str:
    return re.sub(
        r"<(?:[^<>:]+:)?([^<>]+)>", lambda m: quote(values[m.group(1)], safe="/."), rule.rule
    )


def _sign_in(client, user_id: int) -> None:
    session_login(client, db.session.get(User, user_id))
    db.session.rollback()


def _open_tablet(client, world) -> str:
    """The tablet enrolled and its settings open, as staff have it after typing the PIN."""
    page = client.get("/kiosk/indstillinger/aaben")
    if page.status_code == 403:  # an earlier example signed the tablet out
        limiter.reset()
        enrol(client, db.session.get(Tilbud, world.tablet_tilbud_id))
        page = client.get("/kiosk/indstillinger/aaben")
    if page.status_code == 302:
        limiter.reset()
        form = client.get("/kiosk/indstillinger/")
        client.post("/kiosk/indstillinger/", data={"csrf_token": token_in(form.text), "pin": PIN})
        page = client.get("/kiosk/indstillinger/aaben")
    db.session.rollback()
    return token_in(page.text)


def _page(client, url: str, method="GET", **kwargs) -> str:
    response = client.open(url, method=method, **kwargs)
    html = response.text if response.mimetype == "text/html" else ""
    response.close()
    return html


def _pages(app, client, rule, world) -> list[tuple[str, str]]:
    """Every page of the route's blueprint (real values), the staff home, and for the import
    form the page an upload answers with."""
    blueprint = rule.endpoint.rpartition(".")[0]
    urls = ["/staff/"] + [
        _build(other, {name: world.params[name][0] for name in other.arguments})
        for other in app.url_map.iter_rules()
        if other.endpoint.rpartition(".")[0] == blueprint
        and "GET" in other.methods
        and set(other.arguments) <= set(world.params)
    ]
    pages = [(url, _page(client, url)) for url in urls]
    if rule.endpoint == "invitations.import_":
        url = _build(rule, {name: world.params[name][0] for name in rule.arguments})
        upload = url.replace("/import", "/upload")
        token = token_in(_page(client, url.replace("/import", "")))
        fresh = CSV.replace("anna@", "carl@").encode()  # someone not invited yet: an import form
        body = {"csrf_token": token, "file": FileStorage(io.BytesIO(fresh), "liste.csv")}
        boundary, data = encode_multipart(MultiDict(body))
        pages.append(
            (upload, _page(client, upload, "POST", data=data, content_type=_multi(boundary)))
        )
    return pages


def _multi(boundary: str) -> str:
    return f"multipart/form-data; boundary={boundary}"


def _forms(app, client, rule, world) -> dict[str, dict[str, Field] | None]:
    """Per method, the fields of the forms whose action is this route (None: no such form)."""
    adapter = app.url_map.bind("localhost")
    found: dict[str, dict[str, Field] | None] = {"GET": None, "POST": None}
    for url, html in _pages(app, client, rule, world):
        for form in forms_in(html, url):
            try:
                endpoint, _args = adapter.match(form.path, method=form.method)
            except HTTPException:
                continue
            if endpoint != rule.endpoint:
                continue
            fields = found[form.method] = found[form.method] or {}
            for name, field in form.fields.items():
                fields.setdefault(name, Field(field.kind)).values |= field.values
    return found


def _send(client, method: str, url: str, query: MultiDict, body, token: str | None):
    if method == "GET":
        return client.get(url, query_string=query)
    if not isinstance(body, MultiDict):  # JSON: the CSRF token goes in the header
        headers = {"X-CSRFToken": token} if token is not None else {}
        return client.post(url, query_string=query, json=body, headers=headers)
    if any(isinstance(value, FileStorage) for value in body.values()):
        # Encoded here: the test client would spool files to a temporary file it never closes.
        boundary, data = encode_multipart(body)
        return client.post(url, query_string=query, data=data, content_type=_multi(boundary))
    return client.post(url, query_string=query, data=body)


def snapshot() -> dict[str, list[str]]:
    """Every row of every table."""
    tables = {
        table.name: sorted(repr(row) for row in db.session.execute(table.select()))
        for table in db.metadata.sorted_tables
    }
    db.session.rollback()
    return tables


@pytest.mark.parametrize("endpoint", _endpoints())
def test_staff_endpoints_survive_junk(app, client, endpoint):
    (rule,) = app.url_map.iter_rules(endpoint)
    world = build_world()
    missing = sorted(set(rule.arguments) - set(world.params))
    if missing:
        pytest.fail(f"{rule.rule}: add real values for {missing} to staff_fuzz_world.py")
    tablet = endpoint.startswith(TABLET)
    if tablet:
        _open_tablet(client, world)
    else:
        _sign_in(client, world.admin_id)
    forms = _forms(app, client, rule, world)
    methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
    if "POST" in methods and forms["POST"] is None and endpoint in POSTED_FROM_ELSEWHERE:
        forms["POST"] = {}
    if "POST" in methods and forms["POST"] is None:
        pytest.fail(f"{endpoint}: no page shows a form for it; add the page to _pages()")
    post_fields = {k: v for k, v in (forms["POST"] or {}).items() if k != "csrf_token"}
    samples = {name: set(values) for name, values in world.samples.items()}
    for name, field in (forms["GET"] or {}).items():
        samples.setdefault(name, set()).update(field.values)
    real = {name: world.params[name] for name in rule.arguments}
    users = [world.admin_id] * 3 + [world.lead_id]
    # The tables as the last refused request left them; signing in and the home page do not
    # write, so the next request starts from there (half the snapshots).
    known: list = []

    def check(method: str, plan: Plan, user_id: int) -> None:
        if tablet:
            token = _open_tablet(client, world)
        else:
            _sign_in(client, user_id)
            token = token_in(_page(client, "/staff/")) if method == "POST" else ""
        url = _build(rule, plan.path)
        csrf = {"valid": token, "missing": None, "garbage": "IjEyMyI.garbage"}[plan.csrf]
        if isinstance(plan.body, MultiDict) and csrf is not None:
            plan.body.add("csrf_token", csrf)
        before = known.pop() if known and not tablet else snapshot()
        known.clear()
        response = _send(client, method, url, plan.query, plan.body, csrf)
        status, text = response.status_code, response.get_data()
        response.close()
        label = f"{method} {url} {plan} -> {status}"
        assert status < 500, label
        assert b"Traceback" not in text and b"Internal Server Error" not in text, label
        # Refused: a 4xx, or a form shown again with its errors.
        if status >= 400 or (method == "POST" and b'class="error' in text):
            after = snapshot()
            changed = [name for name in before if before[name] != after[name]]
            assert not changed, f"{label}: refused, yet changed {changed}"
            known.append(after)

    names = sorted(set(QUERY_NAMES) | set(forms["GET"] or {}))
    for method in methods:
        for plan in sweep(method, real, post_fields, samples, names):
            check(method, plan, world.admin_id)

    @settings(
        max_examples=EXAMPLES_GIVEN or EXAMPLES[db.engine.dialect.name],
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.data())
    def one_request(data):
        method = data.draw(st.sampled_from(methods), label="method")
        user_id = data.draw(st.sampled_from(users), label="user")
        check(
            method, data.draw(plans(method, real, post_fields, samples), label="request"), user_id
        )

    one_request()
