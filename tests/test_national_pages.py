"""The national results pages (/staff/landsplan) and "Landsplan" on an organisation's own
results pages: exactly ``national_results``' numbers, hidden cells as text, never a number,
and nothing national for the organisations' own roles."""

import re
import tomllib
from html.parser import HTMLParser

import pytest

from ordet.auth.models import ADMIN, ANALYST, AREA_LEAD, NATIONAL_ANALYST, TILBUD_LEAD, Grant, User
from ordet.extensions import db
from ordet.national.figures import national_results
from ordet.questionnaires import loader
from ordet.results.presentation import rounded

from . import national_data
from .staff_helpers import session_login

SUPPRESSED = "For få svar"


class Tables(HTMLParser):
    """Each <table>'s caption and body rows, as the text of each th/td of a row."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._caption = self._row = self._cell = None
        self._rows: list = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._rows, self._caption = [], ""
        elif tag == "caption":
            self._cell = []
        elif tag == "tr":
            self._row = []
        elif tag in ("th", "td") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "caption":
            self._caption = " ".join("".join(self._cell).split())
            self._cell = None
        elif tag in ("th", "td") and self._row is not None and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr":
            self._rows.append(self._row)
            self._row = None
        elif tag == "table":
            self.tables[self._caption] = self._rows

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def pct(share: float) -> str:
    return f"{rounded(share * 100):.0f} %"


def shown(stats) -> list[str]:
    """What a page cell pair shows for ``stats``: share and answers, or the hidden text."""
    if stats.hidden:
        return [SUPPRESSED]
    if not stats.n:
        return ["–", "0"]
    return [pct(stats.positive_share), str(stats.scale_n)]


def user_with(email: str, *grants: Grant, platform: bool = False) -> User:
    user = User(email=email, name=email.split("@")[0], language="da", platform_admin=platform)
    user.grants.extend(grants)
    db.session.add(user)
    db.session.commit()
    return user


@pytest.fixture
def world(app):
    return national_data.build()


@pytest.fixture
def analyst(world):
    return user_with("land@danskeregioner.dk", Grant(role=NATIONAL_ANALYST))


def page(client, world, **query):
    slug = world.national_round.slug
    response = client.get(f"/staff/landsplan/{slug}/", query_string=query)
    assert response.status_code == 200, response.text
    return response


def test_index_lists_national_rounds(client, world, analyst):
    session_login(client, analyst)
    index = client.get("/staff/landsplan/")
    assert index.status_code == 200
    assert "Sikrede institutioner 2025" in index.text
    assert f'href="/staff/landsplan/{world.national_round.slug}/"' in index.text
    # The national analyst finds it in the staff navigation too.
    assert 'href="/staff/landsplan/"' in client.get("/staff/").text


def test_page_shows_exactly_the_national_figures(client, world, analyst):
    session_login(client, analyst)
    results = national_results(world.national_round)
    assert results.release is not None
    tree = results.tree
    tables = Tables(page(client, world).text).tables
    summary = tables["Andel positive pr. tema og spørgsmål på landsplan"][1:]
    expected = []
    for key in results.theme_keys():
        expected.append(shown(results.themes[key][results.root]))
        for question in results.scale_questions():
            if question.theme == key:
                expected.append(shown(results.questions[question.key][results.root]))
    assert [row[1:] for row in summary] == expected
    # Per operator and institution, one column pair per theme.
    operators = tables["Andel positive og svar pr. driftsherre"][2:]
    assert {row[0] for row in operators} == set(national_data.OPERATORS)
    for row in operators:
        node = next(k for k in tree.children[results.root] if tree.units[k].name == row[0])
        cells = [c for key in results.theme_keys() for c in shown(results.themes[key][node])]
        assert row[2:] == cells
    assert "Andel positive og svar pr. institution" not in tables  # an operator is picked
    # One operator's institutions at a time (every institution at once is the workbook's).
    seen = set()
    for operator in world.organisations.values():
        html = page(client, world, operatoer=operator.id).text
        rows = Tables(html).tables["Andel positive og svar pr. institution"][2:]
        for row in rows:
            node = ("tilbud", world.tilbud[row[0]].id)
            assert tree.parent[node] == ("organisation", operator.id)
            responses = results.responses[node]
            assert row[1] == (SUPPRESSED if responses.hidden else str(responses.n))
            cells = [c for key in results.theme_keys() for c in shown(results.themes[key][node])]
            assert row[2:] == cells
            seen.add(row[0])
    assert seen == set(national_data.SIZES)
    # A theme picked: the theme and each of its questions, per institution.
    questions = [q for q in results.scale_questions() if q.theme == "tryghed"]
    assert len(questions) == 2
    for operator in world.organisations.values():
        tables = Tables(page(client, world, tema="tryghed", operatoer=operator.id).text).tables
        for row in tables["Andel positive og svar pr. institution"][2:]:
            node = ("tilbud", world.tilbud[row[0]].id)
            cells = shown(results.themes["tryghed"][node])
            for question in questions:
                cells += shown(results.questions[question.key][node])
            assert row[2:] == cells


def test_hidden_cells_are_text_never_a_number(client, world, analyst):
    session_login(client, analyst)
    results = national_results(world.national_round)
    small = ("tilbud", world.tilbud["Bakkegården"].id)
    assert results.responses[small].hidden
    operator = world.organisations["Region Øst"].id
    for query in ({}, {"tema": "trivsel"}):
        tables = Tables(page(client, world, operatoer=operator, **query).text).tables
        rows = tables["Andel positive og svar pr. institution"]
        row = next(r for r in rows if r[0] == "Bakkegården")
        assert set(row[1:]) == {SUPPRESSED}
        assert not any(re.search(r"\d", cell) for cell in row)
    # The two answers ("Nej") appear nowhere on the page as Bakkegården's.
    assert shown(results.themes["trivsel"][small]) == [SUPPRESSED]


def test_release_date_and_threshold_are_said(client, world, analyst):
    session_login(client, analyst)
    text = " ".join(re.sub(r"<[^>]+>", " ", page(client, world).text).split())
    assert "Landstallene er opdateret" in text
    assert "Grænse for at vise et resultat: 5 svar." in text


@pytest.mark.parametrize("role", [ADMIN, ANALYST, AREA_LEAD, TILBUD_LEAD])
def test_every_organisation_role_is_refused(client, world, role):
    """Even the admin of a taking-part operator: 403 on every national route."""
    org = world.organisations["Region Øst"]
    tilbud = world.tilbud["Sølager"]
    scope = {
        ADMIN: {"organisation_id": org.id},
        ANALYST: {"organisation_id": org.id},
        AREA_LEAD: {"specialomraade_id": tilbud.specialomraade_id},
        TILBUD_LEAD: {"tilbud_id": tilbud.id},
    }[role]
    session_login(client, user_with(f"{role}@oest.dk", Grant(role=role, **scope)))
    slug = world.national_round.slug
    for url in (
        "/staff/landsplan/",
        f"/staff/landsplan/{slug}/",
        f"/staff/landsplan/{slug}/landsplan.xlsx",
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Koglen" not in response.text and "Region Vest" not in response.text
    assert 'href="/staff/landsplan/"' not in client.get("/staff/").text


def test_platform_admin_sees_it_and_signed_out_is_sent_to_sign_in(client, world):
    slug = world.national_round.slug
    assert client.get(f"/staff/landsplan/{slug}/").status_code == 302
    session_login(client, user_with("platform@ordet.dk", platform=True))
    assert "Region Vest" in page(client, world).text
    assert "Koglen" in page(client, world, operatoer=world.organisations["Region Vest"].id).text


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/staff/landsplan/findes-ikke/", 404, "Landsrunden findes ikke"),
        ("/staff/landsplan/findes-ikke/landsplan.xlsx", 404, "Landsrunden findes ikke"),
        ("/staff/landsplan/sikrede-2025/?tema=nope", 400, "Det tema findes ikke"),
        ("/staff/landsplan/sikrede-2025/?tema=tryghed%27--", 400, "Det tema findes ikke"),
        ("/staff/landsplan/sikrede-2025/?operatoer=abc", 404, "Den driftsherre deltager ikke"),
        ("/staff/landsplan/sikrede-2025/?operatoer=99999", 404, "Den driftsherre deltager ikke"),
        ("/staff/landsplan/sikrede-2025/?operatoer=9" + "9" * 20, 404, "Den driftsherre deltager"),
    ],
)
def test_bad_input_gets_a_danish_message(client, world, analyst, url, status, message):
    session_login(client, analyst)
    response = client.get(url)
    assert response.status_code == status
    assert message in response.text


def unge_with_own_question():
    """unge v2: the core questions (v1) and an organisation's own question, "egen"."""
    raw = tomllib.loads((loader.DEFINITIONS / "unge-v1.toml").read_text("utf-8"))
    raw["version"] = 2
    own = dict(raw["questions"][0], key="egen", text={"da": "Eget spørgsmål?", "en": "Own?"})
    raw["questions"].insert(1, own)
    return loader.parse(raw, "unge-v2")


def org_page(client, round_, **query):
    response = client.get(f"/staff/resultater/{round_.slug}/unge/", query_string=query)
    assert response.status_code == 200, response.text
    return response.text


def question_section(html: str, label: str) -> str:
    start = html.index(f"<h3>{label}</h3>")
    return html[start : html.index("</section>", start)]


def test_organisation_page_shows_landsplan_beside_core_questions_only(app, client, monkeypatch):
    versions = dict(loader.all_versions())
    versions[("unge", 2)] = unge_with_own_question()
    monkeypatch.setattr(loader, "all_versions", lambda: versions)
    world = national_data.build()
    round_ = world.rounds["Region Øst"]
    round_.questionnaires[0].version = 2  # the operator's questionnaire: core + its own
    db.session.commit()
    results = national_results(world.national_round)
    org = world.organisations["Region Øst"]
    session_login(client, user_with("admin@oest.dk", Grant(role=ADMIN, organisation_id=org.id)))
    html = org_page(client, round_)
    table = Tables(html).tables
    themes = next(rows for rows in table.values() if rows and rows[0][:1] == ["Tema"])
    assert themes[0][-1] == "Landsplan"
    for row in themes[1:]:
        label = results.questionnaire.theme_label
        key = next(k for k in results.theme_keys() if label(k, "da") == row[0])
        assert row[-1] == shown(results.themes[key][results.root])[0]
    trives = question_section(html, "Trives du her?")
    national = results.questions["trives"][results.root]
    assert f"Landsplan: {pct(national.positive_share)} af {national.scale_n} svar" in " ".join(
        re.sub(r"<[^>]+>", " ", trives).split()
    )
    assert "Landsplan" not in question_section(html, "Eget spørgsmål?")
    # The same operator's round outside the national round: no Landsplan anywhere.
    assert "Landsplan" not in org_page(client, world.outsider_round).split("<main", 1)[1]


def test_organisation_page_says_for_faa_svar_for_a_hidden_national_figure(app, client):
    """A national round with one small institution: the national figures are hidden, and the
    operator's page says "For få svar" beside its own, never a number."""
    world = national_data.build(
        operators={"Region Nordjylland": ["Kompasset"]}, sizes={"Kompasset": ["ja"] * 3}
    )
    results = national_results(world.national_round)
    assert results.release is not None and results.themes["trivsel"][results.root].hidden
    org = world.organisations["Region Nordjylland"]
    session_login(client, user_with("admin@nord.dk", Grant(role=ADMIN, organisation_id=org.id)))
    html = org_page(client, world.rounds["Region Nordjylland"])
    trives = " ".join(re.sub(r"<[^>]+>", " ", question_section(html, "Trives du her?")).split())
    assert "Landsplan: For få svar" in trives
    assert not re.search(r"Landsplan: For få svar.*\d", trives)
    themes = Tables(html).tables[""]
    assert themes[0][-1] == "Landsplan"
    assert {row[-1] for row in themes[1:]} == {SUPPRESSED}
