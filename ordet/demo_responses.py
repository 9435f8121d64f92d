"""Synthetic finished responses for the demo and the benchmarks, loaded in bulk."""

import random
from datetime import date, timedelta

from .answering.models import COMPLETE, PARTIAL, Answer, Response
from .demo import VARIANTS
from .extensions import db
from .org.models import Tilbud
from .questionnaires.scoped import of_organisation
from .rounds.models import Round
from .weeks import week_of

SAMPLE_COMMENTS = [
    "Jeg er glad for min kontaktperson.",
    "Maden kunne være bedre.",
    "Jeg vil gerne på flere ture.",
    "Det er for larmende om aftenen.",
    "Tak for hjælpen.",
]


def synthetic_responses(rounds: list[Round], tilbud: list[Tilbud], wanted: int, today: date) -> int:
    """Top the demo up to ``wanted`` finished responses, spread over tilbud and rounds.

    Written with bulk inserts and explicit ids: a million responses must load in minutes.
    """
    existing = db.session.scalar(db.select(db.func.count(Response.id))) or 0
    missing = wanted - existing
    if missing <= 0:
        return 0
    rng = random.Random(existing)  # noqa: S311 (synthetic data)
    next_response = (db.session.scalar(db.select(db.func.max(Response.id))) or 0) + 1
    next_answer = (db.session.scalar(db.select(db.func.max(Answer.id))) or 0) + 1
    # As each round's organisation asks them: with its own questions.
    questionnaires = {
        (r.organisation_id, v): of_organisation(r.organisation_id, v, 1)
        for r in rounds
        for v in VARIANTS
    }
    batch_responses: list[dict] = []
    batch_answers: list[dict] = []
    for _ in range(missing):
        round_ = rng.choice(rounds)
        unit = rng.choice(tilbud)
        variant = "paaroerende" if rng.random() < 0.2 else unit.kiosk_variant
        questionnaire = questionnaires[round_.organisation_id, variant]
        status = PARTIAL if rng.random() < 0.1 else COMPLETE
        span = (min(round_.closes_on, today) - round_.opens_on).days
        answers = synthetic_answers(rng, questionnaire, status == PARTIAL)
        batch_responses.append(
            {
                "id": next_response,
                "round_id": round_.id,
                "tilbud_id": unit.id,
                "questionnaire": variant,
                "questionnaire_version": 1,
                "channel": "link" if variant == "paaroerende" else "kiosk",
                "language": "en" if rng.random() < 0.05 else "da",
                "assisted": answers.get("hjaelp"),
                "status": status,
                "answered_week": week_of(round_.opens_on + timedelta(days=rng.randint(0, span))),
                "draft_key_hash": None,
            }
        )
        for key, value in answers.items():
            batch_answers.append(
                {
                    "id": next_answer,
                    "response_id": next_response,
                    "question_key": key,
                    "value": value,
                }
            )
            next_answer += 1
        next_response += 1
        if len(batch_answers) >= 50_000:
            _flush_batch(batch_responses, batch_answers)
    _flush_batch(batch_responses, batch_answers)
    if db.session.get_bind().dialect.name == "postgresql":
        # Explicit ids bypass the sequences; move them on, or the next kiosk submit collides.
        for table in ("response", "answer"):
            db.session.execute(
                db.text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT max(id) FROM {table}))"
                )
            )
    return missing


def _flush_batch(responses: list[dict], answers: list[dict]) -> None:
    if responses:
        db.session.execute(db.insert(Response), responses)
    if answers:
        db.session.execute(db.insert(Answer), answers)
    responses.clear()
    answers.clear()


def synthetic_answers(rng: random.Random, questionnaire, partial: bool) -> dict[str, str]:
    answers: dict[str, str] = {}
    stop = rng.randint(1, len(questionnaire.questions) - 1) if partial else None
    for index, question in enumerate(questionnaire.questions):
        if stop is not None and index >= stop:
            break
        if (
            question.show_if
            and answers.get(question.show_if.question) not in question.show_if.any_of
        ):
            continue
        if question.is_text:
            if rng.random() < 0.08:
                answers[question.key] = rng.choice(SAMPLE_COMMENTS)
            continue
        if rng.random() < 0.04:
            continue  # skipped
        roll = rng.random()
        options = question.options
        if roll < 0.04:
            answers[question.key] = "ved_ikke"
        elif roll < 0.06:
            answers[question.key] = "vil_ikke_svare"
        else:
            scale = [o for o in options if not o.special]
            weights = list(range(len(scale), 0, -1))  # positive answers are more common
            answers[question.key] = rng.choices(scale, weights=weights)[0].code
    return answers
