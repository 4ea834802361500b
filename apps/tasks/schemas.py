"""API schemas of tasks.

Read by attribute from the models and the selectors' dataclasses, as described in apps/assessment/schemas.py.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema

from .models import NoticeLevel


class UnitOut(Schema):
    id: int
    name: str


class MilestoneOut(Schema):
    id: int
    title: str
    due: dt.date
    done_on: dt.date | None
    overdue: bool


class TaskOut(Schema):
    id: int
    parent_id: int | None
    level: int
    number: str
    title: str
    deadline: dt.date | None
    deadline_text: str
    status: str
    percent: int
    overdue: bool
    leads: list[UnitOut]
    cooperators: list[UnitOut]


class EvidenceFileOut(Schema):
    id: int
    name: str
    url: str  # the one permission-checked download


class ProgressOut(Schema):
    id: int
    task_id: int
    department_id: int
    narrative: str
    percent: int
    status: str
    version: int
    evidence: list[str]  # the files' names (kept); evidence_files has their downloads
    evidence_files: list[EvidenceFileOut]


class ReviewEventOut(Schema):
    action: str
    old_status: str
    new_status: str
    comment: str
    actor: str
    at: dt.datetime


class ProgressDetailOut(ProgressOut):
    history: list[ReviewEventOut]


class TaskDetailOut(TaskOut):
    description: str
    milestones: list[MilestoneOut]
    indicator_ids: list[int]
    progress: list[ProgressDetailOut]


class ProgressEditIn(Schema):
    """A draft or returned update changed, and with ``submit`` (re)submitted in the same step."""

    narrative: str
    percent: int
    expected_version: int
    submit: bool = False


class ImportOut(Schema):
    created: int
    updated: int


class FundingOut(Schema):
    source: str
    label: str
    amount_wan: Decimal | None


class YearOut(Schema):
    year: int
    planned_wan: Decimal
    completed_wan: Decimal


class ProjectOut(Schema):
    id: int
    number: str
    name: str
    category: str
    region_id: int
    region: str
    location: str
    department_id: int
    department: str
    start: dt.date
    end: dt.date
    total_investment_wan: Decimal
    total_investment_yi: Decimal
    status: str
    percent: int
    late: bool
    funding: list[FundingOut]
    years: list[YearOut]


class SummaryLineOut(Schema):
    label: str
    count: int
    total_wan: Decimal
    planned_wan: Decimal
    completed_wan: Decimal


class SummaryOut(Schema):
    headline: str
    count: int
    total_wan: Decimal
    total_yi: Decimal
    completed_wan: Decimal
    completed_yi: Decimal
    late: int
    by_category: list[SummaryLineOut]
    by_region: list[SummaryLineOut]
    by_year: list[SummaryLineOut]
    by_source: list[SummaryLineOut]


class NoticeOut(Schema):
    id: int
    department_id: int
    department: str
    rule: str
    title: str
    reason: str
    level: int
    level_label: str
    colour: str
    status: str
    version: int
    issued_on: dt.date
    response_due: dt.date


class NoticeEventOut(Schema):
    action: str
    kind: str
    level: int
    text: str
    on: dt.date
    actor: str | None


class NoticeDetailOut(NoticeOut):
    events: list[NoticeEventOut]


class NoticeIn(Schema):
    department_id: int
    title: str
    reason: str = ""
    level: int = NoticeLevel.REMIND
    response_due: dt.date | None = None


class TextIn(Schema):
    text: str = ""


class RunOut(Schema):
    issued: int
    escalated: int
    resolved: int


class DueReportOut(Schema):
    title: str
    due: dt.date
    url: str
    overdue: bool


class InboxTaskOut(Schema):
    id: int
    number: str
    title: str
    deadline: dt.date | None
    percent: int
    overdue: bool


class InboxOut(Schema):
    department_id: int
    department: str
    tasks: list[InboxTaskOut]
    returned_progress: list[ProgressOut]
    notices: list[NoticeOut]
    due_reports: list[DueReportOut]


class BarOut(Schema):
    label: str
    kind: str
    start: dt.date
    end: dt.date
    css: str
    note: str


class TimelineOut(Schema):
    start: dt.date
    end: dt.date
    today: dt.date
    rows: list[BarOut]
