"""Statistical disclosure control for everything the results publish.

Everything a round publishes (every unit level x every filter group x every release) is one
*linked table*: cells are combinations of nodes of hierarchical dimensions, and every cell
equals the sum of its children in each dimension. An attacker who sees the shown cells holds
a linear system over the hidden ones; ``audit`` solves it the way the attacker would (exact
rational elimination, and linear programs for the largest value a hidden group could have)
and ``protect`` chooses the hidden cells so that it finds nothing. See ``shared/ANONYMITY.md``
and the README's "Anonymitet" for the model in words.

The package knows nothing of Flask or the database: the results package builds the tables.
"""

from .audit import Finding, audit
from .protect import protect
from .table import Cell, Dimension, LinkedTable

__all__ = ["Cell", "Dimension", "Finding", "LinkedTable", "audit", "protect"]
