"""The national figures as the newest national release shows them.

Per institution, per operator and nationally, the core questions only (the national round's
questionnaire as the package defines it, without any organisation's own questions), with the
release's hidden cells hidden: the same ``Stats`` cells as an organisation's own results.
"""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db
from ..questionnaires import get as get_questionnaire
from ..questionnaires.model import Question, Questionnaire
from ..results.aggregate import NodeKey, Stats, _add, _merge, _option_info, _roll_up
from ..results.linked import RESPONDENTS
from ..results.models import RESPONSES_KEY
from ..results.units import OrgTree
from ..rounds.models import Round
from .models import NationalRelease, NationalReleaseCount, NationalRound
from .tree import national_tree


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
    national_round: NationalRound, release: NationalRelease | None = None
) -> NationalResults:
    """Every core question and theme at every node of the national tree, as the newest
    national release (or ``release``) shows them; without a release, nothing is shown."""
    questionnaire = core_questionnaire(national_round)
    tree = national_tree(national_round)
    if release is None:
        release = latest_national(national_round.id)
    threshold = release.threshold if release else 0
    results = NationalResults(national_round, questionnaire, tree, threshold, release, {}, {}, {})
    empty = {key: Stats(hidden=True) for key in tree.units}
    if release is None:
        results.responses = empty
        return results
    pattern = release.hidden
    part_of = {q.key: q.theme for q in questionnaire.questions if q.has_scale}
    by_question: dict[str, dict[NodeKey, Stats]] = defaultdict(dict)
    rows = db.session.execute(
        select(
            NationalReleaseCount.tilbud_id,
            NationalReleaseCount.question_key,
            NationalReleaseCount.value,
            func.sum(NationalReleaseCount.count),
        )
        .where(NationalReleaseCount.release_id == release.id)
        .group_by(
            NationalReleaseCount.tilbud_id,
            NationalReleaseCount.question_key,
            NationalReleaseCount.value,
        )
    )
    options: dict = {}
    for tilbud_id, key, value, n in rows:
        node = ("tilbud", tilbud_id)
        if node not in tree.units:
            continue
        if (key, value) not in options:
            options[key, value] = _option_info(questionnaire.question(key), value)
        _add(by_question[key].setdefault(node, Stats()), options[key, value], value, int(n))
    for key in {RESPONSES_KEY, *(q.key for q in questionnaire.questions)}:
        cells = _roll_up(tree, by_question.get(key, {}))
        for node in pattern.get(part_of.get(key, RESPONDENTS), ()):
            if node in cells:
                cells[node].hidden = True
        if key == RESPONSES_KEY:
            results.responses = cells
        else:
            results.questions[key] = cells
    for theme in {q.theme for q in results.scale_questions()}:
        hidden = pattern.get(theme, set())
        cells = {key: Stats(hidden=key in hidden) for key in tree.units}
        for question in results.scale_questions():
            if question.theme != theme:
                continue
            for node, stats in results.questions.get(question.key, {}).items():
                _merge(cells[node], stats)
        results.themes[theme] = cells
    return results


def landsplan_for(round_: Round) -> NationalResults | None:
    """The national figures to show beside an organisation round's own ("Landsplan"): those of
    the national round it takes part in, or None. Only the root (``results.root``) is meant
    for an organisation's pages: the institutions and operators are the national analyst's."""
    if round_.national_round_id is None:
        return None
    national_round = db.session.get(NationalRound, round_.national_round_id)
    results = national_results(national_round)
    return results if results.release is not None else None
