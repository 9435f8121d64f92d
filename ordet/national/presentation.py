"""What the national pages and the national workbook show: the core themes and questions as
columns, nationally, per operator and per institution. Every cell is a ``Stats`` of
``national_results`` as it is (one anonymity model): nothing here counts or decides what to hide.
"""

from dataclasses import dataclass

from ..results.aggregate import NodeKey, Stats
from ..results.units import Unit
from .figures import NationalResults

THEME, QUESTION = "tema", "spoergsmaal"


@dataclass(frozen=True)
class Column:
    """A core theme or a core question with the scale, and its cells at every node."""

    kind: str  # THEME or QUESTION
    key: str
    label: str
    theme: str  # the theme's key (a theme's own key for a theme)
    cells: dict[NodeKey, Stats]

    def at(self, node: NodeKey) -> Stats:
        return self.cells.get(node) or Stats(hidden=True)


@dataclass
class NationalView:
    results: NationalResults
    theme: str | None  # the theme picked, or None for every theme
    columns: list[Column]  # the themes (none picked), or the theme and its questions
    operators: list[Unit]
    institutions: list[tuple[Unit, Unit]]  # (operator, institution), by operator and name

    def responses(self, node: NodeKey) -> Stats:
        return self.results.responses.get(node) or Stats(hidden=True)


def theme_columns(results: NationalResults) -> list[Column]:
    questionnaire = results.questionnaire
    return [
        Column(THEME, key, questionnaire.theme_label(key, "da"), key, results.themes[key])
        for key in results.theme_keys()
    ]


def question_columns(results: NationalResults, theme: str | None = None) -> list[Column]:
    return [
        Column(QUESTION, q.key, q.label("da"), q.theme, results.questions.get(q.key, {}))
        for q in results.scale_questions()
        if theme is None or q.theme == theme
    ]


def all_columns(results: NationalResults) -> list[Column]:
    """Every theme, each followed by its questions (the national summary, the workbook)."""
    columns = []
    questions = question_columns(results)
    for theme in theme_columns(results):
        columns.append(theme)
        columns += [q for q in questions if q.theme == theme.key]
    return columns


def operators(results: NationalResults) -> list[Unit]:
    tree = results.tree
    return [tree.units[key] for key in tree.children.get(results.root, [])]


def institutions(results: NationalResults) -> list[tuple[Unit, Unit]]:
    tree = results.tree
    return [
        (operator, tree.units[key])
        for operator in operators(results)
        for key in tree.children.get(operator.key, [])
    ]


def national_view(results: NationalResults, theme: str | None = None) -> NationalView:
    """The page: every theme as a column, or (``theme``) the theme and its questions."""
    if theme is None:
        columns = theme_columns(results)
    else:
        themes = [c for c in theme_columns(results) if c.key == theme]
        columns = themes + question_columns(results, theme)
    return NationalView(results, theme, columns, operators(results), institutions(results))
