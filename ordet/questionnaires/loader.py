"""Read questionnaire files; refuse a bad one, naming the question and the problem."""

import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from .model import (
    QUESTION_TYPES,
    SCALE_TYPES,
    SPECIAL_CODES,
    Option,
    Question,
    Questionnaire,
    ShowIf,
)

DEFINITIONS = Path(__file__).parent / "definitions"
PICTOGRAMS = Path(__file__).parent.parent / "templates" / "pictograms"
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
REQUIRED_LANGUAGES = ("da", "en")


class QuestionnaireError(ValueError):
    """A questionnaire file that must not be used; the message says where and why."""


def _texts(raw: Any, where: str, what: str, languages: tuple[str, ...]) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise QuestionnaireError(f"{where}: mangler {what} (en tabel med sprog som nøgler)")
    texts = {lang: str(value).strip() for lang, value in raw.items()}
    for lang in languages:
        if not texts.get(lang):
            name = "dansk" if lang == "da" else f"'{lang}'"
            raise QuestionnaireError(f"{where}: mangler {name} tekst i {what}")
    return texts


@cache
def _scales() -> dict[str, tuple[Option, ...]]:
    raw = tomllib.loads((DEFINITIONS / "_scales.toml").read_text("utf-8"))
    scales: dict[str, tuple[Option, ...]] = {}
    for name, table in raw.items():
        scales[name] = tuple(
            Option(
                code=item["code"],
                text={k: v for k, v in item.items() if len(k) == 2},
                score=item.get("score"),
                positive=item.get("positive", False),
                special=name == "special",
                face=item.get("face"),
            )
            for item in table["options"]
        )
    return scales


def _pictogram_names() -> set[str]:
    return {path.stem for path in PICTOGRAMS.glob("*.svg")}


def _options(raw: dict, where: str, qtype: str, languages: tuple[str, ...]) -> tuple[Option, ...]:
    scales = _scales()
    if qtype == "text":
        if raw.get("options"):
            raise QuestionnaireError(f"{where}: et tekstspørgsmål kan ikke have svarmuligheder")
        return ()
    if qtype in SCALE_TYPES:
        if raw.get("options"):
            raise QuestionnaireError(f"{where}: typen '{qtype}' har faste svarmuligheder")
        own = scales[qtype]
    else:
        items = raw.get("options")
        if not isinstance(items, list) or len(items) < 2:
            raise QuestionnaireError(
                f"{where}: et valgspørgsmål skal have mindst to svarmuligheder"
            )
        own = []
        for item in items:
            code = item.get("code", "") if isinstance(item, dict) else ""
            if not KEY_PATTERN.match(code) or code in SPECIAL_CODES:
                raise QuestionnaireError(f"{where}: ugyldig kode for svarmulighed: '{code}'")
            texts = _texts(item, f"{where}, svarmulighed '{code}'", "teksten", languages)
            texts.pop("code", None)
            own.append(Option(code=code, text=texts))
        codes = [option.code for option in own]
        if len(set(codes)) != len(codes):
            raise QuestionnaireError(f"{where}: samme kode bruges to gange i svarmulighederne")
    return (*own, *scales["special"])


def _question(raw: dict, index: int, themes: dict, languages: tuple[str, ...]) -> Question:
    key = raw.get("key", "")
    where = f"spørgsmål {index} ('{key}')" if key else f"spørgsmål {index}"
    if not KEY_PATTERN.match(key):
        raise QuestionnaireError(f"{where}: nøglen skal være små bogstaver, tal og _")
    qtype = raw.get("type")
    if qtype not in QUESTION_TYPES:
        raise QuestionnaireError(f"{where}: ukendt type '{qtype}'")
    theme = raw.get("theme")
    if theme not in themes:
        raise QuestionnaireError(f"{where}: ukendt tema '{theme}'")
    text = _texts(raw.get("text"), where, "spørgsmålets tekst", languages)
    help_text = _texts(raw["help"], where, "hjælpeteksten", languages) if "help" in raw else {}
    pictogram = raw.get("pictogram")
    if qtype != "text":
        if not pictogram:
            raise QuestionnaireError(f"{where}: et lukket spørgsmål skal have et piktogram")
        if pictogram not in _pictogram_names():
            raise QuestionnaireError(f"{where}: piktogrammet '{pictogram}' findes ikke")
    show_if = None
    if "show_if" in raw:
        cond = raw["show_if"]
        show_if = ShowIf(question=cond.get("question", ""), any_of=tuple(cond.get("any_of", ())))
    return Question(
        key=key,
        type=qtype,
        theme=theme,
        text=text,
        help=help_text,
        pictogram=pictogram,
        options=_options(raw, where, qtype, languages),
        show_if=show_if,
        max_length=int(raw.get("max_length", 2000)),
    )


def parse(raw: dict, source: str = "<tekst>") -> Questionnaire:
    """Build a questionnaire from parsed TOML, or raise ``QuestionnaireError``."""
    try:
        key, version = raw["key"], int(raw["version"])
    except (KeyError, ValueError, TypeError):
        raise QuestionnaireError(f"{source}: mangler 'key' eller et heltal i 'version'") from None
    languages = tuple(raw.get("languages", REQUIRED_LANGUAGES))
    if not set(REQUIRED_LANGUAGES) <= set(languages):
        raise QuestionnaireError(f"{source}: 'languages' skal mindst have da og en")
    themes = {
        name: _texts(texts, f"{source}, tema '{name}'", "temaets navn", languages)
        for name, texts in raw.get("themes", {}).items()
    }
    questions: list[Question] = []
    for index, item in enumerate(raw.get("questions", []), start=1):
        question = _question(item, index, themes, languages)
        if any(q.key == question.key for q in questions):
            raise QuestionnaireError(
                f"{source}: spørgsmål {index} ('{question.key}'): nøglen bruges allerede"
            )
        if question.show_if:
            earlier = next((q for q in questions if q.key == question.show_if.question), None)
            codes = {o.code for o in earlier.options} if earlier else set()
            if earlier is None or not set(question.show_if.any_of) <= codes:
                raise QuestionnaireError(
                    f"{source}: spørgsmål {index} ('{question.key}'): show_if skal pege på "
                    "et tidligere spørgsmål og dets koder"
                )
        questions.append(question)
    if not questions:
        raise QuestionnaireError(f"{source}: skemaet har ingen spørgsmål")
    return Questionnaire(
        key=key,
        version=version,
        title=_texts(raw.get("title"), source, "titlen", languages),
        audience=raw.get("audience", key),
        channel=raw.get("channel", "kiosk"),
        languages=languages,
        themes=themes,
        questions=tuple(questions),
        national_core=raw.get("national_core", False) is True,
    )


def load_file(path: Path) -> Questionnaire:
    """Load one file; a TOML syntax error is reported like any other problem."""
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise QuestionnaireError(f"{path.name}: filen kan ikke læses: {error}") from None
    return parse(raw, path.name)


@cache
def all_versions() -> dict[tuple[str, int], Questionnaire]:
    """Every questionnaire version shipped with the package, by (key, version)."""
    found: dict[tuple[str, int], Questionnaire] = {}
    for path in sorted(DEFINITIONS.glob("*.toml")):
        if path.name.startswith("_"):
            continue
        questionnaire = load_file(path)
        ident = (questionnaire.key, questionnaire.version)
        if ident in found:
            raise QuestionnaireError(f"{path.name}: {questionnaire.ident} findes allerede")
        found[ident] = questionnaire
    return found


def get(key: str, version: int, organisation: str | None = None) -> Questionnaire | None:
    """Questionnaire ``key`` version ``version``; for ``organisation`` (a slug) with that
    organisation's own questions merged in, when it has any (see ``own_questions``)."""
    if organisation is not None:
        from .own_questions import all_extended

        extended = all_extended().get((organisation, key, version))
        if extended is not None:
            return extended
    return all_versions().get((key, version))


def latest(key: str) -> Questionnaire | None:
    versions = [q for (k, _), q in all_versions().items() if k == key]
    return max(versions, key=lambda q: q.version, default=None)
