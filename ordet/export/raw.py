"""Comments and raw-data sheets, from the same release as every other number.

The raw data is microdata, so it carries as little as an analyst needs (``shared/ANONYMITY.md``
§4): the responses of the release (no answer that came since), each under the nearest unit
the release shows (a hidden tilbud's rows stand under its specialområde without the tilbud's
name), rows in a new random order and numbered in that order in every export, no date or
week, no channel, language or status, no answer to the help questions (they would let the
rows be matched to the help groups) and no free text (comments have a list of their own).
"""

import random
from collections.abc import Iterator

from sqlalchemy import select

from ..answering.models import COMPLETE, PARTIAL, Answer, Response
from ..answering.services import ASSISTED_QUESTION
from ..extensions import db
from ..questionnaires.model import Question, Questionnaire
from ..results.aggregate import RoundResults, Stats
from ..results.comments import comment_groups, released_comments
from ..results.units import TILBUD
from ..rounds.models import Round
from ..weeks import week_label
from .rows import VARIANT_NAMES
from .writer import INTEGER, Sheet

RAW_HEADERS = ["Nr.", "Specialområde", "Tilbud"]
LEGEND_HEADERS = ["Skema", "Nøgle", "Spørgsmål", "Kode", "Betydning", "Point"]
CHUNK = 500  # responses fetched per query, in the shuffled order
COLUMN_NOTES = [
    ("Skema", "Spørgeskemaet: Borgere, Unge eller Pårørende"),
    ("Nr.", "Rækkens nummer i denne fil. Rækkerne står i en ny tilfældig orden i hver fil"),
    ("Specialområde", "Tom, når specialområdet har for få svar til at blive vist"),
    (
        "Tilbud",
        "Tom, når tilbuddet har for få svar til at blive vist: rækken står så under "
        "specialområdet, sammen med de andre tilbud med for få svar",
    ),
    ("(tom)", "Spørgsmålet blev sprunget over, ikke vist eller findes ikke i skemaet"),
    (
        "(ikke med)",
        "Dato, uge, kanal, sprog, status, svar om hjælp og fritekst er ikke med: de kunne "
        "pege på, hvem der har svaret. Kommentarer findes i arbejdsbogen med kommentarer",
    ),
]


def comments_sheet(all_results, allowed: set[int]) -> Sheet:
    """The comments every unit's list shows, under the same names, in the release's order."""

    def rows():
        for results, _views in all_results:
            groups = comment_groups(results, results.tree.root, allowed)
            variant = VARIANT_NAMES.get(results.variant)
            for comment in released_comments(results, groups, limit=None):
                redacted = "ja" if comment.redacted else "nej"
                yield [variant, comment.unit, comment.question, comment.text, redacted]

    headers = ["Skema", "Enhed", "Spørgsmål", "Kommentar", "Redigeret"]
    return Sheet("Kommentarer", headers, rows(), {}, [12, 40, 14, 90, 10])


def raw_questions(questionnaire: Questionnaire) -> list[Question]:
    """The questions the raw data has a column for: not free text, not the help questions."""
    return [
        q
        for q in questionnaire.questions
        if not q.is_text
        and q.key != ASSISTED_QUESTION
        and (q.show_if is None or q.show_if.question != ASSISTED_QUESTION)
    ]


def raw_keys(results: RoundResults) -> list[str]:
    return [q.key for q in raw_questions(results.questionnaire)]


def legend_rows(questionnaires: list[Questionnaire]) -> list[list]:
    """Every code of every question in the raw data, with its Danish meaning and score."""
    legend: list[list] = []
    for questionnaire in questionnaires:
        variant = VARIANT_NAMES.get(questionnaire.key, questionnaire.key)
        for q in raw_questions(questionnaire):
            for option in q.options:
                legend.append(
                    [variant, q.key, q.label("da"), option.code, option.label("da"), option.score]
                )
    return legend


def raw_labels(results: RoundResults, allowed: set[int]) -> dict[int, tuple[str, str]]:
    """{tilbud id: (specialområde, tilbud)} as the rows show them: a hidden unit's name is
    left out, so its rows stand under the nearest shown unit above it."""
    tree = results.tree
    hidden = Stats(hidden=True)
    if results.release is None or results.responses.get(tree.root.key, hidden).hidden:
        return {}
    labels = {}
    for tilbud_id in sorted(allowed):
        node = (TILBUD, tilbud_id)
        if node not in tree.units:
            continue
        area = tree.parent[node]
        shown = not results.responses.get(node, hidden).hidden
        area_shown = shown or not results.responses.get(area, hidden).hidden
        labels[tilbud_id] = (
            tree.units[area].name if area_shown else "",
            tree.units[node].name if shown else "",
        )
    return labels


def raw_sheets(all_results, allowed: set[int], round_: Round) -> list[Sheet]:
    sheets = []
    for results, _views in all_results:
        keys = raw_keys(results)
        sheets.append(
            Sheet(
                f"Rådata {VARIANT_NAMES.get(results.variant, results.variant)}"[:31],
                [*RAW_HEADERS, *keys],
                raw_rows(results, raw_labels(results, allowed), keys),
                {0: INTEGER},
                [8, 30, 34] + [14] * len(keys),
            )
        )
    sheets.append(
        Sheet(
            "Forklaring",
            LEGEND_HEADERS,
            [
                *legend_rows([r.questionnaire for r, _v in all_results]),
                *(["", column, "", "", meaning, None] for column, meaning in COLUMN_NOTES),
                *(
                    [variant, "(udgivelse)", "", "", note, None]
                    for variant, note in release_notes(all_results, round_)
                ),
            ],
            {5: INTEGER},
            [12, 22, 50, 18, 40, 8],
        )
    )
    return sheets


def released_ids(results: RoundResults, tilbud: list[int]) -> list[tuple[int, int]]:
    """(response id, tilbud id) of the release's responses in ``tilbud``."""
    if results.release is None or not tilbud:
        return []
    return list(
        db.session.execute(
            select(Response.id, Response.tilbud_id).where(
                Response.round_id == results.round.id,
                Response.questionnaire == results.variant,
                Response.tilbud_id.in_(tilbud),
                Response.status.in_((COMPLETE, PARTIAL)),
                Response.answered_week <= results.release.through_week,
            )
        )
    )


def raw_rows(
    results: RoundResults, labels: dict[int, tuple[str, str]], keys: list[str]
) -> Iterator[list]:
    """One row per response of the release, in a new random order, numbered in that order."""
    responses = released_ids(results, list(labels))
    random.SystemRandom().shuffle(responses)
    index = {key: len(RAW_HEADERS) + i for i, key in enumerate(keys)}
    for start in range(0, len(responses), CHUNK):
        chunk = responses[start : start + CHUNK]
        answers: dict[int, list[tuple[str, str]]] = {rid: [] for rid, _t in chunk}
        for rid, key, value in db.session.execute(
            select(Answer.response_id, Answer.question_key, Answer.value).where(
                Answer.response_id.in_(list(answers)), Answer.question_key.in_(keys)
            )
        ):
            answers[rid].append((key, value))
        for number, (rid, tilbud_id) in enumerate(chunk, start=start + 1):
            row = [number, *labels[tilbud_id], *([None] * len(keys))]
            for key, value in answers[rid]:
                row[index[key]] = value
            yield row


def left_out(round_: Round, results: RoundResults) -> int:
    """Finished responses the raw data does not hold: those since the release."""
    total = db.session.scalar(
        select(db.func.count(Response.id)).where(
            Response.round_id == round_.id,
            Response.questionnaire == results.variant,
            Response.status.in_((COMPLETE, PARTIAL)),
        )
    )
    released = results.responses.get(results.tree.root.key, Stats()).n
    return max(0, (total or 0) - released)


def release_notes(all_results, round_: Round) -> list[tuple[str, str]]:
    """Per questionnaire: which release the rows are, and how many responses are not in it."""
    notes = []
    for results, _views in all_results:
        variant = VARIANT_NAMES.get(results.variant, results.variant)
        if results.release is None:
            notes.append((variant, "Ingen resultater er udgivet endnu: filen har ingen rækker"))
            continue
        notes.append(
            (
                variant,
                f"Udgivelse {results.release.number} med svar til og med "
                f"{week_label(results.release.through_week)}. {left_out(round_, results)} "
                "besvarelser er kommet siden og kommer med i den næste udgivelse",
            )
        )
    return notes
