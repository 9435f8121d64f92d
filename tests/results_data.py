"""Generated responses for the results and export tests, finished through the real services."""

import random
import tomllib
from datetime import date, timedelta

from ordet.answering import services
from ordet.answering.models import DRAFT, Answer, Response
from ordet.extensions import db
from ordet.questionnaires import loader
from ordet.results.releases import publish
from ordet.weeks import week_of

COMMENTS = ['=HYPERLINK("http://x","klik")', "@SUM(1)", "+45 12 34", "-ok", "Fint sted", "Tak"]


def borger_v2():
    """borger v2: "sover_godt" is gone, "mad" keeps its key, "ny_vaerdi" is new."""
    raw = tomllib.loads((loader.DEFINITIONS / "borger-v1.toml").read_text("utf-8"))
    raw["version"] = 2
    raw["questions"] = [q for q in raw["questions"] if q["key"] != "sover_godt"]
    new = dict(raw["questions"][0], key="ny_vaerdi", text={"da": "Ny?", "en": "New?"})
    new.pop("help", None)
    raw["questions"].insert(3, new)
    return loader.parse(raw, "borger-v2")


def install_borger_v2(monkeypatch) -> None:
    versions = dict(loader.all_versions())
    versions[("borger", 2)] = borger_v2()
    monkeypatch.setattr(loader, "all_versions", lambda: versions)


def make_response(
    round_,
    tilbud,
    answers: dict[str, str],
    status="complete",
    variant="borger",
    version=1,
    when: date | None = None,
) -> Response:
    """A draft with ``answers``, then submitted (complete), abandoned (partial) or left a draft."""
    response = Response(
        round_id=round_.id,
        tilbud_id=tilbud.id,
        questionnaire=variant,
        questionnaire_version=version,
        channel="kiosk",
        language="da",
        assisted=answers.get("hjaelp"),
        status=DRAFT,
        answered_week=week_of(when or round_.opens_on),
    )
    response.answers = [Answer(question_key=k, value=v) for k, v in answers.items()]
    db.session.add(response)
    db.session.flush()
    if status == "complete":
        services.submit(services.draft_by_id(response.id), when or round_.opens_on)
    elif status == "partial":
        services.abandon(services.draft_by_id(response.id), when or round_.opens_on)
    db.session.expire(response)  # closed with Core: the ORM reloads status and answers
    return response


def random_answers(rng: random.Random, questionnaire, partial=False) -> dict[str, str]:
    answers: dict[str, str] = {}
    questions = list(questionnaire.questions)
    stop = rng.randint(1, len(questions) - 1) if partial else len(questions)
    for question in questions[:stop]:
        if (
            question.show_if
            and answers.get(question.show_if.question) not in question.show_if.any_of
        ):
            continue
        if rng.random() < 0.1:
            continue
        if question.is_text:
            if rng.random() < 0.5:
                answers[question.key] = rng.choice(COMMENTS)
            continue
        answers[question.key] = rng.choice(question.options).code
    return answers


def generate(round_, tilbud_sizes: dict, seed=1, variant="borger", versions=(1,)) -> list[Response]:
    """``tilbud_sizes``: {tilbud: number of responses}; some partial, some drafts."""
    rng = random.Random(seed)
    made = []
    for tilbud, size in tilbud_sizes.items():
        for i in range(size):
            version = versions[i % len(versions)]
            questionnaire = loader.get(variant, version)
            roll = rng.random()
            status = "draft" if roll < 0.1 else "partial" if roll < 0.3 else "complete"
            answers = random_answers(rng, questionnaire, status != "complete")
            if not answers:
                answers = (
                    {"glad_for_stedet": "ja"} if variant == "borger" else {"samlet": "tilfreds"}
                )
            when = round_.opens_on + timedelta(days=rng.randint(0, 5))
            made.append(make_response(round_, tilbud, answers, status, variant, version, when))
    return made


def release_all(round_, on: date | None = None) -> list:
    """Publish each questionnaire's release of ``round_`` as on ``on`` (default: the day after
    it closes, so the final release, holding every finished response)."""
    day = on or round_.closes_on + timedelta(days=1)
    made = [publish(round_, q.variant, day) for q in round_.questionnaires]
    db.session.flush()
    return made
