"""The national figures as the newest national release shows them.

Per institution, per operator and nationally, the core questions only (the national round's
questionnaire as the package defines it, without any organisation's own questions), with the
release's hidden cells hidden: the same ``Stats`` cells as an organisation's own results.
"""

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select

from ..extensions import db
from ..questionnaires import get as get_questionnaire
from ..questionnaires.model import Question, Questionnaire
from ..results.aggregate import NodeKey, Stats, add_count
from ..results.linked import RESPONDENTS
from ..results.models import RESPONSES_KEY
from ..results.units import ORGANISATION, TILBUD, OrgTree
from ..rounds.models import Round
from .models import NationalRelease, NationalReleaseCount, NationalReleaseTotal, NationalRound
from .tree import national_tree, release_tree


@dataclass
class NationalResults:
    national_round: NationalRound
    questionnaire: Questionnaire  # the core questionnaire
    tree: OrgTree  # national → operators → institutions
    threshold: int
    release: NationalRelease | None
    questions: dict[str, dict[NodeKey, Stats]]
    themes: dict[str, dict[NodeKey, Stats]]
    responses: dict[NodeKey, Stats]

    def scale_questions(self) -> list[Question]:
        return [q for q in self.questionnaire.questions if q.has_scale]

    def theme_keys(self) -> list[str]:
        return [t for t in self.questionnaire.themes if t in self.themes]

    @property
    def root(self) -> NodeKey:
        return self.tree.root.key


def core_questionnaire(national_round: NationalRound) -> Questionnaire:
    found = get_questionnaire(national_round.questionnaire, national_round.version)
    if found is None:
        raise LookupError(f"{national_round.questionnaire} v{national_round.version}")
    return found


def latest_national(national_round_id: int) -> NationalRelease | None:
    return db.session.scalar(
        select(NationalRelease)
        .where(NationalRelease.national_round_id == national_round_id)
        .order_by(NationalRelease.number.desc())
        .limit(1)
    )


def national_results(
    national_round: NationalRound,
    release: NationalRelease | None = None,
    operators: Collection[int] | None = None,
) -> NationalResults:
    """Every core question and theme nationally, per operator, and per institution of
    ``operators`` (None: of every operator, as the workbook; empty: of none, as the national
    overview and an organisation's "Landsplan"), as the newest national release (or
    ``release``) shows them. Without a release, nothing is shown.

    The tree is the release's own (the institutions it counted), so a page never sums a
    different set of institutions than the one the release's pattern was chosen for.
    """
    questionnaire = core_questionnaire(national_round)
    if release is None:
        release = latest_national(national_round.id)
    if release is None:
        tree = national_tree(national_round)
        empty = {key: Stats(hidden=True) for key in tree.units}
        return NationalResults(national_round, questionnaire, tree, 0, None, {}, {}, empty)
    by_operator, by_institution = _counts(release.id, operators)
    tree = release_tree(national_round, by_operator, by_institution)
    counts: dict[NodeKey, dict[tuple[str, str], int]] = defaultdict(dict)
    for org_id, found in by_operator.items():
        for key_value, n in found.items():
            counts[(ORGANISATION, org_id)][key_value] = n
            total = counts[tree.root.key]
            total[key_value] = total.get(key_value, 0) + n
    for tilbud_id, (_org, found) in by_institution.items():
        counts[(TILBUD, tilbud_id)] = found
    results = NationalResults(
        national_round, questionnaire, tree, release.threshold, release, {}, {}, {}
    )
    pattern = release.hidden
    info = {
        (q.key, o.code): (o.special, o.positive, o.score)
        for q in questionnaire.questions
        for o in q.options
    }
    themes = {q.key: q.theme for q in results.scale_questions()}
    keys = [RESPONSES_KEY, *(q.key for q in questionnaire.questions)]
    for key in keys:
        results.questions[key] = {}
    for theme in set(themes.values()):
        hidden = pattern.get(theme, set())
        results.themes[theme] = {node: Stats(hidden=node in hidden) for node in tree.units}
    for node in tree.units:
        for key in keys:
            # Free text and the help question are never published nationally.
            part = RESPONDENTS if key == RESPONSES_KEY else themes.get(key)
            hidden = part is None or node in pattern.get(part, ())
            results.questions[key][node] = Stats(hidden=hidden)
        for (key, value), n in counts.get(node, {}).items():
            if key not in results.questions:
                continue
            option = info.get((key, value))
            add_count(results.questions[key][node], option, value, n)
            if key in themes:
                add_count(results.themes[themes[key]][node], option, value, n)
    results.responses = results.questions.pop(RESPONSES_KEY)
    return results


def _counts(release_id: int, operators: Collection[int] | None):
    """({operator: {(question, value): n}}, {institution: (operator, {(question, value): n})})
    of a release, the latter for the institutions of ``operators`` (None: all)."""
    total = NationalReleaseTotal
    by_operator: dict[int, dict[tuple[str, str], int]] = defaultdict(dict)
    for org_id, key, value, n in db.session.execute(
        select(total.operator_id, total.question_key, total.value, total.count).where(
            total.release_id == release_id
        )
    ):
        by_operator[org_id][key, value] = n
    count = NationalReleaseCount
    by_institution: dict[int, tuple[int, dict[tuple[str, str], int]]] = {}
    if operators is not None and not operators:
        return by_operator, by_institution
    query = select(
        count.operator_id, count.tilbud_id, count.question_key, count.value, count.count
    ).where(count.release_id == release_id)
    if operators is not None:
        query = query.where(count.operator_id.in_(list(operators)))
    for org_id, tilbud_id, key, value, n in db.session.execute(query):
        by_institution.setdefault(tilbud_id, (org_id, {}))[1][key, value] = n
    return by_operator, by_institution


def landsplan_for(round_: Round) -> NationalResults | None:
    """The national figures to show beside an organisation round's own ("Landsplan"): those of
    the national round it takes part in, or None. Only the root (``results.root``) is meant
    for an organisation's pages: the institutions and operators are the national analyst's."""
    if round_.national_round_id is None:
        return None
    national_round = db.session.get(NationalRound, round_.national_round_id)
    results = national_results(national_round, operators=())
    return results if results.release is not None else None
