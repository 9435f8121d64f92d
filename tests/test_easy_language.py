"""The questionnaire texts pass the easy-language check; the check catches what it should."""

import pytest

from ordet.questionnaires import all_versions, latest
from ordet.questionnaires.easy_language import ADULT, EASY, check, lix, question_problems


@pytest.mark.parametrize("ident", sorted(all_versions()), ids=lambda i: f"{i[0]}-v{i[1]}")
def test_every_shipped_questionnaire_is_easy_to_read(ident):
    problems = check(all_versions()[ident])
    assert not problems, "\n".join(map(str, problems))


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("Er du ikke glad for maden?", "nægtelse: ikke"),
        ("Har du aldrig nogen at tale med?", "nægtelse: aldrig"),
        ("Kan du lide maden? Og kan du lide dit værelse?", "præcis ét spørgsmålstegn"),
        ("Du kan lide maden.", "præcis ét spørgsmålstegn"),
        (
            "Hvor tilfreds er du alt i alt med den måde, som medarbejderne hjælper dig på?",
            "15 ord (højst 12)",
        ),
        (
            "Er samarbejdsrelationerne med medarbejdergruppen gode?",
            "for mange lange ord",
        ),
    ],
)
def test_a_question_a_borger_would_stumble_on_is_refused(text, complaint):
    problems = question_problems(text, EASY)
    assert any(complaint in problem for problem in problems), problems


def test_the_same_question_is_acceptable_for_paaroerende_reading_on_their_own():
    text = "Hvor tilfreds er du alt i alt med den måde, medarbejderne hjælper dig på?"
    assert question_problems(text, EASY)
    assert question_problems(text, ADULT) == []


def test_lix_is_words_per_sentence_plus_percentage_of_long_words():
    # 8 words in 2 sentences; only "medarbejderne" is longer than six letters: 4 + 12.5.
    assert lix(["Lytter medarbejderne til dig?", "Kan du lide maden?"]) == pytest.approx(4 + 12.5)


def test_the_kiosk_questionnaires_are_in_the_easy_lix_band():
    for key in ("borger", "unge"):
        texts = [question.label("da") for question in latest(key).questions]
        assert lix(texts) < 30, key
