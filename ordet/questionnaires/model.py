"""Plain, immutable questionnaire definitions (no database: the files are the source)."""

from dataclasses import dataclass, field

TextByLanguage = dict[str, str]

SCALE_TYPES = ("smiley3", "smiley5", "likert5", "yes_no")
QUESTION_TYPES = (*SCALE_TYPES, "choice", "text")
# Answers outside the scale: counted on their own, never as a midpoint.
DONT_KNOW = "ved_ikke"
DECLINED = "vil_ikke_svare"
SPECIAL_CODES = (DONT_KNOW, DECLINED)


@dataclass(frozen=True)
class Option:
    code: str
    text: TextByLanguage
    score: int | None = None
    positive: bool = False
    special: bool = False
    face: str | None = None

    def label(self, language: str) -> str:
        return self.text.get(language) or self.text["da"]


@dataclass(frozen=True)
class ShowIf:
    """Show a question only when an earlier one was answered with one of ``any_of``."""

    question: str
    any_of: tuple[str, ...]


@dataclass(frozen=True)
class Question:
    key: str
    type: str
    theme: str
    text: TextByLanguage
    help: TextByLanguage = field(default_factory=dict)
    pictogram: str | None = None
    options: tuple[Option, ...] = ()
    show_if: ShowIf | None = None
    max_length: int = 2000

    @property
    def is_text(self) -> bool:
        return self.type == "text"

    @property
    def has_scale(self) -> bool:
        return self.type in SCALE_TYPES

    @property
    def has_mean(self) -> bool:
        return any(option.score is not None for option in self.options)

    def option(self, code: str) -> Option | None:
        return next((option for option in self.options if option.code == code), None)

    def label(self, language: str) -> str:
        return self.text.get(language) or self.text["da"]

    def help_text(self, language: str) -> str:
        return self.help.get(language) or self.help.get("da", "")

    def read_aloud_text(self, language: str) -> str:
        """What "Læs op" says (and a recording should say): the question, its help, its answers."""
        parts = [self.label(language), self.help_text(language)]
        parts += [f"{option.label(language)}." for option in self.options]
        return " ".join(part for part in parts if part)


@dataclass(frozen=True)
class Questionnaire:
    key: str
    version: int
    title: TextByLanguage
    audience: str
    channel: str
    languages: tuple[str, ...]
    themes: dict[str, TextByLanguage]
    questions: tuple[Question, ...]
    # The national core (``national_core = true`` in its file): shared by every organisation
    # in a national round; only its questions count nationally.
    national_core: bool = False
    # Set on an organisation's merged questionnaire: its slug and the keys of its own questions.
    organisation: str | None = None
    own_keys: frozenset[str] = frozenset()

    @property
    def ident(self) -> str:
        return f"{self.key}-v{self.version}"

    def question(self, key: str) -> Question | None:
        return next((q for q in self.questions if q.key == key), None)

    def visible_questions(self, answers: dict[str, str]) -> list[Question]:
        """The questions this respondent sees, given what they answered so far."""
        return [
            q
            for q in self.questions
            if q.show_if is None or answers.get(q.show_if.question) in q.show_if.any_of
        ]

    def totals_by_choice(self, question: Question, answers: dict[str, str]) -> dict[str, int]:
        """How many questions there are with each answer to ``question`` ("" for none), when
        the answer decides whether a later question is shown; empty when it never does."""
        if not any(q.show_if and q.show_if.question == question.key for q in self.questions):
            return {}
        totals = {}
        for code in ("", *(option.code for option in question.options)):
            chosen = {key: value for key, value in answers.items() if key != question.key}
            if code:
                chosen[question.key] = code
            totals[code] = len(self.visible_questions(chosen))
        return totals

    def theme_label(self, theme: str, language: str) -> str:
        texts = self.themes.get(theme, {})
        return texts.get(language) or texts.get("da", theme)
