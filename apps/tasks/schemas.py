"""API schemas of tasks.

Read by attribute from the models and the selectors' dataclasses, as described in apps/assessment/schemas.py:
``api.py`` returns a :class:`~apps.tasks.models.Task`, a :class:`~apps.tasks.selectors.ProjectSummary`, an
:class:`~apps.tasks.selectors.Inbox` …, and a field the API shapes differently is a ``resolve_<field>`` here.
``tests/tasks/test_schemas.py`` checks that every other field exists on what the schema reads.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from ninja import Schema

from apps.evidence.models import Evidence
from apps.review.schemas import ReviewEventOut
from apps.review.services import review_history

from . import selectors
from .models import (
    NoticeLevel,
    Project,
    ProjectFunding,
    ProjectYear,
    SupervisionNotice,
    Task,
    TaskMilestone,
    TaskProgress,
)


class UnitOut(Schema):
    id: int
    name: str


class MilestoneOut(Schema):
    id: int
    title: str
    due: dt.date
    done_on: dt.date | None
    overdue: bool

    @staticmethod
    def resolve_overdue(obj: TaskMilestone) -> bool:
        return obj.is_overdue(timezone.localdate())



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

    @staticmethod
    def resolve_overdue(obj: Task) -> bool:
        return obj.is_overdue(timezone.localdate())

    @staticmethod
    def resolve_leads(obj: Task) -> list:
        return [u.department for u in obj.units.all() if u.role == "lead"]

    @staticmethod
    def resolve_cooperators(obj: Task) -> list:
        return [u.department for u in obj.units.all() if u.role == "cooperate"]



class EvidenceFileOut(Schema):
    id: int
    name: str
    url: str  # the one permission-checked download

    @staticmethod
    def resolve_name(obj: Evidence) -> str:
        return obj.original_name

    @staticmethod
    def resolve_url(obj: Evidence) -> str:
        return reverse("evidence_download", args=[obj.id])



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

    @staticmethod
    def resolve_evidence(obj: TaskProgress) -> list[str]:
        return [e.original_name for e in obj.evidence.all()]

    @staticmethod
    def resolve_evidence_files(obj: TaskProgress) -> list:
        return list(obj.evidence.all())



class ProgressDetailOut(ProgressOut):
    history: list[ReviewEventOut]

    @staticmethod
    def resolve_history(obj: TaskProgress) -> list:
        return list(review_history(obj))



class TaskDetailOut(TaskOut):
    description: str
    milestones: list[MilestoneOut]
    indicator_ids: list[int]
    progress: list[ProgressDetailOut]

    @staticmethod
    def resolve_indicator_ids(obj: Task) -> list[int]:
        return [i.id for i in obj.indicators.all()]

    @staticmethod
    def resolve_progress(obj: Task) -> list:
        return list(selectors.task_progress_list(obj))



class ProgressEditIn(Schema):
    """A draft or returned update changed, and with ``submit`` (re)submitted in the same step."""

    narrative: str
    percent: int
    expected_version: int
    submit: bool = False


class FundingOut(Schema):
    source: str
    label: str
    amount_wan: Decimal | None

    @staticmethod
    def resolve_label(obj: ProjectFunding) -> str:
        return obj.get_source_display()

    @staticmethod
    def resolve_amount_wan(obj: ProjectFunding) -> Decimal | None:
        return obj.amount



class YearOut(Schema):
    year: int
    planned_wan: Decimal
    completed_wan: Decimal

    @staticmethod
    def resolve_planned_wan(obj: ProjectYear) -> Decimal:
        return obj.planned

    @staticmethod
    def resolve_completed_wan(obj: ProjectYear) -> Decimal:
        return obj.completed



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

    @staticmethod
    def resolve_category(obj: Project) -> str:
        return obj.category.name

    @staticmethod
    def resolve_region(obj: Project) -> str:
        return obj.region.name

    @staticmethod
    def resolve_department(obj: Project) -> str:
        return obj.department.name

    @staticmethod
    def resolve_total_investment_wan(obj: Project) -> Decimal:
        return obj.total_investment

    @staticmethod
    def resolve_total_investment_yi(obj: Project) -> Decimal:
        return selectors.yi(obj.total_investment)

    @staticmethod
    def resolve_late(obj: Project) -> bool:
        return obj.is_late(timezone.localdate())



class SummaryLineOut(Schema):
    label: str
    count: int
    total_wan: Decimal
    planned_wan: Decimal
    completed_wan: Decimal

    @staticmethod
    def resolve_total_wan(obj: selectors.SummaryLine) -> Decimal:
        return obj.total

    @staticmethod
    def resolve_planned_wan(obj: selectors.SummaryLine) -> Decimal:
        return obj.planned

    @staticmethod
    def resolve_completed_wan(obj: selectors.SummaryLine) -> Decimal:
        return obj.completed



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

    @staticmethod
    def resolve_total_wan(obj: selectors.ProjectSummary) -> Decimal:
        return obj.total

    @staticmethod
    def resolve_total_yi(obj: selectors.ProjectSummary) -> Decimal:
        return selectors.yi(obj.total)

    @staticmethod
    def resolve_completed_wan(obj: selectors.ProjectSummary) -> Decimal:
        return obj.completed

    @staticmethod
    def resolve_completed_yi(obj: selectors.ProjectSummary) -> Decimal:
        return selectors.yi(obj.completed)



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

    @staticmethod
    def resolve_department(obj: SupervisionNotice) -> str:
        return obj.department.name

    @staticmethod
    def resolve_level_label(obj: SupervisionNotice) -> str:
        return obj.get_level_display()



class NoticeEventOut(Schema):
    action: str
    kind: str
    level: int
    text: str
    on: dt.date
    actor: str | None

    @staticmethod
    def resolve_actor(obj: selectors.NoticeEventEntry) -> str | None:
        return str(obj.actor) if obj.actor else None



class NoticeDetailOut(NoticeOut):
    events: list[NoticeEventOut]

    @staticmethod
    def resolve_events(obj: SupervisionNotice) -> list:
        return selectors.notice_events(obj)



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

    @staticmethod
    def resolve_overdue(obj: Task) -> bool:
        return obj.is_overdue(timezone.localdate())



class InboxOut(Schema):
    department_id: int
    department: str
    tasks: list[InboxTaskOut]
    returned_progress: list[ProgressOut]
    notices: list[NoticeOut]
    due_reports: list[DueReportOut]

    @staticmethod
    def resolve_department_id(obj: selectors.Inbox) -> int:
        return obj.department.id

    @staticmethod
    def resolve_department(obj: selectors.Inbox) -> str:
        return obj.department.name

    @staticmethod
    def resolve_returned_progress(obj: selectors.Inbox) -> list:
        return obj.returned



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
