"""The counts a national release is made of: its sources' frozen counts, and its own."""

from collections import defaultdict

from sqlalchemy import func, select

from ..extensions import db
from ..results.models import RESPONSES_KEY, ReleaseCount
from .models import NationalReleaseCount

Counts = dict[int, dict[tuple[str, str], int]]  # tilbud -> (question, value) -> n


def release_counts(release_ids: list[int], institutions: list[int], keys: list[str]) -> Counts:
    rows = db.session.execute(
        select(
            ReleaseCount.tilbud_id,
            ReleaseCount.question_key,
            ReleaseCount.value,
            func.sum(ReleaseCount.count),
        )
        .where(
            ReleaseCount.release_id.in_(release_ids),
            ReleaseCount.tilbud_id.in_(institutions),
            ReleaseCount.question_key.in_(keys),
        )
        .group_by(ReleaseCount.tilbud_id, ReleaseCount.question_key, ReleaseCount.value)
    )
    found: Counts = defaultdict(dict)
    for tilbud, key, value, n in rows:
        found[tilbud][key, value] = int(n)
    return found


def frozen_counts(release_id: int) -> Counts:
    rows = db.session.execute(
        select(
            NationalReleaseCount.tilbud_id,
            NationalReleaseCount.question_key,
            NationalReleaseCount.value,
            NationalReleaseCount.count,
        ).where(NationalReleaseCount.release_id == release_id)
    )
    found: Counts = defaultdict(dict)
    for tilbud, key, value, n in rows:
        found[tilbud][key, value] = int(n)
    return found


def measures(counts: dict[tuple[str, str], int], questionnaire, questions: list[str]) -> list[int]:
    """Respondents, then each question's answers on the scale."""
    values = [sum(n for (key, _v), n in counts.items() if key == RESPONSES_KEY)]
    for key in questions:
        scale = {o.code for o in questionnaire.question(key).options if not o.special}
        values.append(sum(n for (k, v), n in counts.items() if k == key and v in scale))
    return values
