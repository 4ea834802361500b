"""API schemas of programs.

Read by attribute from the models and the selectors' dataclasses, as described in apps/assessment/schemas.py.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from apps.core.schemas import schema_of

from .selectors import DepartmentDuty, TargetRow


class PhaseOut(Schema):
    name: str
    start: dt.date
    end: dt.date
    description: str


class GoalOut(Schema):
    region_id: int
    region_name: str = Field(alias="region.name")
    title_sought: str
    target_year: int


class ProgramOut(Schema):
    id: int
    name: str
    region_id: int
    framework_code: str = Field(alias="framework.code")
    title_sought: str
    base_year: int
    target_year: int


class ProgramDetailOut(ProgramOut):
    phases: list[PhaseOut]
    goals: list[GoalOut]

    resolve_phases = staticmethod(lambda obj: list(obj.phases.all()))
    resolve_goals = staticmethod(lambda obj: list(obj.region_goals.select_related("region")))


TargetOut = schema_of(
    "TargetOut", TargetRow,
    "region_id indicator_id indicator_code indicator_name applicable expression text target_text source reason "
    "needs_assigned undetermined_attributes",
)


class TargetWordsIn(Schema):
    """A target to read as words: an expression, or the target form's clauses; the unit and direction from an
    indicator of the program, else as given."""

    expression: str = ""
    clauses: list[dict[str, str]] = []  # each {kind, op, value, text, rule, join}, as the target form posts them
    indicator_id: int | None = None
    unit: str = ""
    direction: str = "higher"


class TargetWordsOut(Schema):
    expression: str
    target_text: str


class TargetEditIn(Schema):
    indicator_id: int
    level: str
    target: str
    reason: str


class LocalIndicatorIn(Schema):
    name: str
    domain: str = "地方特色"
    task: str = "地方特色指标"
    unit: str = ""
    direction: str = "higher"
    binding: bool = False
    target_city: str = ""
    target_county: str = ""
    targets: dict[str, str] = {}  # level → expression; adds to (and wins over) target_city / target_county
    reason: str


class OverrideIn(Schema):
    region_id: int
    indicator_id: int
    target: str = ""
    not_applicable: bool = False
    clear: bool = False
    reason: str


class AssignedIn(Schema):
    region_id: int
    indicator_id: int
    year: int
    value: Decimal
    document: str = ""
    reason: str


class AssignedOut(Schema):
    region_id: int
    indicator_id: int
    year: int
    value: Decimal
    document: str
    reason: str
    created_by: str = Field(alias="created_by.username")
    created_at: dt.datetime


class Saved(Schema):
    id: int


class ResponsibilityOut(Schema):
    """A :class:`~apps.programs.selectors.ResponsibilityRow`: the indicator and its units' names."""

    indicator_id: int = Field(alias="indicator.id")
    indicator_code: str = Field(alias="indicator.code")
    indicator_name: str = Field(alias="indicator.full_name")
    leads: list[str]
    cooperators: list[str]

    resolve_leads = staticmethod(lambda obj: [d.name for d in obj.leads])
    resolve_cooperators = staticmethod(lambda obj: [d.name for d in obj.cooperators])


class ResponsibilityIn(Schema):
    lead_ids: list[int]
    cooperator_ids: list[int] = []


DepartmentDutyOut = schema_of(
    "DepartmentDutyOut", DepartmentDuty, "indicator_id indicator_code indicator_name role target",
)
