"""An easy-language check for the Danish texts of a questionnaire.

It fails on what makes a borger stumble, with thresholds taken from the sources below. It is a
floor, not proof: Inclusion Europe asks that easy-read texts are tested with people from the
target group, and that still has to happen.

Sources and thresholds
----------------------
* **Inclusion Europe, "Information for all. European standards for making information easy to
  read and understand" (2009)**: short sentences, one idea per sentence, everyday words, positive
  sentences rather than negative ones, no difficult or long words.
* **Finlay & Lyons (2001, Psychological Assessment 13:319–335; 2002, Mental Retardation
  40:14–29)**: yes-saying by people with intellectual disabilities grows with question
  complexity; avoid negations ("Er du ikke …?") and double questions; one short, concrete
  question about one thing.
* **LIX (Björnsson 1968, "Läsbarhet")**: words per sentence + percentage of words longer than six
  letters. The usual Danish bands: under 25 very easy (children's books), 25–34 easy, 35–44
  medium (newspapers), 45–54 hard, 55 and over very hard.

Borger and unge questionnaires (read by, or read aloud to, people who read little):

* at most 12 words per question — below the 15-word ceiling common in easy-read guides, because
  the question must be held in mind together with the answers (and is often heard, not read);
* no negation words (ikke, ingen, intet, ingenting, aldrig, hverken, ej);
* exactly one question mark, at the end (one question per screen);
* at most one word longer than 12 letters (Danish compounds such as "medarbejderne" are fine
  once, not piled up);
* LIX over all question texts of the questionnaire below 30 ("easy");
* help sentences at most 15 words; answer options at most 6 words.

Pårørende (adults reading on their own, on a 5-point scale): the same rules with looser limits —
at most 15 words per question, up to two words longer than 12 letters and LIX below 45
("medium", newspaper level). Negations and double question marks stay forbidden: they cause
misreadings for every reader.
"""

import re
from dataclasses import dataclass

from .model import Questionnaire

NEGATIONS = frozenset({"ikke", "ingen", "intet", "ingenting", "aldrig", "hverken", "ej"})
WORD = re.compile(r"[A-Za-zÆØÅæøåÉéÜü]+(?:-[A-Za-zÆØÅæøå]+)*")
SENTENCE_END = re.compile(r"[.!?]+")


@dataclass(frozen=True)
class Limits:
    max_question_words: int
    max_long_words: int  # words longer than LONG_WORD letters, per question
    max_lix: float  # over all question texts of a questionnaire
    max_help_words: int = 15
    max_option_words: int = 6


LONG_WORD = 12
EASY = Limits(max_question_words=12, max_long_words=1, max_lix=30)
ADULT = Limits(max_question_words=15, max_long_words=2, max_lix=45)
LIMITS_BY_AUDIENCE = {"borger": EASY, "unge": EASY, "paaroerende": ADULT}


@dataclass(frozen=True)
class Problem:
    question: str
    message: str

    def __str__(self) -> str:
        return f"{self.question}: {self.message}"


def words(text: str) -> list[str]:
    return WORD.findall(text)


def lix(sentences: list[str]) -> float:
    """Björnsson's LIX: words per sentence plus the percentage of words over six letters."""
    all_words = [w for sentence in sentences for w in words(sentence)]
    if not all_words:
        return 0.0
    long_words = sum(1 for w in all_words if len(w) > 6)
    return len(all_words) / len(sentences) + 100 * long_words / len(all_words)


def question_problems(text: str, limits: Limits) -> list[str]:
    """What is wrong with one question text (Danish), as short messages."""
    found = []
    said = words(text)
    if len(said) > limits.max_question_words:
        found.append(f"{len(said)} ord (højst {limits.max_question_words})")
    negations = sorted({w.lower() for w in said} & NEGATIONS)
    if negations:
        found.append(f"nægtelse: {', '.join(negations)}")
    if text.count("?") != 1 or not text.rstrip().endswith("?"):
        found.append("skal have præcis ét spørgsmålstegn, til sidst")
    long_words = [w for w in said if len(w) > LONG_WORD]
    if len(long_words) > limits.max_long_words:
        found.append(f"for mange lange ord: {', '.join(long_words)}")
    return found


def sentence_problems(text: str, max_words: int) -> list[str]:
    found = []
    for sentence in SENTENCE_END.split(text):
        count = len(words(sentence))
        if count > max_words:
            found.append(f"en sætning har {count} ord (højst {max_words}): {sentence.strip()!r}")
    return found


def check(questionnaire: Questionnaire, language: str = "da") -> list[Problem]:
    """Every easy-language problem in the questionnaire's texts in ``language`` (Danish rules)."""
    limits = LIMITS_BY_AUDIENCE.get(questionnaire.audience, EASY)
    problems: list[Problem] = []
    texts = []
    for question in questionnaire.questions:
        text = question.label(language)
        texts.append(text)
        for message in question_problems(text, limits):
            problems.append(Problem(question.key, message))
        if question.help:
            for message in sentence_problems(question.help_text(language), limits.max_help_words):
                problems.append(Problem(question.key, f"hjælpetekst: {message}"))
        for option in question.options:
            count = len(words(option.label(language)))
            if count > limits.max_option_words:
                problems.append(Problem(question.key, f"svaret {option.code!r} har {count} ord"))
    score = lix(texts)
    if score >= limits.max_lix:
        problems.append(
            Problem(questionnaire.ident, f"LIX {score:.0f} (skal være under {limits.max_lix:.0f})")
        )
    return problems
