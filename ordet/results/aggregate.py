"""Results for a round, a variant and every unit, from the counts table (no answer scans).

``round_results`` computes every question and theme for every node of the organisation tree at
once (a few thousand rows of counts), then applies the anonymity rule over the whole tree, so a
cell is hidden the same way on every page and in every export, whoever looks.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import case, func, literal, select

from ..extensions import db
from ..org.models import Organisation
from ..questionnaires import get as get_questionnaire
from ..questionnaires.model import Question, Questionnaire
from ..rounds.models import Round, RoundQuestionnaire
from .anonymity import filtered_hidden, suppress_tree
from .models import RESPONSES_KEY, ResultCount
from .units import OrgTree, org_tree

NodeKey = tuple[str, int]


@dataclass
class Stats:
    """One cell: a question (or theme) at one unit."""

    counts: dict[str, int] = field(default_factory=dict)
    n: int = 0  # answers, "Ved ikke" and "Vil ikke svare" included
    scale_n: int = 0  # answers on the scale (specials excluded)
    positive: int = 0
    score_sum: int = 0
    scored_n: int = 0
    hidden: bool = False

    @property
    def positive_share(self) -> float | None:
        return self.positive / self.scale_n if self.scale_n and not self.hidden else None

    @property
    def mean(self) -> float | None:
        return self.score_sum / self.scored_n if self.scored_n and not self.hidden else None

    def share(self, code: str) -> float | None:
        return self.counts.get(code, 0) / self.n if self.n and not self.hidden else None


@dataclass
class RoundResults:
    round: Round
    variant: str
    questionnaire: Questionnaire
    tree: OrgTree
    threshold: int
    assisted: tuple[str, ...] | None
    questions: dict[str, dict[NodeKey, Stats]]
    themes: dict[str, dict[NodeKey, Stats]]
    responses: dict[NodeKey, Stats]
    previous: dict[str, "RoundResults"] | None = None  # filled once by previous_results

    def scale_questions(self) -> list[Question]:
        return [q for q in self.questionnaire.questions if q.has_scale]

    def theme_keys(self) -> list[str]:
        return [t for t in self.questionnaire.themes if t in self.themes]


def questionnaire_of(round_: Round, variant: str) -> Questionnaire | None:
    version = round_.version_of(variant)
    return get_questionnaire(variant, version) if version is not None else None


def load_counts(
    round_id: int, variant: str, tilbud_ids: Iterable[int], assisted: tuple[str, ...] | None
) -> list[tuple[int, str, str, bool, int]]:
    """(tilbud, question, value, in the assisted filter, n), summed over versions."""
    chosen = case((ResultCount.assisted.in_(assisted), 1), else_=0) if assisted else literal(1)
    query = (
        select(
            ResultCount.tilbud_id,
            ResultCount.question_key,
            ResultCount.value,
            chosen,
            func.sum(ResultCount.count),
        )
        .where(
            ResultCount.round_id == round_id,
            ResultCount.questionnaire == variant,
            ResultCount.tilbud_id.in_(list(tilbud_ids)),
        )
        .group_by(ResultCount.tilbud_id, ResultCount.question_key, ResultCount.value, chosen)
    )
    return [(t, k, v, bool(c), int(n)) for t, k, v, c, n in db.session.execute(query)]


OptionInfo = tuple[bool, bool, int | None] | None  # (special, positive, score)


def _option_info(question: Question | None, value: str) -> OptionInfo:
    option = question.option(value) if question else None
    return None if option is None else (option.special, option.positive, option.score)


def _add(stats: Stats, info: OptionInfo, value: str, n: int) -> None:
    stats.counts[value] = stats.counts.get(value, 0) + n
    stats.n += n
    if info is None or info[0]:
        return
    stats.scale_n += n
    stats.positive += n if info[1] else 0
    if info[2] is not None:
        stats.score_sum += info[2] * n
        stats.scored_n += n


def _merge(into: Stats, other: Stats) -> None:
    for code, n in other.counts.items():
        into.counts[code] = into.counts.get(code, 0) + n
    into.n += other.n
    into.scale_n += other.scale_n
    into.positive += other.positive
    into.score_sum += other.score_sum
    into.scored_n += other.scored_n


def _roll_up(tree: OrgTree, leaves: dict[NodeKey, Stats]) -> dict[NodeKey, Stats]:
    """Sum tilbud cells into their specialområde and the organisation."""
    cells = {key: Stats() for key in tree.units}
    for key, stats in leaves.items():
        node: NodeKey | None = key
        while node is not None:
            _merge(cells[node], stats)
            node = tree.parent.get(node)
    return cells


def _hide(
    tree: OrgTree, cells: dict[NodeKey, Stats], threshold: int, forced: set[NodeKey]
) -> set[NodeKey]:
    n = {key: stats.n for key, stats in cells.items()}
    hidden = suppress_tree(tree.children, tree.root.key, n, threshold, forced)
    for key in hidden:
        cells[key].hidden = True
    return hidden


def round_results(
    round_: Round, variant: str, assisted: tuple[str, ...] | None = None
) -> RoundResults | None:
    """Every question and theme at every unit of the round's organisation; None if no variant."""
    questionnaire = questionnaire_of(round_, variant)
    if questionnaire is None:
        return None
    tree = org_tree(round_.organisation_id)
    threshold = db.session.get(Organisation, round_.organisation_id).anonymity_threshold
    rows = load_counts(round_.id, variant, tree.tilbud_under(tree.root.key), assisted)
    chosen: dict[str, dict[NodeKey, Stats]] = defaultdict(dict)
    everyone: dict[str, dict[NodeKey, Stats]] = defaultdict(dict)
    options: dict[tuple[str, str], OptionInfo] = {}
    for tilbud_id, key, value, in_filter, n in rows:
        if (key, value) not in options:
            options[key, value] = _option_info(questionnaire.question(key), value)
        info = options[key, value]
        node = ("tilbud", tilbud_id)
        if assisted is not None:  # the unfiltered group, for the filter's complement
            _add(everyone[key].setdefault(node, Stats()), info, value, n)
        if in_filter:
            _add(chosen[key].setdefault(node, Stats()), info, value, n)
    results = RoundResults(round_, variant, questionnaire, tree, threshold, assisted, {}, {}, {})
    for key in set(everyone) | set(chosen):
        cells = _roll_up(tree, chosen.get(key, {}))
        forced: set[NodeKey] = set()
        if assisted is not None:
            total = _roll_up(tree, everyone.get(key, {}))
            forced = {k for k in cells if filtered_hidden(cells[k].n, total[k].n, threshold)}
        _hide(tree, cells, threshold, forced)
        if key == RESPONSES_KEY:
            results.responses = cells
        else:
            results.questions[key] = cells
    _themes(results)
    return results


def _themes(results: RoundResults) -> None:
    """A theme sums its scale questions; hidden wherever one of its questions is hidden."""
    by_theme: dict[str, list[str]] = defaultdict(list)
    for question in results.scale_questions():
        by_theme[question.theme].append(question.key)
    for theme, keys in by_theme.items():
        cells = {key: Stats() for key in results.tree.units}
        forced: set[NodeKey] = set()
        for key in keys:
            for node, stats in results.questions.get(key, {}).items():
                _merge(cells[node], stats)
                if stats.hidden:
                    forced.add(node)
        for node, stats in cells.items():
            # The people behind a theme number at least its best-answered question.
            stats.n = max(results.questions.get(k, {}).get(node, Stats()).n for k in keys)
        _hide(results.tree, cells, results.threshold, forced)
        results.themes[theme] = cells


def previous_round(round_: Round, variant: str, question_key: str) -> Round | None:
    """The latest earlier round of the organisation that asked ``question_key`` of ``variant``."""
    earlier = db.session.scalars(
        select(Round)
        .join(RoundQuestionnaire, RoundQuestionnaire.round_id == Round.id)
        .where(
            Round.organisation_id == round_.organisation_id,
            Round.opens_on < round_.opens_on,
            RoundQuestionnaire.variant == variant,
        )
        .order_by(Round.opens_on.desc())
    ).all()
    for candidate in earlier:
        questionnaire = questionnaire_of(candidate, variant)
        if questionnaire is not None and questionnaire.question(question_key) is not None:
            return candidate
    return None


def previous_results(results: RoundResults) -> dict[str, RoundResults]:
    """For each question key and theme, the previous round's results (same filter), if any."""
    if results.previous is not None:
        return results.previous
    by_round: dict[int, RoundResults | None] = {}
    found: dict[str, RoundResults] = {}
    first_of_theme: dict[str, str] = {}
    for question in results.scale_questions():
        first_of_theme.setdefault(question.theme, question.key)
        earlier = previous_round(results.round, results.variant, question.key)
        if earlier is None:
            continue
        if earlier.id not in by_round:
            by_round[earlier.id] = round_results(earlier, results.variant, results.assisted)
        if by_round[earlier.id] is not None:
            found[question.key] = by_round[earlier.id]
    for theme, key in first_of_theme.items():
        if key in found:
            found[f"tema:{theme}"] = found[key]
    results.previous = found
    return found
