"""Old → new per changed field: what every staged import shows before it commits, and all it then writes.

An import compares, column by column, the text its list's export writes for the stored row with the text
the same export would write for the row as the sheet has it. Equal texts mean "no change" and the stored
field is left alone (so exporting and importing a list changes nothing); a column the sheet lacks is never
compared, so it never writes a default.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from docimport.xlsx import cell_text


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class RowChange:
    """One row of a sheet that creates or changes a stored row: its row number, name and changed fields."""

    row: int
    name: str
    created: bool
    changes: tuple[FieldChange, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "name": self.name, "created": self.created,
                "changes": [[c.field, c.label, c.old, c.new] for c in self.changes]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RowChange:
        return cls(data["row"], data["name"], data["created"], tuple(FieldChange(*c) for c in data["changes"]))


def column_changes(old: Mapping[str, object] | None, new: Mapping[str, object],
                   columns: Iterable[str]) -> tuple[FieldChange, ...]:
    """The ``columns`` whose cell text differs between ``old`` (None: a new row) and ``new``."""
    found = []
    for column in columns:
        before = "" if old is None else cell_text(old.get(column))
        after = cell_text(new.get(column))
        if before != after:
            found.append(FieldChange(column, column, before, after))
    return tuple(found)


def changes_plan(rows: Iterable[RowChange], unchanged: int) -> dict[str, Any]:
    """The JSON plan part every list import stores: the changed rows and how many rows change nothing."""
    return {"changes": [row.as_dict() for row in rows], "unchanged": unchanged}


def plan_changes(plan: Mapping[str, Any]) -> list[RowChange]:
    """The changed rows of a plan made by :func:`changes_plan`, as the preview shows them."""
    return [RowChange.from_dict(row) for row in plan.get("changes", [])]
