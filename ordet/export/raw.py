"""Comments and raw-data sheets: streamed from the database, only groups at the threshold."""

from collections.abc import Iterator

from sqlalchemy import select

from ..answering.models import COMPLETE, PARTIAL, Answer, Response
from ..extensions import db
from ..questionnaires import loader
from ..questionnaires.model import Questionnaire
from ..results.aggregate import RoundResults
from ..results.models import CommentRedaction
from ..results.units import TILBUD
from ..rounds.models import Round
from .rows import VARIANT_NAMES
from .writer import DATE, INTEGER, Sheet


def stream(query) -> Iterator:
    """Plain rows in batches on the session's connection: no ORM objects, bounded memory."""
    # Options on the statement, not the connection: Connection.execution_options changes the
    # connection in place, and later statements (the audit INSERT) would get a server cursor.
    return iter(db.session.connection().execute(query.execution_options(yield_per=5000)))


def comments_sheet(round_: Round, all_results, groups: dict[str, list[int]]) -> Sheet:
    """Redacted text as stored (originals are never kept), newest first.

    The same selection as ``results.queries.comments`` (finished responses of the variant in
    the groups that may show comments, its free-text questions), streamed as plain columns.
    """

    def rows():
        for results, _views in all_results:
            tree = results.tree
            names = {}
            for t in groups.get(results.variant, []):
                unit = tree.units[(TILBUD, t)]
                names[t] = (tree.units[tree.parent[unit.key]].name, unit.name)
            variant = VARIANT_NAMES.get(results.variant)
            for tilbud_id, day, key, value, redacted in stream(
                _comments_query(round_, results, list(names))
            ):
                yield [variant, *names[tilbud_id], day, key, value, "ja" if redacted else "nej"]

    headers = ["Skema", "Specialområde", "Tilbud", "Dato", "Spørgsmål", "Kommentar", "Redigeret"]
    return Sheet("Kommentarer", headers, rows(), {3: DATE}, [12, 30, 34, 12, 14, 90, 10])


def _comments_query(round_: Round, results: RoundResults, tilbud: list[int]):
    text_keys = sorted(
        {
            q.key
            for (variant, _version), questionnaire in loader.all_versions().items()
            if variant == results.variant
            for q in questionnaire.questions
            if q.is_text
        }
    )
    return (
        select(
            Response.tilbud_id,
            Response.answered_on,
            Answer.question_key,
            Answer.value,
            CommentRedaction.answer_id,
        )
        .join(Response, Response.id == Answer.response_id)
        .outerjoin(CommentRedaction, CommentRedaction.answer_id == Answer.id)
        .where(
            Response.round_id == round_.id,
            Response.questionnaire == results.variant,
            Response.status.in_((COMPLETE, PARTIAL)),
            Response.tilbud_id.in_(tilbud),
            Answer.question_key.in_(text_keys),
        )
        .order_by(Response.answered_on.desc(), Answer.id.desc())
        .limit(COMMENTS_LIMIT)
    )


RAW_HEADERS = ["Nr.", "Specialområde", "Tilbud", "Version", "Kanal", "Sprog", "Status", "Dato"]
LEGEND_HEADERS = ["Skema", "Nøgle", "Spørgsmål", "Kode", "Betydning", "Point"]
FREE_TEXT = "(fritekst)"
COMMENTS_LIMIT = 100_000


def raw_tilbud(results: RoundResults, allowed: set[int]) -> list[int]:
    """Tilbud in scope whose group the results show: ``suppress_tree``'s decision, as on the
    pages (a small group is left out, and so is the sibling hidden beside it, or the rows could
    be subtracted from a shown specialområde)."""
    return sorted(
        t
        for t in allowed
        if (cell := results.responses.get((TILBUD, t))) is not None
        and cell.n > 0
        and not cell.hidden
    )


def raw_keys(results: RoundResults, with_text: bool) -> list[str]:
    """One column per question key; free-text answers only for those who may read comments."""
    return [q.key for q in results.questionnaire.questions if with_text or not q.is_text]


def legend_rows(questionnaires: list[Questionnaire], with_text: bool) -> list[list]:
    """Every code of every question in the raw data, with its Danish meaning and score."""
    legend: list[list] = []
    for questionnaire in questionnaires:
        variant = VARIANT_NAMES.get(questionnaire.key, questionnaire.key)
        for q in questionnaire.questions:
            if q.is_text and not with_text:
                continue
            if q.is_text:
                legend.append([variant, q.key, q.label("da"), FREE_TEXT, "", None])
            for option in q.options:
                legend.append(
                    [variant, q.key, q.label("da"), option.code, option.label("da"), option.score]
                )
    return legend


def raw_sheets(round_: Round, all_results, allowed: set[int], with_text: bool) -> list[Sheet]:
    sheets = []
    for results, _views in all_results:
        keys = raw_keys(results, with_text)
        sheets.append(
            Sheet(
                f"Rådata {VARIANT_NAMES.get(results.variant, results.variant)}"[:31],
                [*RAW_HEADERS, *keys],
                raw_rows(round_, results, raw_tilbud(results, allowed), keys),
                {0: INTEGER, 3: INTEGER, 7: DATE},
                [8, 30, 34, 8, 8, 8, 10, 12] + [14] * len(keys),
            )
        )
    sheets.append(
        Sheet(
            "Forklaring",
            LEGEND_HEADERS,
            legend_rows([r.questionnaire for r, _v in all_results], with_text),
            {5: INTEGER},
            [12, 22, 50, 18, 40, 8],
        )
    )
    return sheets


def raw_rows(
    round_: Round, results: RoundResults, tilbud: list[int], keys: list[str]
) -> Iterator[list]:
    """One row per finished response, streamed in id order (bounded memory)."""
    tree = results.tree
    width = len(RAW_HEADERS)
    index = {key: width + i for i, key in enumerate(keys)}
    blank = [None] * len(keys)
    names = {}
    for t in tilbud:
        unit = tree.units[(TILBUD, t)]
        names[t] = (tree.units[tree.parent[unit.key]].name, unit.name)
    query = (
        select(
            Response.id,
            Response.tilbud_id,
            Response.questionnaire_version,
            Response.channel,
            Response.language,
            Response.status,
            Response.answered_on,
            Answer.question_key,
            Answer.value,
        )
        .outerjoin(Answer, Answer.response_id == Response.id)
        .where(
            Response.round_id == round_.id,
            Response.questionnaire == results.variant,
            Response.tilbud_id.in_(tilbud),
            Response.status.in_((COMPLETE, PARTIAL)),
        )
        .order_by(Response.id)
    )
    current, row, number = None, None, 0
    for rid, tilbud_id, version, channel, lang, status, day, key, value in stream(query):
        if rid != current:
            if row is not None:
                yield row
            number += 1
            current = rid
            row = [number, *names[tilbud_id], version, channel, lang, status, day, *blank]
        column = index.get(key)
        if column is not None:
            row[column] = value
    if row is not None:
        yield row
