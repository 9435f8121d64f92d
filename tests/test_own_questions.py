"""An organisation's own questions (issue 21 point 2): asked only on its tablets, after the
national core questions and before "Er der andet…"; shown on its own results pages and workbook
only; never in the core questionnaire the national figures read; a bad extension file refused."""

import io
import tomllib
from datetime import date, timedelta

import openpyxl
import pytest
from sqlalchemy import select

from ordet.answering.models import Answer, Response
from ordet.auth.models import ADMIN, Grant, User
from ordet.extensions import db
from ordet.national.figures import core_questionnaire, national_results
from ordet.national.models import Institution, NationalReleaseCount, NationalRound
from ordet.national.releases import publish_national
from ordet.org.models import Organisation
from ordet.questionnaires import QuestionnaireError, get
from ordet.questionnaires.easy_language import check
from ordet.questionnaires.own_questions import ORGANISATIONS, all_extended, extend, load_extension
from ordet.results.models import ReleaseCount
from ordet.results.releases import publish
from ordet.weeks import week_of

from . import kiosk_helpers as kiosk
from .factories import (
    csrf_from,
    enrol,
    make_organisation,
    make_round,
    make_specialomraade,
    make_tilbud,
)
from .offline_helpers import payload, seal
from .results_data import make_response
from .staff_helpers import make_user, session_login

OWN = ("glad_for_skolen", "sover_godt")
OWN_TEXT = "Er du glad for skolen her?"


def core_keys() -> list[str]:
    return [q.key for q in get("unge", 1).questions]


@pytest.fixture
def world(app):
    """Region Midtjylland ("rm", which has own unge questions) and another operator, each with
    an unge tilbud in its own round of unge v1."""
    rm = Organisation(slug="rm", name="Region Midtjylland")
    other = Organisation(slug="rsj", name="Region Sjælland")
    db.session.add_all([rm, other])
    db.session.flush()
    unit_a = make_tilbud(make_specialomraade(rm), "Grenen", variant="unge")
    unit_b = make_tilbud(make_specialomraade(other), "Stevnsfortet", variant="unge")
    round_a = make_round([unit_a], date(2025, 1, 1), date(2099, 12, 31), slug="ra")
    round_b = make_round([unit_b], date(2025, 1, 1), date(2099, 12, 31), slug="rb")
    db.session.commit()
    return unit_a, unit_b, round_a, round_b


def stored(key: str) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Answer.value).where(Answer.question_key == key)))


def test_the_shipped_extension_is_easy_language_3_point_and_closed_by_andet_then_help():
    core = get("unge", 1)
    assert core.national_core and core.organisation is None and not core.own_keys
    assert all(q.type == "smiley3" for q in core.questions if q.has_scale)
    merged = get("unge", 1, "rm")
    assert merged.own_keys == set(OWN) and merged.organisation == "rm"
    keys = [q.key for q in merged.questions]
    assert keys[-5:] == [*OWN, "andet", "hjaelp", "hjaelp_hvordan"]
    assert [k for k in keys if k not in OWN] == core_keys()
    assert all(merged.question(k).type == "smiley3" for k in OWN)
    assert not check(merged), check(merged)
    for _, questionnaire in all_extended().items():
        assert not check(questionnaire), questionnaire.organisation


def test_without_an_organisation_or_for_another_one_the_core_has_none_of_them():
    assert not set(OWN) & set(core_keys())
    national = core_questionnaire(
        NationalRound(slug="n", name="N", year=2025, questionnaire="unge", version=1)
    )
    assert national is get("unge", 1) and not set(OWN) & {q.key for q in national.questions}
    assert get("unge", 1, "rsj") is get("unge", 1)
    assert get("borger", 1, "rm") is get("borger", 1)


def test_rm_tablet_asks_its_own_questions_before_andet_and_stores_the_answers(world, client):
    unit_a, *_ = world
    enrol(client, unit_a)
    given = kiosk.walk(client, lambda key, html: "nej" if key == "hjaelp" else "ja")
    asked = list(given)
    assert asked[asked.index("fremtid") + 1 :] == [*OWN, "andet", "hjaelp"]
    assert stored("glad_for_skolen") == ["ja"] and stored("sover_godt") == ["ja"]


def test_another_operators_tablet_never_shows_them_and_refuses_a_tampered_answer(world, client):
    _, unit_b, _, _ = world
    enrol(client, unit_b)
    kiosk.start(client)
    page, _ = kiosk.question_page(client, 1)
    refused = client.post(
        "/svar/1",
        data={
            "csrf_token": csrf_from(page.text),
            "question": "glad_for_skolen",
            "value": "ja",
            "action": "next",
        },
    )
    assert refused.status_code == 400
    assert "Det spørgsmål findes ikke i dette spørgeskema." in refused.text
    assert stored("glad_for_skolen") == []
    # The rest of the walk: the core questions only, the own ones never shown.
    asked, position = [], 1
    while True:
        page, key = kiosk.question_page(client, position)
        assert OWN_TEXT not in page.text
        asked.append(key)
        response = kiosk.answer(client, position, action="skip")
        if response.location.endswith("/svar/tak"):
            break
        position += 1
    assert asked == [k for k in core_keys() if k != "hjaelp_hvordan"]


def test_the_offline_bundle_of_an_rm_tablet_carries_them_and_others_do_not(world, app, client):
    unit_a, unit_b, _, _ = world
    a, b = client, app.test_client()
    enrol(a, unit_a)
    enrol(b, unit_b)
    bundle_a = a.get("/kiosk/offline/pakke").json
    bundle_b = b.get("/kiosk/offline/pakke").json
    keys_a = [q["key"] for q in bundle_a["questions"]]
    assert keys_a[-5:-3] == [*OWN]
    assert OWN_TEXT in bundle_a["screens"]["da"]["glad_for_skolen"]
    assert not set(OWN) & {q["key"] for q in bundle_b["questions"]}
    assert OWN_TEXT not in str(bundle_b["screens"])


def test_offline_answers_to_own_questions_are_kept_for_rm_and_refused_elsewhere(world, app, client):
    unit_a, unit_b, round_a, round_b = world
    a, b = client, app.test_client()
    enrol(a, unit_a)
    enrol(b, unit_b)
    answers = {"trives": "ja", "glad_for_skolen": "nej"}
    sent = payload(round_a.id, answers, questionnaire="unge")
    kept = a.post("/kiosk/offline/svar", json=seal(app.instance_path, sent))
    tampered = payload(round_b.id, answers, questionnaire="unge")
    refused = b.post("/kiosk/offline/svar", json=seal(app.instance_path, tampered))
    assert kept.json["status"] == "stored"
    assert refused.json == {"status": "kept", "reason": "invalid"}
    assert stored("glad_for_skolen") == ["nej"]
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Response.id))) == 1


def analyst_of(organisation_id: int) -> User:
    user = User(email=f"analyst-{organisation_id}@x.dk", name="Analytiker")
    user.grants.append(Grant(role="analyst", organisation_id=organisation_id))
    db.session.add(user)
    db.session.commit()
    return user


def workbook_text(client, slug: str) -> str:
    response = client.get(f"/staff/eksport/{slug}.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    return " ".join(
        str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
    )


def test_rm_results_and_workbook_show_them_the_other_operators_do_not(world, app, client):
    unit_a, unit_b, round_a, round_b = world
    for _ in range(6):
        make_response(round_a, unit_a, {"trives": "ja", "glad_for_skolen": "ja"}, variant="unge")
        make_response(round_b, unit_b, {"trives": "ja"}, variant="unge")
    db.session.commit()
    session_login(client, analyst_of(unit_a.specialomraade.organisation_id))
    page = client.get("/staff/resultater/ra/unge/")
    assert page.status_code == 200 and OWN_TEXT in page.text and "Hverdagen her" in page.text
    assert OWN_TEXT in workbook_text(client, "ra")
    other = app.test_client()
    session_login(other, analyst_of(unit_b.specialomraade.organisation_id))
    page = other.get("/staff/resultater/rb/unge/")
    assert page.status_code == 200 and "Trives du her?" in page.text
    assert OWN_TEXT not in page.text and "Hverdagen her" not in page.text
    assert OWN_TEXT not in workbook_text(other, "rb")


def base_raw() -> dict:
    return tomllib.loads((ORGANISATIONS / "rm" / "unge-v1.toml").read_text("utf-8"))


def refusal(change) -> str:
    raw = base_raw()
    change(raw)
    with pytest.raises(QuestionnaireError) as error:
        extend(get("unge", 1), raw, "rm", "rm/unge-v1.toml")
    return str(error.value)


def test_loader_refuses_an_own_key_that_is_a_core_key():
    message = refusal(lambda raw: raw["questions"][0].update(key="trives"))
    assert message == (
        "rm/unge-v1.toml: eget spørgsmål 1 ('trives'): nøglen bruges allerede i unge-v1"
    )


def test_loader_refuses_an_own_question_under_a_core_theme():
    message = refusal(lambda raw: raw["questions"][1].update(theme="tryghed"))
    assert "eget spørgsmål 2 ('sover_godt')" in message
    assert "skal have sit eget tema, ikke unge-v1s 'tryghed'" in message


def test_loader_refuses_an_own_theme_named_like_a_core_theme():
    message = refusal(lambda raw: raw["themes"].update(trivsel={"da": "Trivsel", "en": "W"}))
    assert "temaet 'trivsel' findes i unge-v1" in message


def test_loader_refuses_a_missing_language_and_other_languages():
    message = refusal(lambda raw: raw["questions"][0]["text"].pop("en"))
    assert message == (
        "rm/unge-v1.toml: eget spørgsmål 1 ('glad_for_skolen'): mangler 'en' tekst i "
        "spørgsmålets tekst"
    )
    message = refusal(lambda raw: raw.update(languages=["da", "en", "de"]))
    assert "samme sprog som unge-v1: da, en" in message


def test_loader_refuses_an_own_free_text_question():
    def free_text(raw):
        raw["questions"][0].update(type="text")
        raw["questions"][0].pop("pictogram")

    assert "kan ikke være et tekstspørgsmål" in refusal(free_text)


def test_rm_admin_can_record_its_own_questions_another_admin_cannot_reach_them(world, app, client):
    unit_a, unit_b, _, _ = world
    rm, other = (unit.specialomraade.organisation for unit in (unit_a, unit_b))
    session_login(client, make_user("admin@rm.dk", ADMIN, rm))
    listing = client.get("/staff/oplaesning/")
    assert f'/staff/oplaesning/{rm.id}/unge/1/glad_for_skolen"' in listing.text
    page = client.get(f"/staff/oplaesning/{rm.id}/unge/1/glad_for_skolen")
    assert page.status_code == 200 and OWN_TEXT in page.text
    stranger = app.test_client()
    session_login(stranger, make_user("admin@rsj.dk", ADMIN, other))
    assert "glad_for_skolen" not in stranger.get("/staff/oplaesning/").text
    assert stranger.get(f"/staff/oplaesning/{other.id}/unge/1/glad_for_skolen").status_code == 404


def test_the_national_figures_never_hold_them(app):
    """rm's own release counts its own questions; the national release from it does not."""
    monday = week_of(date.today()) - timedelta(days=7 * 4)
    national = NationalRound(slug="sikrede-2025", name="Sikrede 2025", year=2025)
    rm = Organisation(slug="rm", name="Region Midtjylland")
    db.session.add_all([national, rm])
    db.session.flush()
    rounds = []
    for organisation in (rm, make_organisation("Region Sjælland")):
        area = make_specialomraade(organisation)
        units = [make_tilbud(area, variant="unge") for _ in range(2)]
        round_ = make_round(units, monday - timedelta(days=7), date.today() + timedelta(days=30))
        round_.national_round_id = national.id
        rounds.append(round_)
        for unit in units:
            db.session.add(Institution(tilbud_id=unit.id, planned_year=2025, planned_quarter=1))
            for i in range(8):
                own = {"glad_for_skolen": "ja", "sover_godt": "nej"} if organisation is rm else {}
                answers = {"trives": ("ja", "nej")[i % 2], "tryg": "ja", **own}
                make_response(round_, unit, answers, variant="unge", when=monday)
    published = monday + timedelta(days=8)
    own_release = publish(rounds[0], "unge", published)
    publish(rounds[1], "unge", published)
    release = publish_national(national, published)
    assert release is not None
    keys = set(
        db.session.scalars(
            select(ReleaseCount.question_key).where(ReleaseCount.release_id == own_release.id)
        )
    )
    assert set(OWN) <= keys  # rm's own figures have them
    national_keys = set(
        db.session.scalars(
            select(NationalReleaseCount.question_key).where(
                NationalReleaseCount.release_id == release.id
            )
        )
    )
    assert "trives" in national_keys and not set(OWN) & national_keys
    figures = national_results(national)
    assert not set(OWN) & set(figures.questions) and "hverdag" not in figures.themes


def test_loader_refuses_show_if_on_a_later_question_and_an_unknown_base(tmp_path):
    def later(raw):
        raw["questions"][0]["show_if"] = {"question": "sover_godt", "any_of": ["ja"]}

    assert "'glad_for_skolen': show_if skal pege på et tidligere spørgsmål" in refusal(later)
    folder = tmp_path / "rm"
    folder.mkdir()
    (folder / "unge-v9.toml").write_text('extends = "unge"\nversion = 9\n', "utf-8")
    with pytest.raises(QuestionnaireError, match=r"^rm/unge-v9.toml: unge-v9 findes ikke$"):
        load_extension(folder / "unge-v9.toml", "rm")
