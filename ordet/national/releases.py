"""National releases: the national figures move in audited steps, as an organisation's do.

A national release is made from the newest release of every organisation round taking part
(its *sources*), so an institution's national number is one its own organisation published
(or hid) too, frozen, and it moves only when a source does, at most once a week. Its hidden
cells are chosen by ``disclosure.protect`` over the national table (institution → operator →
national, × every national release so far), with:

* every institution cell its own organisation's release hides hidden here too (the national
  figures never show an institution more than its own organisation does);
* cells that changed by fewer than the threshold since the last national release hidden;
* an insider's audit per operator (``insiders``): the organisation's own releases and the
  national ones together, as that organisation's staff hold them. A finding hides that
  operator's cell, then the national figure, then everything new (fail closed).

The threshold is the largest of the taking-part organisations' thresholds.
"""

import json
import logging
from collections import defaultdict
from datetime import date

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from ..disclosure import LinkedTable, protect
from ..extensions import db
from ..org.models import Organisation
from ..results.linked import ALL, RESPONDENTS, parts, time_dimension, unit_dimension
from ..results.models import RESPONSES_KEY, Release
from ..results.releases import latest
from ..weeks import week_of
from .counts import Counts, frozen_counts, measures, release_counts
from .figures import core_questionnaire, latest_national
from .insiders import Insider, insider_audit
from .models import NationalRelease, NationalReleaseCount, NationalReleaseTotal, NationalRound
from .tree import national_tree, taking_part

log = logging.getLogger(__name__)


def sources(national_round: NationalRound) -> dict[int, Release]:
    """{round id: its newest release of the core questionnaire}, for every round taking part
    with the national round's questionnaire version."""
    found = {}
    for round_ in taking_part(national_round.id):
        if round_.version_of(national_round.questionnaire) != national_round.version:
            continue
        release = latest(round_.id, national_round.questionnaire)
        if release is not None:
            found[round_.id] = release
    return found


def national_threshold(national_round: NationalRound) -> int:
    thresholds = db.session.scalars(
        select(Organisation.anonymity_threshold).where(
            Organisation.id.in_([r.organisation_id for r in taking_part(national_round.id)])
        )
    ).all()
    return max([5, *thresholds])


def is_due(national_round: NationalRound, today: date) -> bool:
    current = sources(national_round)
    if not current:
        return False
    last = latest_national(national_round.id)
    if last is None:
        return True
    moved = sorted(r.id for r in current.values()) != sorted(last.sources)
    return moved and week_of(today) > week_of(last.published_on)


def ensure_national_release(national_round: NationalRound, today: date) -> NationalRelease | None:
    """The newest national release, publishing a due one first (in a savepoint)."""
    if is_due(national_round, today):
        try:
            with db.session.begin_nested():
                publish_national(national_round, today)
        except IntegrityError:
            log.info("national release of %s published by another request", national_round.slug)
    return latest_national(national_round.id)


def publish_due_national(today: date) -> list[NationalRelease]:
    """Every national release due today (after the organisations' own: ``publish-results``)."""
    published = []
    for national_round in db.session.scalars(select(NationalRound).order_by(NationalRound.id)):
        if is_due(national_round, today):
            release = publish_national(national_round, today)
            if release is not None:
                published.append(release)
    return published


def publish_national(national_round: NationalRound, today: date) -> NationalRelease | None:
    """Publish the national figures of the current sources, or None when no pattern passes."""
    current = sources(national_round)
    if not current:
        return None
    questionnaire = core_questionnaire(national_round)
    tree = national_tree(national_round)
    institutions = [key[1] for key in tree.units if key[0] == "tilbud"]
    keys = [RESPONSES_KEY, *(q.key for q in questionnaire.questions if q.has_scale)]
    earlier = list(
        db.session.scalars(
            select(NationalRelease)
            .where(NationalRelease.national_round_id == national_round.id)
            .order_by(NationalRelease.number)
        )
    )
    now = release_counts([r.id for r in current.values()], institutions, keys)
    history = [frozen_counts(r.id) for r in earlier] + [now]
    insiders = insiders_of(national_round, earlier, current)
    threshold = national_threshold(national_round)
    hidden: dict[str, set] = {}
    respondents = 0
    for part, questions in parts(questionnaire).items():
        table = national_table(tree, questionnaire, history, questions)
        if table is None:
            log.error("%s: a source went back; no national release", national_round.slug)
            return None
        found = _protect(table, tree, threshold, earlier, part, questions, questionnaire, insiders)
        if found is None:
            log.error("%s: no national release, the %s pattern failed", national_round.slug, part)
            return None
        hidden[part] = found
        respondents = table.n((tree.root.key, f"S{len(history)}"))
    release = NationalRelease(
        national_round_id=national_round.id,
        number=len(history),
        published_on=today,
        threshold=threshold,
        respondents=respondents,
        hidden_json=json.dumps(
            sorted([part, *unit] for part, units in hidden.items() for unit in units)
        ),
        sources_json=json.dumps(sorted(r.id for r in current.values())),
    )
    db.session.add(release)
    db.session.flush()
    operator_of = {key[1]: tree.parent[key][1] for key in tree.units if key[0] == "tilbud"}
    rows = [
        {
            "release_id": release.id,
            "tilbud_id": tilbud,
            "operator_id": operator_of[tilbud],
            "question_key": key,
            "value": value,
            "count": n,
        }
        for tilbud, by_key in now.items()
        for (key, value), n in by_key.items()
    ]
    if rows:
        db.session.execute(insert(NationalReleaseCount), rows)
        totals: dict[tuple, int] = defaultdict(int)
        for row in rows:
            totals[row["operator_id"], row["question_key"], row["value"]] += row["count"]
        db.session.execute(
            insert(NationalReleaseTotal),
            [
                {
                    "release_id": release.id,
                    "operator_id": o,
                    "question_key": k,
                    "value": v,
                    "count": n,
                }
                for (o, k, v), n in totals.items()
            ],
        )
    db.session.flush()
    return release


def national_table(tree, questionnaire, history: list[Counts], questions) -> LinkedTable | None:
    """National release j shows S<j> = S<j-1> + B<j>, as ``results.linked.time_dimension``."""
    atoms = {}
    before: dict[int, list[int]] = {}
    width = 1 + len(questions)
    for j, counts in enumerate(history, start=1):
        for key in tree.units:
            if key[0] != "tilbud":
                continue
            now = measures(counts.get(key[1], {}), questionnaire, questions)
            then = before.get(key[1], [0] * width)
            delta = [a - b for a, b in zip(now, then, strict=True)]
            if any(d < 0 for d in delta):
                return None
            atoms[(key, "S1" if j == 1 else f"B{j}")] = now if j == 1 else delta
            before[key[1]] = now
    names = [RESPONDENTS, *questions]
    return LinkedTable([unit_dimension(tree), time_dimension(len(history))], atoms, names)


def insiders_of(national_round, earlier: list[NationalRelease], current: dict[int, Release]):
    by_id = {}
    for release in earlier:
        for release_id in release.sources:
            by_id.setdefault(release_id, None)
    if by_id:
        for release in db.session.scalars(select(Release).where(Release.id.in_(list(by_id)))):
            by_id[release.id] = release
    found = []
    for round_ in taking_part(national_round.id):
        if round_.id not in current:
            continue
        used = [
            next(
                (by_id[i] for i in r.sources if by_id.get(i) and by_id[i].round_id == round_.id),
                None,
            )
            for r in earlier
        ]
        found.append(Insider(round_, national_round.questionnaire, (*used, current[round_.id])))
    return found


def _protect(table, tree, threshold, earlier, part, questions, questionnaire, insiders):
    """The hidden units of the new national release in one pattern, or None."""
    k = len(earlier) + 1
    now = f"S{k}"
    known = {
        (unit, f"S{j}")
        for j, release in enumerate(earlier, start=1)
        for unit in tree.units
        if unit not in release.hidden.get(part, set())
    }
    candidates = {(unit, now) for unit in tree.units}
    primary = {
        c
        for c in candidates
        if (before := (c[0], f"S{k - 1}")) in known
        and any(
            0 < a - b < threshold
            for a, b in zip(table.values[c], table.values[before], strict=True)
        )
    }
    for insider in insiders:
        source = insider.used[-1]
        primary |= {
            (unit, now)
            for unit, group in source.hidden.get(part, set())
            if group == ALL and (unit, now) in candidates
        }
    # A finding hides the insiders' operator cells, then the national figure, then all
    # that is new; each step only adds hidden cells, and the last always passes or fails.
    extra: set = set()
    for step in range(4):
        hidden, report = protect(table, threshold, candidates, known, primary | extra)
        failing = list(insiders)
        if report.passed:
            shown = known | (candidates - hidden)
            failing = [
                i
                for i in insiders
                if not insider_audit(
                    table, shown, i, part, questions, questionnaire, threshold
                ).passed
            ]
            if not failing:
                return {c[0] for c in hidden}
        if step == 0:
            extra |= {(("organisation", i.round.organisation_id), now) for i in failing}
        elif step == 1:
            extra.add((tree.root.key, now))
        else:
            extra |= candidates
    return None
