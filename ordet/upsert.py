"""``INSERT ... ON CONFLICT DO UPDATE`` on the two engines we run on (SQLite and PostgreSQL).

Callers build each statement once per dialect (``functools.cache``) and run it with a list of
rows: the compiled statement is then reused, where composing it per request costs as much as
running it.
"""

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite


def upsert(
    dialect: str, table: Table, keys: Sequence[str], updates: Callable[[Any], dict[str, Any]]
):
    """An upsert on ``table``'s unique ``keys``; ``updates(excluded)`` gives the SET clause."""
    insert = (sqlite if dialect == "sqlite" else postgresql).insert(table)
    return insert.on_conflict_do_update(index_elements=list(keys), set_=updates(insert.excluded))
