import tomllib

import pytest

from ordet.questionnaires import QuestionnaireError, all_versions, latest
from ordet.questionnaires.loader import DEFINITIONS, parse
from ordet.questionnaires.model import DECLINED, DONT_KNOW


def test_every_shipped_questionnaire_loads_with_10_to_15_questions():
    found = {key for key, _ in all_versions()}
    assert found == {"borger", "unge", "paaroerende"}
    for questionnaire in all_versions().values():
        assert 10 <= len(questionnaire.questions) <= 15, questionnaire.ident


def test_every_closed_question_offers_dont_know_and_declined_and_a_pictogram():
    for questionnaire in all_versions().values():
        for question in questionnaire.questions:
            assert question.text["da"] and question.text["en"]
            if question.is_text:
                continue
            codes = [option.code for option in question.options]
            assert codes[-2:] == [DONT_KNOW, DECLINED], question.key
            assert question.pictogram, question.key


@pytest.mark.parametrize("key", ["borger", "unge"])
def test_kiosk_questionnaires_end_with_free_text_then_help(key):
    keys = [q.key for q in latest(key).questions]
    assert keys[-3:] == ["andet", "hjaelp", "hjaelp_hvordan"]
    assert (
        latest(key).question("glad_for_stedet" if key == "borger" else "trives").type == "smiley3"
    )


def test_how_they_helped_is_asked_only_after_a_yes():
    borger = latest("borger")
    no_help = [q.key for q in borger.visible_questions({"hjaelp": "nej"})]
    staff_help = [q.key for q in borger.visible_questions({"hjaelp": "medarbejder"})]
    assert "hjaelp_hvordan" not in no_help
    assert "hjaelp_hvordan" in staff_help


def _raw(key="borger"):
    return tomllib.loads((DEFINITIONS / f"{key}-v1.toml").read_text("utf-8"))


def test_loader_refuses_a_duplicate_key_and_names_it():
    raw = _raw()
    raw["questions"].append(dict(raw["questions"][0]))
    with pytest.raises(QuestionnaireError, match="'glad_for_stedet'.*bruges allerede"):
        parse(raw, "borger-v1.toml")


def test_loader_refuses_missing_danish_text_and_names_the_question():
    raw = _raw()
    raw["questions"][2] = {**raw["questions"][2], "text": {"en": "Do you feel safe here?"}}
    with pytest.raises(QuestionnaireError, match="spørgsmål 3 \\('tryg'\\).*dansk"):
        parse(raw, "borger-v1.toml")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"type": "slider"}, "ukendt type"),
        ({"pictogram": "findes-ikke"}, "piktogrammet"),
        ({"theme": "vejret"}, "ukendt tema"),
        ({"key": "Store Bogstaver"}, "nøglen"),
    ],
)
def test_loader_refuses_other_bad_questions(change, message):
    raw = _raw()
    raw["questions"][0] = {**raw["questions"][0], **change}
    with pytest.raises(QuestionnaireError, match=message):
        parse(raw, "borger-v1.toml")


def test_loader_refuses_show_if_pointing_at_a_later_question():
    raw = _raw()
    raw["questions"][0] = {
        **raw["questions"][0],
        "show_if": {"question": "hjaelp", "any_of": ["nej"]},
    }
    with pytest.raises(QuestionnaireError, match="show_if"):
        parse(raw, "borger-v1.toml")
