"""The typed result of reading a plan document (规划, 实施方案, 行动方案, 工作要点, 通知).

Every extracted item keeps the span of document text it came from (``Span``: character offsets into
``PlanExtraction.text``, the normalised text), so a preview can show the item beside its source and the office
can correct it. Names of units are copied exactly as written; matching them to departments is an app's job.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Span:
    """Characters ``start``..``end`` (end exclusive) of the normalised text."""

    start: int
    end: int


class Comparator(StrEnum):
    GE = "≥"
    LE = "≤"
    GT = ">"
    LT = "<"
    EQ = "="


@dataclass(frozen=True, slots=True)
class Heading:
    """One heading of the document's tree, with the document's own marker ("四", "（一）", "1", "任务一"; "" when
    the heading line is bare)."""

    marker: str
    title: str
    level: int
    span: Span
    children: tuple[Heading, ...] = ()


@dataclass(frozen=True, slots=True)
class PlanTask:
    """A leaf item with an explicit assignment. ``ref`` joins the markers of its path with "." ("四.(一).1")."""

    ref: str
    title: str
    lead: tuple[str, ...]
    cooperating: tuple[str, ...]
    span: Span
    text: str = ""


@dataclass(frozen=True, slots=True)
class PlanTarget:
    """A quantified target in prose: "到2023年底，全市林草覆盖率稳定在41%以上" → 林草覆盖率 ≥ 41 %, 2023."""

    text: str
    indicator: str
    comparator: Comparator
    value: Decimal
    unit: str
    deadline: int | None
    span: Span


@dataclass(frozen=True, slots=True)
class PlanPhase:
    """A phase with its year-month range ("2021-12" .. "2022-11"); ``end`` may be None when open."""

    name: str
    start: str
    end: str | None
    span: Span


@dataclass(frozen=True, slots=True)
class ProjectCategory:
    name: str
    count: int | None
    investment_yi_yuan: Decimal | None


@dataclass(frozen=True, slots=True)
class ProjectsTotal:
    count: int | None
    investment_yi_yuan: Decimal | None
    span: Span
    categories: tuple[ProjectCategory, ...] = ()


@dataclass(frozen=True, slots=True)
class PlanExtraction:
    """What a plan document says, as far as the rules could read it."""

    text: str
    headings: tuple[Heading, ...]
    tasks: tuple[PlanTask, ...]
    targets: tuple[PlanTarget, ...]
    phases: tuple[PlanPhase, ...]
    projects_total: ProjectsTotal | None
    blanket_units: tuple[str, ...] = ()
    title: str = ""
    warnings: tuple[str, ...] = field(default=())
