"""The plan import's API shapes: the staged plan (draft lists with spans, matches with confidence and reason),
what a commit would write (old → new), and one correction."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema

from apps.core.schemas import RowErrorOut, schema_of
from apps.staging.schemas import RowChangeOut

from . import draft

PlanUnitOut = schema_of("PlanUnitOut", draft.DraftUnit, "name action department_id department_name confidence reason",
                    doc="A unit name as written and what it is taken as: an existing department (match), a unit "
                        "created at commit (new), or no unit (skip), with the match's confidence and reason.")
PlanTaskOut = schema_of("PlanTaskOut", draft.DraftTask, "key ref title lead cooperating span text dropped",
                    doc="A task of the document: ``span`` is its [start, end) in ``text``.")
PlanTargetOut = schema_of("PlanTargetOut", draft.DraftTarget,
                      "key text phrase comparator value unit deadline span indicator_id indicator_name confidence "
                      "reason dropped", doc="A target of the document and the indicator it is matched to.")
PlanPhaseOut = schema_of("PlanPhaseOut", draft.DraftPhase, "name key start end span dropped")
PlanProjectsOut = schema_of("PlanProjectsOut", draft.DraftProjects, "count investment_yi_yuan span categories dropped")


class PlanImportOut(Schema):
    """A plan import: reading (poll it), previewed (correct it with ``…/corrections``, confirm with ``…/commit``),
    committed (``result``), or failed. ``changes`` are what a commit would write, old → new."""

    import_id: int
    status: str
    finished: bool
    progress: int
    stage: str
    original_name: str
    sha256: str
    version: int
    title: str
    text: str
    tasks: list[PlanTaskOut]  # type: ignore[valid-type]
    units: list[PlanUnitOut]  # type: ignore[valid-type]
    targets: list[PlanTargetOut]  # type: ignore[valid-type]
    phases: list[PlanPhaseOut]  # type: ignore[valid-type]
    projects: PlanProjectsOut | None  # type: ignore[valid-type]
    blanket_units: list[str]
    notes: list[str]
    changes: list[RowChangeOut]
    unchanged: int
    warnings: list[RowErrorOut]
    errors: list[RowErrorOut]
    message: str
    result: dict[str, Any]


class CorrectionIn(Schema):
    """One correction of the staged plan, made on the ``version`` the client read (a stale one is refused).

    ``kind``: ``title`` (key, title), ``units`` (key, lead, cooperating: unit names), ``unit`` (unit, action
    match/new/skip, department_id), ``merge`` (key, other), ``split`` (key, titles), ``drop`` (key — a task,
    target, phase or ``projects`` — and dropped), ``indicator`` (key of a target, indicator_id or null)."""

    kind: str
    version: int
    key: str = Field("", max_length=20)
    title: str = Field("", max_length=200)
    lead: list[str] = Field(default_factory=list, max_length=50)
    cooperating: list[str] = Field(default_factory=list, max_length=50)
    unit: str = Field("", max_length=200)
    action: str = Field("", max_length=10)
    department_id: int | None = None
    other: str = Field("", max_length=20)
    titles: list[str] = Field(default_factory=list, max_length=50)
    dropped: bool = True
    indicator_id: int | None = None


class MatchOut(Schema):
    name: str
    matched: str
    id: int | None
    confidence: float
    reason: str


class MatchesOut(Schema):
    """Every unit name and target phrase of the plan with what it is matched to, its confidence and reason."""

    units: list[MatchOut]
    indicators: list[MatchOut]
