"""The anonymity rule. Every page, chart and export asks ``suppress`` / ``suppress_tree``.

Rules (one function, ``suppress``, decides for a parent and its children):

1. A group with 1 to threshold-1 answers is suppressed ("For få svar"). A group with no answers
   is simply empty: there is nobody to protect.
2. Complementary suppression: when a parent is shown and exactly one child is suppressed, that
   child could be found by subtracting the shown siblings from the parent, so the smallest other
   child is suppressed too. We apply the general form: while the suppressed children together
   hold fewer than ``threshold`` answers (but more than none), the smallest shown child joins
   them. With exactly one suppressed child this is the issue's rule; with two or more it also
   covers "two tiny tilbud whose sum is still tiny".
3. A parent that is itself hidden (by rule 2 one level up) must not be rebuilt by adding its
   children: the same loop runs with "hidden" starting from the parent, so its suppressed
   children hold at least ``threshold`` answers.
4. Filters (assisted answering) split a group in two: the filtered part and the rest. Both
   are children of the unfiltered group, so rule 2 applies: a filtered group is shown only when
   the rest is empty or itself large enough.

Distributions: a shown group's distribution is shown in full (counts per option), as is usual
for official statistics with a group threshold: a group of at least ``threshold`` people is the
protection. We do not additionally hide single small option cells: that would hide most
"Nej" answers, which are the ones staff most need to see, while the group threshold already
keeps any single answer from being tied to a person who is not in a group of ``threshold``.
"""

from collections.abc import Hashable, Mapping, Sequence, Set
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

DEFAULT_THRESHOLD = 5


def suppress(
    parent_hidden: bool,
    children: Mapping[K, int],
    threshold: int,
    forced: Set[K] = frozenset(),
) -> set[K]:
    """The children to hide, given the parent's state and each child's number of answers.

    ``forced`` are children already hidden for another reason (a filter, a question of a theme).
    """
    hidden = {key for key, n in children.items() if 0 < n < threshold or (n and key in forced)}
    shown = sorted(
        ((n, str(key), key) for key, n in children.items() if n > 0 and key not in hidden),
        key=lambda item: (item[0], item[1]),
    )
    total_hidden = sum(children[key] for key in hidden)
    while shown and total_hidden < threshold and (total_hidden > 0 or parent_hidden):
        n, _name, key = shown.pop(0)
        hidden.add(key)
        total_hidden += n
    return hidden


def suppress_tree(
    tree: Mapping[Hashable, Sequence[Hashable]],
    root: Hashable,
    n: Mapping[Hashable, int],
    threshold: int,
    forced: Set[Hashable] = frozenset(),
) -> set[Hashable]:
    """Apply ``suppress`` from ``root`` down (organisation → specialområder → tilbud).

    ``tree`` maps a node to its children, ``n`` a node to its answers (missing: 0). Node keys
    must be unique across levels. Returns every hidden node.
    """
    root_n = n.get(root, 0)
    hidden = {root} if (0 < root_n < threshold or (root_n and root in forced)) else set()
    pending = [root]
    while pending:
        node = pending.pop()
        children = tree.get(node, ())
        if not children:
            continue
        hidden |= suppress(node in hidden, {c: n.get(c, 0) for c in children}, threshold, forced)
        pending.extend(children)
    return hidden


def filtered_hidden(filtered_n: int, unfiltered_n: int, threshold: int) -> bool:
    """Rule 4: a filtered group hides when it, or the rest of its unfiltered group, is small."""
    parent_hidden = 0 < unfiltered_n < threshold
    split = {"valgt": filtered_n, "resten": unfiltered_n - filtered_n}
    return "valgt" in suppress(parent_hidden, split, threshold)
