"""An organisation's own questions: a versioned file that extends a shipped questionnaire.

``definitions/organisations/<organisation slug>/<key>-v<version>.toml`` holds ``extends`` (the
questionnaire's key), ``version`` (the version it extends), its own ``[themes]`` and its own
``[[questions]]``. For that organisation the questions are inserted before the closing free-text
and help questions, so the flow still ends with "Er der andet…" and "Fik du hjælp…".

They stay the organisation's own: ``get(key, version)`` without an organisation never has them,
so neither another organisation nor the national figures (the core alone) ever see them. To keep
the national patterns per theme those of the core, an own question must have an own theme; its
key must not be one of the base's; its texts come in the base's languages. Own questions are
closed questions: a free-text answer is a comment, handled only for the base's free-text question
(counted as "text", shown only through the comments page).
"""

import tomllib
from dataclasses import replace
from functools import cache
from pathlib import Path

from .loader import DEFINITIONS, QuestionnaireError, _question, _texts, all_versions
from .model import Question, Questionnaire

ORGANISATIONS = DEFINITIONS / "organisations"
# The questions that close every flow, in the base's order; own questions come before them.
CLOSING_THEMES = ("andet", "hjaelp")


def extend(base: Questionnaire, raw: dict, organisation: str, source: str) -> Questionnaire:
    """``base`` with ``organisation``'s own questions from ``raw``, or ``QuestionnaireError``."""
    languages = base.languages
    if "languages" in raw and tuple(raw["languages"]) != languages:
        raise QuestionnaireError(
            f"{source}: egne spørgsmål skal have de samme sprog som {base.ident}: "
            f"{', '.join(languages)}"
        )
    themes = {}
    for name, texts in raw.get("themes", {}).items():
        if name in base.themes:
            raise QuestionnaireError(
                f"{source}: temaet '{name}' findes i {base.ident}; giv dit tema et andet navn"
            )
        themes[name] = _texts(texts, f"{source}, tema '{name}'", "temaets navn", languages)
    own: list[Question] = []
    for index, item in enumerate(raw.get("questions", []), start=1):
        key = item.get("key", "") if isinstance(item, dict) else ""
        where = f"{source}: eget spørgsmål {index} ('{key}')"
        if base.question(key) is not None:
            raise QuestionnaireError(f"{where}: nøglen bruges allerede i {base.ident}")
        if any(q.key == key for q in own):
            raise QuestionnaireError(f"{where}: nøglen bruges allerede")
        if item.get("theme") in base.themes:
            raise QuestionnaireError(
                f"{where}: et eget spørgsmål skal have sit eget tema, ikke {base.ident}s "
                f"'{item['theme']}'"
            )
        if item.get("type") == "text":
            raise QuestionnaireError(f"{where}: et eget spørgsmål kan ikke være et tekstspørgsmål")
        try:
            own.append(_question(item, index, themes, languages))
        except QuestionnaireError as error:
            raise QuestionnaireError(f"{source}: eget {error}") from None
    if not own:
        raise QuestionnaireError(f"{source}: filen har ingen egne spørgsmål")
    at = next((i for i, q in enumerate(base.questions) if q.theme in CLOSING_THEMES), None)
    at = len(base.questions) if at is None else at
    questions = (*base.questions[:at], *own, *base.questions[at:])
    _check_show_if(questions, {q.key for q in own}, source)
    closing = {name: texts for name, texts in base.themes.items() if name in CLOSING_THEMES}
    opening = {name: texts for name, texts in base.themes.items() if name not in closing}
    return replace(
        base,
        themes={**opening, **themes, **closing},
        questions=questions,
        organisation=organisation,
        own_keys=frozenset(q.key for q in own),
    )


def _check_show_if(questions: tuple[Question, ...], own: set[str], source: str) -> None:
    for position, question in enumerate(questions):
        if question.key not in own or question.show_if is None:
            continue
        wanted = question.show_if.question
        earlier = next((q for q in questions[:position] if q.key == wanted), None)
        codes = {o.code for o in earlier.options} if earlier else set()
        if earlier is None or not set(question.show_if.any_of) <= codes:
            raise QuestionnaireError(
                f"{source}: eget spørgsmål '{question.key}': show_if skal pege på et tidligere "
                "spørgsmål og dets koder"
            )


def load_extension(path: Path, organisation: str) -> Questionnaire:
    """The questionnaire ``path`` extends, merged with ``organisation``'s own questions."""
    source = f"{organisation}/{path.name}"
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise QuestionnaireError(f"{source}: filen kan ikke læses: {error}") from None
    try:
        ident = (str(raw["extends"]), int(raw["version"]))
    except (KeyError, ValueError, TypeError):
        raise QuestionnaireError(
            f"{source}: mangler 'extends' eller et heltal i 'version'"
        ) from None
    base = all_versions().get(ident)
    if base is None:
        raise QuestionnaireError(f"{source}: {ident[0]}-v{ident[1]} findes ikke")
    return extend(base, raw, organisation, source)


@cache
def all_extended() -> dict[tuple[str, str, int], Questionnaire]:
    """Every organisation's merged questionnaire, by (organisation slug, key, version)."""
    found: dict[tuple[str, str, int], Questionnaire] = {}
    for path in sorted(ORGANISATIONS.glob("*/*.toml")):
        organisation = path.parent.name
        questionnaire = load_extension(path, organisation)
        ident = (organisation, questionnaire.key, questionnaire.version)
        if ident in found:
            raise QuestionnaireError(
                f"{organisation}/{path.name}: {questionnaire.ident} udvides allerede"
            )
        found[ident] = questionnaire
    return found
