"""Hypothesis throws junk at every URL and form a respondent can reach: never a 500, and a
refused request stores nothing.

The endpoints come from ``app.url_map`` (blueprints below), so routes added later are fuzzed too.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ordet import create_app
from ordet.answering.models import Answer, Response
from ordet.extensions import db
from ordet.kiosk.models import Device, EnrolmentCode
from ordet.mail import OutboxMessage

from . import kiosk_helpers as kiosk
from .factories import csrf_from, enrol, make_round, make_tilbud

RESPONDENT_BLUEPRINTS = {"kiosk", "answering", "link", "invitations", "pages", "offline"}


def respondent_rules():
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return sorted(
        (
            rule
            for rule in app.url_map.iter_rules()
            if rule.endpoint.split(".")[0] in RESPONDENT_BLUEPRINTS
        ),
        key=lambda rule: rule.endpoint,
    )


RULES = respondent_rules()
FIELDS = ["value", "text", "question", "action", "lang", "code", "label", "next", "kode", "email"]
safe_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
tricky = st.sampled_from(
    [
        "",
        "ja",
        "nej",
        "ved_ikke",
        "next",
        "back",
        "skip",
        "da",
        "en",
        "hjaelp",
        "andet",
        "../",
        "//evil.example",
        "' OR 1=1 --",
        "<script>",
        "\x00",
        "٣",
        "9" * 30,
        "A" * 3000,
    ]
)
values = st.one_of(tricky, safe_text)
forms = st.dictionaries(st.one_of(st.sampled_from(FIELDS), safe_text), values, max_size=6)
path_parts = st.one_of(st.integers(-3, 40).map(str), tricky, safe_text)
csrf_choice = st.sampled_from(["valid", "valid", "missing", "garbage"])


def snapshot():
    """Everything a respondent request could store."""
    db.session.expire_all()
    rows = lambda model, *cols: sorted(db.session.execute(db.select(*cols)).all())  # noqa: E731
    return (
        rows(Response, Response.id, Response.status, Response.assisted, Response.language),
        rows(Answer, Answer.response_id, Answer.question_key, Answer.value),
        rows(Device, Device.id, Device.revoked_on, Device.label),
        rows(EnrolmentCode, EnrolmentCode.id, EnrolmentCode.used_on),
        db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)),
    )


def url_for_rule(rule, part: str) -> str | None:
    values = {}
    for name, converter in rule._converters.items():
        values[name] = part
        if not converter.regex or __import__("re").fullmatch(converter.regex, part) is None:
            return None
    try:
        return rule.build(values, append_unknown=False)[1]
    except Exception:  # noqa: BLE001 - a value the converter refuses: nothing to request
        return None


@pytest.fixture
def kiosk_tablet(app, client):
    tilbud = make_tilbud()
    make_round([tilbud])
    db.session.commit()
    enrol(client, tilbud)
    kiosk.start(client)
    return client


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.endpoint)
def test_respondent_endpoints_survive_junk(kiosk_tablet, rule):
    client = kiosk_tablet
    methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})

    @settings(
        max_examples=20,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        method=st.sampled_from(methods),
        part=path_parts,
        form=forms,
        csrf=csrf_choice,
        query=st.dictionaries(st.sampled_from(FIELDS), values, max_size=2),
        real_question=st.booleans(),
    )
    def one_request(method, part, form, csrf, query, real_question):
        url = url_for_rule(rule, part) if rule.arguments else rule.rule
        if url is None:
            return
        if client.get("/svar/").location.endswith("/kiosk/"):
            kiosk.start(client)  # an earlier example ended the draft: fuzz a live one again
        if real_question and rule.endpoint == "answering.question":
            page = client.get(url)
            found = kiosk.QUESTION_KEY.search(page.text) if page.status_code == 200 else None
            if found:
                form = {**form, "question": found.group(1)}
        if method == "POST":
            page = client.get("/kiosk/sprog")
            if csrf == "valid" and 'name="csrf_token"' in page.text:
                form = {**form, "csrf_token": csrf_from(page.text)}
            elif csrf == "garbage":
                form = {**form, "csrf_token": "IjEyMyI.garbage"}
        before = snapshot()
        response = client.open(
            url, method=method, data=form if method == "POST" else None, query_string=query
        )
        status = response.status_code
        response.close()
        assert status < 500, (method, url, form, status)
        if status >= 400:
            assert snapshot() == before, (method, url, form, status)

    one_request()


def test_a_nul_character_in_free_text_is_refused_on_both_engines(kiosk_tablet):
    client = kiosk_tablet
    position = 1
    while True:
        page, key = kiosk.question_page(client, position)
        data = {"csrf_token": csrf_from(page.text), "question": key}
        if key == "andet":
            break
        response = client.post(f"/svar/{position}", data={**data, "action": "skip"})
        position += 1
    before = snapshot()
    response = client.post(f"/svar/{position}", data={**data, "text": "hej\x00med dig"})
    assert response.status_code == 400
    assert snapshot() == before
