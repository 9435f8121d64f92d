"""A linked hierarchical table: dimensions that are trees, cells that are one node of each.

Every cell of every level is in the table (all margins), and every cell that has children in
some dimension gives one *relation*: the cell equals the sum of those children. A value is a
vector of *measures* (respondents, and answers on the scale per question): the relations are
the same for each measure, only the numbers differ.
"""

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import product

Node = Hashable
Cell = tuple[Node, ...]


@dataclass(frozen=True)
class Dimension:
    """One hierarchy: ``children`` maps a node to its children; leaves have none."""

    name: str
    root: Node
    children: Mapping[Node, Sequence[Node]]
    labels: Mapping[Node, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """A tree or nothing: overlapping groups (a node under two parents) are refused."""
        self.nodes  # noqa: B018 (walking the tree checks it)

    @cached_property
    def nodes(self) -> tuple[Node, ...]:
        """Every node, parents before their children."""
        found, pending, seen = [], [self.root], {self.root}
        while pending:
            node = pending.pop(0)
            found.append(node)
            for child in self.children.get(node, ()):
                if child in seen:
                    raise ValueError(
                        f"{self.name}: {child!r} is in two groups; groups must not overlap"
                    )
                seen.add(child)
                pending.append(child)
        return tuple(found)

    @cached_property
    def parent(self) -> dict[Node, Node]:
        return {child: node for node in self.nodes for child in self.children.get(node, ())}

    def lineage(self, node: Node) -> list[Node]:
        """The node and its ancestors up to the root."""
        line = [node]
        while line[-1] in self.parent:
            line.append(self.parent[line[-1]])
        return line

    def is_leaf(self, node: Node) -> bool:
        return not self.children.get(node)

    def depth(self, node: Node) -> int:
        return len(self.lineage(node)) - 1

    def label(self, node: Node) -> str:
        return self.labels.get(node, str(node))


Relation = tuple[Cell, tuple[Cell, ...]]


class LinkedTable:
    """All cells of the product of ``dimensions``, their values and their relations.

    ``atoms`` gives the measures of leaf cells (one leaf of every dimension); a leaf cell that
    is not given is empty. Every other cell is the sum of the atoms below it.
    """

    def __init__(
        self,
        dimensions: Sequence[Dimension],
        atoms: Mapping[Cell, Sequence[int]],
        measures: Sequence[str] = ("n",),
    ) -> None:
        self.dimensions = tuple(dimensions)
        self.measures = tuple(measures)
        width = len(self.measures)
        self.cells: list[Cell] = list(product(*(d.nodes for d in self.dimensions)))
        sums: dict[Cell, list[int]] = {cell: [0] * width for cell in self.cells}
        for atom, values in atoms.items():
            if len(values) != width:
                raise ValueError(f"atom {atom!r} has {len(values)} measures, not {width}")
            if any(not d.is_leaf(node) for d, node in zip(self.dimensions, atom, strict=True)):
                raise ValueError(f"atom {atom!r} is not a leaf of every dimension")
            lineages = [d.lineage(node) for d, node in zip(self.dimensions, atom, strict=True)]
            for cell in product(*lineages):
                total = sums[cell]
                for i, value in enumerate(values):
                    total[i] += value
        self.values: dict[Cell, tuple[int, ...]] = {c: tuple(v) for c, v in sums.items()}

    @cached_property
    def relations(self) -> list[Relation]:
        found: list[Relation] = []
        for cell in self.cells:
            for i, dimension in enumerate(self.dimensions):
                kids = dimension.children.get(cell[i], ())
                if kids:
                    found.append((cell, tuple(cell[:i] + (kid,) + cell[i + 1 :] for kid in kids)))
        return found

    @cached_property
    def relations_of(self) -> dict[Cell, list[int]]:
        """For each cell, the indexes of the relations it takes part in."""
        index: dict[Cell, list[int]] = {cell: [] for cell in self.cells}
        for i, (parent, children) in enumerate(self.relations):
            index[parent].append(i)
            for child in children:
                index[child].append(i)
        return index

    def n(self, cell: Cell) -> int:
        """The first measure (respondents): what "cheapest" and "empty" are judged by."""
        return self.values[cell][0]

    def is_small(self, cell: Cell, threshold: int) -> bool:
        """Some measure of the cell is a group of 1 to ``threshold`` - 1."""
        return any(0 < value < threshold for value in self.values[cell])

    def totals(self, cell: Cell) -> int:
        """In how many dimensions the cell is a total rather than a leaf."""
        return sum(not d.is_leaf(node) for d, node in zip(self.dimensions, cell, strict=True))

    def label(self, cell: Cell) -> str:
        return " | ".join(d.label(node) for d, node in zip(self.dimensions, cell, strict=True))
