"""Results for a round, a variant and every unit, from the counts table (no answer scans).

``round_results`` computes every question and theme for every node of the organisation tree at
once (a few thousand rows of counts) as the round's newest release shows them: the release's
weeks and its hidden cells (``releases``), so a cell is hidden the same way on every page and
in every export, whoever looks, and nothing moves between two releases.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select

from ..extensions import db
from ..org.models import Organisation
from ..questionnaires.model import Question, Questionnaire
from ..questionnaires.scoped import of_round
from ..rounds.models import Round, RoundQuestionnaire
from .linked import ALL, RESPONDENTS
from .models import RESPONSES_KEY, Release, ReleaseCount
from .releases import latest
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

    # Two denominators, never mixed in one figure: an option on the scale and "Andel positive"
    # are shares of the answers on the scale; "Ved ikke" and "Vil ikke svare" are shares of
    # all answers. So the options' shares add up to 100 % with nothing missing.

    @property
    def positive_share(self) -> float | None:
        """Positive answers over the answers on the scale."""
        return self.positive / self.scale_n if self.scale_n and not self.hidden else None

    @property
    def mean(self) -> float | None:
        return self.score_sum / self.scored_n if self.scored_n and not self.hidden else None

    def scale_share(self, code: str) -> float | None:
        """An option on the scale over the answers on the scale (as ``positive_share``)."""
        return self.counts.get(code, 0) / self.scale_n if self.scale_n and not self.hidden else None

    def share_of_all(self, code: str) -> float | None:
        """An answer (meant for the special answers) over all answers, specials included."""
        return self.counts.get(code, 0) / self.n if self.n and not self.hidden else None


@dataclass
class RoundResults:
    round: Round
    variant: str
    questionnaire: Questionnaire
    tree: OrgTree
    threshold: int
    group: str | None  # the help group shown, or None for everyone
    questions: dict[str, dict[NodeKey, Stats]]
    themes: dict[str, dict[NodeKey, Stats]]
    responses: dict[NodeKey, Stats]
    previous: dict[str, "RoundResults"] | None = None  # filled once by previous_results
    release: Release | None = None

    def scale_questions(self) -> list[Question]:
        return [q for q in self.questionnaire.questions if q.has_scale]

    def theme_keys(self) -> list[str]:
        return [t for t in self.questionnaire.themes if t in self.themes]


def questionnaire_of(round_: Round, variant: str) -> Questionnaire | None:
    """The questionnaire as ``round_``'s organisation asks it: with its own questions."""
    return of_round(round_, variant)


def load_counts(release_id: int, group: str | None) -> list[tuple[int, str, str, int]]:
    """(tilbud, question, value, n) a release holds, in a help group or all of them."""
    query = select(
        ReleaseCount.tilbud_id,
        ReleaseCount.question_key,
        ReleaseCount.value,
        func.sum(ReleaseCount.count),
    ).where(ReleaseCount.release_id == release_id)
    if group is not None:
        query = query.where(ReleaseCount.help_group == group)
    query = query.group_by(ReleaseCount.tilbud_id, ReleaseCount.question_key, ReleaseCount.value)
    return [(t, k, v, int(n)) for t, k, v, n in db.session.execute(query)]


OptionInfo = tuple[bool, bool, int | None] | None  # (special, positive, score)


def _option_info(question: Question | None, value: str) -> OptionInfo:
    option = question.option(value) if question else None
    return None if option is None else (option.special, option.positive, option.score)


def add_count(stats: Stats, info: OptionInfo, value: str, n: int) -> None:
    """Add ``n`` answers of ``value`` (``info``: its option, or None) to a cell."""
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


def round_results(
    round_: Round, variant: str, group: str | None = None, release: Release | None = None
) -> RoundResults | None:
    """Every question and theme at every unit, as the newest release (or ``release``) shows
    them; None if the round has no such questionnaire. Without a release, nothing is shown.

    The numbers come from the counts of the release's weeks, which never change; the hidden
    cells are the release's pattern, the same for every question and theme of a cell.
    """
    questionnaire = questionnaire_of(round_, variant)
    if questionnaire is None:
        return None
    tree = org_tree(round_.organisation_id)
    threshold = db.session.get(Organisation, round_.organisation_id).anonymity_threshold
    if release is None:
        release = latest(round_.id, variant)
    results = RoundResults(round_, variant, questionnaire, tree, threshold, group, {}, {}, {})
    results.release = release
    if release is None:
        return results
    pattern = {
        part: {unit for unit, g in cells if g == (group or ALL)}
        for part, cells in release.hidden.items()
    }
    part_of = {q.key: q.theme for q in questionnaire.questions if q.has_scale}
    by_question: dict[str, dict[NodeKey, Stats]] = defaultdict(dict)
    options: dict[tuple[str, str], OptionInfo] = {}
    for tilbud_id, key, value, n in load_counts(release.id, group):
        node = ("tilbud", tilbud_id)
        if node not in tree.units:
            continue
        if (key, value) not in options:
            options[key, value] = _option_info(questionnaire.question(key), value)
        add_count(by_question[key].setdefault(node, Stats()), options[key, value], value, n)
    # Every question, answered or not: a hidden cell must read the same either way.
    for key in {RESPONSES_KEY, *by_question, *(q.key for q in questionnaire.questions)}:
        cells = _roll_up(tree, by_question.get(key, {}))
        for node in pattern.get(part_of.get(key, RESPONDENTS), ()):
            if node in cells:
                cells[node].hidden = True
        if key == RESPONSES_KEY:
            results.responses = cells
        else:
            results.questions[key] = cells
    _themes(results, pattern)
    return results


def _themes(results: RoundResults, pattern: dict[str, set[NodeKey]]) -> None:
    """A theme sums its scale questions, in the same cells: hidden where they are."""
    by_theme: dict[str, list[str]] = defaultdict(list)
    for question in results.scale_questions():
        by_theme[question.theme].append(question.key)
    for theme, keys in by_theme.items():
        hidden = pattern.get(theme, set())
        cells = {key: Stats(hidden=key in hidden) for key in results.tree.units}
        for key in keys:
            for node, stats in results.questions.get(key, {}).items():
                _merge(cells[node], stats)
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
            by_round[earlier.id] = round_results(earlier, results.variant, results.group)
        if by_round[earlier.id] is not None:
            found[question.key] = by_round[earlier.id]
    for theme, key in first_of_theme.items():
        if key in found:
            found[f"tema:{theme}"] = found[key]
    results.previous = found
    return found
