"""Results move in audited releases, not drips.

A page that recomputed its numbers on every load would let a tilbud lead reload it before and
after one borger used the tablet and read that person's answers off the difference. So pages
and exports show the newest *release*: the responses of the weeks that are over, frozen, with
a pattern of hidden cells chosen by ``disclosure.protect`` over the whole linked table — every
unit, every help group and every earlier release of the round — and passed by the attacker's
audit. A new release is published only when

* a week is over that no release holds yet (so at most one a week, and a response's week says
  nothing more than the release it came in), and
* at least the threshold of new respondents came since the last release (or the round has
  closed: then the final release holds everything), and
* the audit over all releases of the round together passes (cells that changed by fewer than
  the threshold are hidden first; the audit decides the rest).
"""

import json
import logging
from datetime import date, timedelta

from sqlalchemy import func, insert, literal, select
from sqlalchemy.exc import IntegrityError

from ..answering.services import close_stale_drafts
from ..disclosure import protect
from ..extensions import db
from ..org.models import Organisation
from ..questionnaires.scoped import of_round
from ..rounds.models import CLOSED, PLANNED, Round
from ..weeks import week_of
from .linked import ALL, GROUPS, cell, group_column, parts, round_table
from .models import RESPONSES_KEY, Release, ReleaseCount, ResultCount
from .units import org_tree

log = logging.getLogger(__name__)
CELL_GROUPS = (ALL, *GROUPS)


def releases_of(round_id: int, variant: str) -> list[Release]:
    return list(
        db.session.scalars(
            select(Release)
            .where(Release.round_id == round_id, Release.questionnaire == variant)
            .order_by(Release.number)
        )
    )


def latest(round_id: int, variant: str) -> Release | None:
    return db.session.scalar(
        select(Release)
        .where(Release.round_id == round_id, Release.questionnaire == variant)
        .order_by(Release.number.desc())
        .limit(1)
    )


def due_week(round_: Round, today: date) -> tuple[date, bool]:
    """The last week a release made today may hold, and whether it is the final one."""
    if round_.status(today) == CLOSED:
        return week_of(today), True
    return week_of(today) - timedelta(days=7), False


def new_respondents(round_id: int, variant: str, after: date | None, through: date) -> int:
    """Respondents finished in the weeks after ``after`` up to ``through``."""
    query = select(func.coalesce(func.sum(ResultCount.count), 0)).where(
        ResultCount.round_id == round_id,
        ResultCount.questionnaire == variant,
        ResultCount.question_key == RESPONSES_KEY,
        ResultCount.answered_week <= through,
    )
    if after is not None:
        query = query.where(ResultCount.answered_week > after)
    return int(db.session.scalar(query))


def is_due(round_: Round, variant: str, today: date) -> bool:
    """A release could be published now (cheap: no table, no audit)."""
    if round_.status(today) == PLANNED or round_.version_of(variant) is None:
        return False
    through, final = due_week(round_, today)
    last = latest(round_.id, variant)
    if last is not None and (last.final or last.through_week >= through):
        return False
    if final:
        return True
    threshold = db.session.get(Organisation, round_.organisation_id).anonymity_threshold
    after = last.through_week if last else None
    return new_respondents(round_.id, variant, after, through) >= threshold


def publish(round_: Round, variant: str, today: date) -> Release | None:
    """Publish the due release of ``variant``, or None (not due, or no pattern passed)."""
    if not is_due(round_, variant, today):
        return None
    questionnaire = of_round(round_, variant)
    threshold = db.session.get(Organisation, round_.organisation_id).anonymity_threshold
    through, final = due_week(round_, today)
    earlier = releases_of(round_.id, variant)
    tree = org_tree(round_.organisation_id)
    weeks = [r.through_week for r in earlier] + [through]
    hidden: dict[str, set] = {}
    respondents = 0
    for part, questions in parts(questionnaire).items():
        table = round_table(round_.id, variant, questionnaire, tree, weeks, questions)
        found = protect_part(table, tree, threshold, [r.hidden.get(part, set()) for r in earlier])
        if found is None:
            log.error("%s/%s: no release, the %s pattern failed", round_.slug, variant, part)
            return None
        hidden[part] = found
        respondents = table.n(cell(tree.root.key, ALL, len(weeks), len(weeks)))
    release = Release(
        round_id=round_.id,
        questionnaire=variant,
        number=len(weeks),
        through_week=through,
        final=final,
        published_on=today,
        threshold=threshold,
        respondents=respondents,
        hidden_json=json.dumps(
            sorted([part, c[0][0], c[0][1], c[1]] for part, cells in hidden.items() for c in cells)
        ),
    )
    db.session.add(release)
    db.session.flush()
    freeze_counts(release)
    return release


def freeze_counts(release: Release) -> None:
    """Copy the counts of the release's weeks into ``ReleaseCount``: what its pages read."""
    group = group_column()
    counts = (
        select(
            literal(release.id),
            ResultCount.tilbud_id,
            ResultCount.question_key,
            ResultCount.value,
            group,
            func.sum(ResultCount.count),
        )
        .where(
            ResultCount.round_id == release.round_id,
            ResultCount.questionnaire == release.questionnaire,
            ResultCount.answered_week <= release.through_week,
        )
        .group_by(ResultCount.tilbud_id, ResultCount.question_key, ResultCount.value, group)
    )
    columns = ["release_id", "tilbud_id", "question_key", "value", "help_group", "count"]
    db.session.execute(insert(ReleaseCount).from_select(columns, counts))


def protect_part(table, tree, threshold: int, earlier: list[set]) -> set | None:
    """The hidden (unit, group) of the new release in one pattern, given the earlier releases'
    hidden cells of that pattern; None if no pattern passes the audit."""
    k = len(earlier) + 1
    known = {
        cell(unit, group, j, k)
        for j, hidden in enumerate(earlier, start=1)
        for unit in tree.units
        for group in CELL_GROUPS
        if (unit, group) not in hidden
    }
    candidates = {cell(unit, group, k, k) for unit in tree.units for group in CELL_GROUPS}
    changed_little = {
        c
        for c in candidates
        if (before := cell(c[0], c[1], k - 1, k)) in known
        and any(
            0 < now - then < threshold
            for now, then in zip(table.values[c], table.values[before], strict=True)
        )
    }
    found, report = protect(
        table, threshold, candidates, known, changed_little, fallback=lambda c: c[1] != ALL
    )
    return {(c[0], c[1]) for c in found} if report.passed else None


def ensure_release(round_: Round, variant: str, today: date) -> Release | None:
    """The newest release, publishing a due one first (in its own savepoint: two requests
    publishing at once leave one release; the other's attempt is rolled back)."""
    if is_due(round_, variant, today):
        try:
            with db.session.begin_nested():
                publish(round_, variant, today)
        except IntegrityError:
            log.info("release of %s/%s published by another request", round_.slug, variant)
    return latest(round_.id, variant)


def publish_due(today: date) -> list[Release]:
    """Every release due today, in every round (``flask --app ordet publish-results``).

    Drafts left open in closed rounds are closed first, so the final release holds them.
    """
    close_stale_drafts(today)
    published = []
    for round_ in db.session.scalars(select(Round).order_by(Round.id)):
        for questionnaire in sorted(round_.questionnaires, key=lambda q: q.variant):
            release = publish(round_, questionnaire.variant, today)
            if release is not None:
                published.append(release)
    return published
