"""What a checked batch would do, as frozen dataclasses: the planned writes and the computed results.

A batch keeps its plan as JSON (``ImportBatch.plan``); :meth:`BatchPlan.from_batch` reads it back into these
types, which the page, the API (``schemas.py`` reads them by attribute) and the commit share.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["BatchPlan", "PlannedResult", "PlannedWrite"]


@dataclass(frozen=True, slots=True)
class PlannedWrite:
    """One computed value and what it does to the reporting workflow: ``write`` a revision or ``skip``."""

    region_id: int
    region: str
    year: int
    measure: str
    indicator_id: int
    indicator_code: str
    indicator: str
    unit: str
    value: str
    provenance: str
    status: str  # the current value's review status, "" when there is none
    status_label: str
    previous: str
    action: str = "write"  # write / skip
    reason: str = ""
    warnings: tuple[str, ...] = ()

    def skipped(self, reason: str) -> PlannedWrite:
        return dataclasses.replace(self, action="skip", reason=reason)

    def to_json(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "warnings": list(self.warnings)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PlannedWrite:
        return cls(**{**data, "warnings": tuple(data.get("warnings", ()))})


@dataclass(frozen=True, slots=True)
class PlannedResult:
    """A computed result as the preview shows it (value as decimal text)."""

    region: str  # region code
    region_name: str
    year: int
    measure: str
    label: str
    unit: str
    value: str | None
    method: str
    provenance: str
    text: str
    inputs: Mapping[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "inputs": dict(self.inputs)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PlannedResult:
        return cls(**data)


@dataclass(frozen=True, slots=True)
class BatchPlan:
    """A batch's plan: planned writes, results, and the rows of a station/section file."""

    writes: tuple[PlannedWrite, ...] = ()
    results: tuple[PlannedResult, ...] = ()
    sites: tuple[Mapping[str, Any], ...] = ()

    @property
    def to_write(self) -> int:
        return sum(1 for w in self.writes if w.action == "write")

    @property
    def skipped(self) -> tuple[PlannedWrite, ...]:
        return tuple(w for w in self.writes if w.action != "write")

    def to_json(self) -> dict[str, Any]:
        return {"results": [r.to_json() for r in self.results], "writes": [w.to_json() for w in self.writes],
                "sites": [dict(s) for s in self.sites]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> BatchPlan:
        data = data or {}
        return cls(writes=tuple(PlannedWrite.from_json(w) for w in data.get("writes", [])),
                   results=tuple(PlannedResult.from_json(r) for r in data.get("results", [])),
                   sites=tuple(data.get("sites", [])))
