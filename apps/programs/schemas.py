"""API schemas of programs.

Read by attribute from the models and the selectors' dataclasses, as described in apps/assessment/schemas.py.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from .models import Phase, Program, RegionGoal
from .selectors import ResponsibilityRow


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

    @staticmethod
    def resolve_phases(obj: Program) -> list[Phase]:
        return list(obj.phases.all())

    @staticmethod
    def resolve_goals(obj: Program) -> list[RegionGoal]:
        return list(obj.region_goals.select_related("region"))


class TargetOut(Schema):
    region_id: int
    indicator_id: int
    indicator_code: str
    indicator_name: str
    applicable: bool
    expression: str | None
    text: str
    source: str
    reason: str
    needs_assigned: bool


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
    created_by: str
    created_at: dt.datetime

    @staticmethod
    def resolve_created_by(obj):
        return obj.created_by.username


class Saved(Schema):
    id: int


class ResponsibilityOut(Schema):
    """A :class:`~apps.programs.selectors.ResponsibilityRow`: the indicator and its units' names."""

    indicator_id: int
    indicator_code: str
    indicator_name: str
    leads: list[str]
    cooperators: list[str]

    @staticmethod
    def resolve_indicator_id(obj: ResponsibilityRow) -> int:
        return obj.indicator.id

    @staticmethod
    def resolve_indicator_code(obj: ResponsibilityRow) -> str:
        return obj.indicator.code

    @staticmethod
    def resolve_indicator_name(obj: ResponsibilityRow) -> str:
        return obj.indicator.full_name

    @staticmethod
    def resolve_leads(obj: ResponsibilityRow) -> list[str]:
        return [d.name for d in obj.leads]

    @staticmethod
    def resolve_cooperators(obj: ResponsibilityRow) -> list[str]:
        return [d.name for d in obj.cooperators]


class ResponsibilityIn(Schema):
    lead_ids: list[int]
    cooperator_ids: list[int] = []


class DepartmentDutyOut(Schema):
    indicator_id: int
    indicator_code: str
    indicator_name: str
    role: str
    target: str
