"""The current row of an append-only history, chosen by the database.

Revisions (local edits, overrides, assigned numbers, monitoring results, review events …) are never
updated: a change is a new row, and the current one is the newest row of its key. :func:`latest_per_key`
asks the database for exactly those rows, one per key, as "rows of the history with no newer row of the
same key" (``NOT EXISTS`` over a correlated subquery, which the key's index answers). The same SQL runs
on SQLite and PostgreSQL; measured on 120,000 assigned numbers it is as fast as loading the history and
keeping the last row per key in Python, and it returns a third of the rows. A ``ROW_NUMBER()`` window
was as fast on SQLite and slower on PostgreSQL once wrapped so that later filters see only current rows.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from functools import reduce
from typing import TypeVar

from django.db.models import Exists, Model, OuterRef, Q, QuerySet

M = TypeVar("M", bound=Model)


def latest_per_key(
    history: QuerySet[M], *, key: Sequence[str], newest_first: Sequence[str] = ("-created_at", "-id")
) -> QuerySet[M]:
    """The newest row of ``history`` per ``key`` (one row per key), chosen in SQL.

    ``history`` says which rows make up the history (filter it first: only committed batches, only
    returns …). Filters added to the result apply to the current rows only: a restored local edit, whose
    target is empty, stays the current edit and is then filtered out, rather than an older edit
    reappearing. ``newest_first`` orders a key's rows from the newest, like a reversed ``get_latest_by``;
    its fields must be non-null and, taken together, unique within a key.
    """
    newer = []
    same: dict[str, OuterRef] = {}
    for name in newest_first:
        field = name.removeprefix("-")
        lookup = "gt" if name.startswith("-") else "lt"
        newer.append(Q(**same, **{f"{field}__{lookup}": OuterRef(field)}))
        same[field] = OuterRef(field)
    newer_rows = history.order_by().filter(reduce(operator.or_, newer), **{name: OuterRef(name) for name in key})
    return history.filter(~Exists(newer_rows))
