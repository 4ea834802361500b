"""API schemas of tasks.

Read by attribute from the models and the selectors' dataclasses, as described in apps/assessment/schemas.py:
``api.py`` returns a :class:`~apps.tasks.models.Task`, a :class:`~apps.tasks.selectors.ProjectSummary`, an
:class:`~apps.tasks.selectors.Inbox` …; a field the API names differently reads its ``alias`` (an attribute path),
one it shapes differently is a ``resolve_<field>`` here.
``tests/tasks/test_schemas.py`` checks that every other field exists on what the schema reads.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from ninja import Field, Schema

from apps.core.schemas import schema_of
from apps.evidence.schemas import EvidenceFileOut
from apps.review.schemas import ReviewEventOut
from apps.review.services import review_history
from calc.tasks.rollup import Rollup

from . import selectors
from .models import NoticeLevel, Task
from .supervision import RunResult


class UnitOut(Schema):
    id: int
    name: str


class _Overdue(Schema):
    """Serves ``overdue`` (declared by the schema, where the API places it) for a task or a milestone."""

    resolve_overdue = staticmethod(lambda obj: obj.is_overdue(timezone.localdate()))


class MilestoneOut(_Overdue):
    id: int
    title: str
    due: dt.date
    done_on: dt.date | None
    overdue: bool


RollupOut = schema_of(
    "RollupOut", Rollup, "children tasks completed in_progress not_started overdue_tasks first_start last_deadline",
    doc="A group's roll-up (calc.tasks.rollup.Rollup): the leaf tasks below it by state, and their dates.")


class TaskOut(Schema):
    """A task with what the office reads of it: for a group (``is_group``), ``status``, ``percent`` and
    ``overdue`` are rolled up from its children (docs/tasks.md), and ``rollup`` counts what lies below."""

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
    is_group: bool
    rollup: RollupOut | None
    leads: list[UnitOut]
    cooperators: list[UnitOut]

    resolve_status = staticmethod(lambda obj: obj.rollup.status)
    resolve_percent = staticmethod(lambda obj: obj.rollup.percent)
    resolve_overdue = staticmethod(lambda obj: obj.rollup.overdue)
    resolve_is_group = staticmethod(lambda obj: obj.rollup.is_group)
    resolve_rollup = staticmethod(lambda obj: obj.rollup if obj.rollup.is_group else None)
    resolve_leads = staticmethod(lambda obj: [u.department for u in obj.units.all() if u.role == "lead"])

    @staticmethod
    def resolve_cooperators(obj: Task) -> list:
        return [u.department for u in obj.units.all() if u.role == "cooperate"]


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

    resolve_evidence = staticmethod(lambda obj: [e.original_name for e in obj.evidence.all()])
    resolve_evidence_files = staticmethod(lambda obj: list(obj.evidence.all()))


class ProgressDetailOut(ProgressOut):
    history: list[ReviewEventOut]

    resolve_history = staticmethod(lambda obj: list(review_history(obj)))


class SubTaskOut(Schema):
    """A line of a group's sub-task list (a :class:`~apps.tasks.selectors.TaskRow`); ``depth`` 0 is a direct
    child; ``context`` marks a group shown only to place the reader's own tasks (its roll-up covers only those)."""

    id: int = Field(alias="task.id")
    parent_id: int | None = Field(alias="task.parent_id")
    depth: int
    number: str = Field(alias="task.number")
    title: str = Field(alias="task.title")
    deadline: dt.date | None = Field(alias="task.deadline")
    deadline_text: str = Field(alias="task.deadline_text")
    status: str = Field(alias="rollup.status")
    percent: int
    overdue: bool

    resolve_percent = staticmethod(lambda obj: obj.rollup.percent)  # a group's is rolled up from its children
    resolve_overdue = staticmethod(lambda obj: obj.rollup.overdue)
    is_group: bool
    context: bool = Field(alias="is_context")
    leads: list[UnitOut]


class TaskDetailOut(TaskOut):
    description: str
    milestones: list[MilestoneOut]
    indicator_ids: list[int]
    progress: list[ProgressDetailOut]
    subtasks: list[SubTaskOut]
    hidden_subtasks: int  # direct children the reader may not see, counted only

    resolve_subtasks = staticmethod(lambda obj: obj.group.rows)
    resolve_hidden_subtasks = staticmethod(lambda obj: obj.group.hidden)

    resolve_indicator_ids = staticmethod(lambda obj: [i.id for i in obj.indicators.all()])
    resolve_progress = staticmethod(lambda obj: list(selectors.task_progress_list(obj)))


class ProgressEditIn(Schema):
    """A draft or returned update changed, and with ``submit`` (re)submitted in the same step."""

    narrative: str
    percent: int
    expected_version: int
    submit: bool = False


class FundingOut(Schema):
    source: str
    label: str = Field(alias="get_source_display")
    amount_wan: Decimal | None = Field(alias="amount")


class YearOut(Schema):
    year: int
    planned_wan: Decimal = Field(alias="planned")
    completed_wan: Decimal = Field(alias="completed")


class ProjectOut(Schema):
    id: int
    number: str
    name: str
    category: str = Field(alias="category.name")
    region_id: int
    region: str = Field(alias="region.name")
    location: str
    department_id: int
    department: str = Field(alias="department.name")
    start: dt.date
    end: dt.date
    total_investment_wan: Decimal = Field(alias="total_investment")
    total_investment_yi: Decimal
    status: str
    percent: int
    late: bool
    funding: list[FundingOut]
    years: list[YearOut]

    resolve_total_investment_yi = staticmethod(lambda obj: selectors.yi(obj.total_investment))
    resolve_late = staticmethod(lambda obj: obj.is_late(timezone.localdate()))


class SummaryLineOut(Schema):
    label: str
    count: int
    total_wan: Decimal = Field(alias="total")
    planned_wan: Decimal = Field(alias="planned")
    completed_wan: Decimal = Field(alias="completed")


SummaryOut = schema_of(
    "SummaryOut", selectors.ProjectSummary,
    "headline count total_wan total_yi completed_wan completed_yi late by_category by_region by_year by_source",
    total_wan=(Decimal, Field(alias="total")), completed_wan=(Decimal, Field(alias="completed")),
    by_category=list[SummaryLineOut], by_region=list[SummaryLineOut], by_year=list[SummaryLineOut],
    by_source=list[SummaryLineOut],
)


class NoticeOut(Schema):
    id: int
    department_id: int
    department: str = Field(alias="department.name")
    rule: str
    title: str
    reason: str
    level: int
    level_label: str = Field(alias="get_level_display")
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

    resolve_actor = staticmethod(lambda obj: str(obj.actor) if obj.actor else None)


class NoticeDetailOut(NoticeOut):
    events: list[NoticeEventOut]

    resolve_events = staticmethod(lambda obj: selectors.notice_events(obj))


class NoticeIn(Schema):
    department_id: int
    title: str
    reason: str = ""
    level: int = NoticeLevel.REMIND
    response_due: dt.date | None = None


class TextIn(Schema):
    text: str = ""


RunOut = schema_of("RunOut", RunResult, "issued escalated resolved")

DueReportOut = schema_of("DueReportOut", selectors.DueReport, "title due url overdue returned")


class InboxTaskOut(Schema):
    id: int
    number: str
    title: str
    deadline: dt.date | None
    percent: int
    overdue: bool

    resolve_percent = staticmethod(lambda obj: obj.rollup.percent)  # a group's is rolled up from its children
    resolve_overdue = staticmethod(lambda obj: obj.rollup.overdue)


class InboxOut(Schema):
    department_id: int = Field(alias="department.id")
    department: str = Field(alias="department.name")
    tasks: list[InboxTaskOut]
    returned_progress: list[ProgressOut] = Field(alias="returned")
    notices: list[NoticeOut]
    due_reports: list[DueReportOut]
    count: int = Field(description="待办条数（未完成任务、被退回的进展、督办通知、待报送之和）：菜单“待办”旁的数字")
    overdue: int = Field(description="其中逾期的条数（逾期任务和逾期的待报送）")


BarOut = schema_of("BarOut", selectors.Bar, "label kind start end css note depth task_id")

LaneLabelOut = schema_of("LaneLabelOut", selectors.LaneLabel, "text kind day lane anchor")

BandOut = schema_of("BandOut", selectors.Band, "bars labels lanes", bars=list[BarOut], labels=list[LaneLabelOut])


class TimelineSectionOut(Schema):
    """A heading of the timeline (a top-level group as a bar with its roll-up; none for tasks outside groups)."""

    heading: BarOut | None
    rollup: RollupOut | None
    rows: list[BarOut]


TimelineOut = schema_of("TimelineOut", selectors.Timeline, "start end today phases milestones sections rows",
                        phases=BandOut, milestones=BandOut, sections=list[TimelineSectionOut], rows=list[BarOut])
