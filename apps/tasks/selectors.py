"""Reads for tasks, projects, notices, the inbox and the timeline; query counts do not grow with rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.geo.models import Department
from apps.programs.models import Phase, Program
from apps.reporting.selectors import department_round_dues
from apps.review.services import review_history
from apps.review.workflow import ReviewStatus

from .access import visible_notices_q, visible_projects_q, visible_tasks_q
from .models import (
    FundingSource,
    NoticeLevel,
    NoticeStatus,
    Project,
    ProjectCategory,
    ProjectFunding,
    ProjectStatus,
    ProjectYear,
    SupervisionNotice,
    Task,
    TaskMilestone,
    TaskProgress,
    TaskStatus,
    TaskUnit,
)
from .notice_workflow import EVENT_KINDS, NOTICE_WORKFLOW

WAN_PER_YI = Decimal(10000)


def yi(amount_wan: Decimal | None) -> Decimal:
    """万元 → 亿元, two decimals (1 亿元 = 10000 万元)."""
    return (Decimal(amount_wan or 0) / WAN_PER_YI).quantize(Decimal("0.01"))


# --- tasks -------------------------------------------------------------------------------------


def task_queryset(user: User, program: Program) -> QuerySet[Task]:
    return (
        Task.objects.filter(visible_tasks_q(user, program), program=program)
        .select_related("parent")
        .prefetch_related(
            Prefetch("units", queryset=TaskUnit.objects.select_related("department").order_by("role", "order")),
            Prefetch("milestones", queryset=TaskMilestone.objects.order_by("due", "id")),
            "indicators",
        )
        .order_by("order", "id")
    )


@dataclass(frozen=True)
class TaskRow:
    task: Task
    leads: list[Department]
    cooperators: list[Department]
    overdue: bool
    overdue_milestones: int
    is_context: bool = False  # a group shown only to place the user's own tasks


def task_rows(user: User, program: Program, *, today: dt.date | None = None) -> list[TaskRow]:
    """The task list in plan order; for a restricted user, the groups above its own tasks are shown as context."""
    today = today or timezone.localdate()
    tasks = list(task_queryset(user, program))
    visible = {t.id for t in tasks}
    context: list[Task] = []
    known = set(visible)
    missing = {t.parent_id for t in tasks if t.parent_id and t.parent_id not in known}
    while missing:  # at most two rounds: plans nest three levels deep
        parents = list(Task.objects.filter(pk__in=missing))
        context += parents
        known |= missing
        missing = {t.parent_id for t in parents if t.parent_id and t.parent_id not in known}
    rows = []
    for task in sorted([*tasks, *context], key=lambda t: (t.order, t.id)):
        units = list(task.units.all()) if task.id in visible else []
        rows.append(TaskRow(
            task=task,
            leads=[u.department for u in units if u.role == "lead"] if task.id in visible else [],
            cooperators=[u.department for u in units if u.role == "cooperate"] if task.id in visible else [],
            overdue=task.is_overdue(today) if task.id in visible else False,
            overdue_milestones=sum(1 for m in task.milestones.all() if m.is_overdue(today))
            if task.id in visible else 0,
            is_context=task.id not in visible,
        ))
    return rows


@dataclass(frozen=True)
class TaskCounts:
    """The task list's headline: the user's own tasks (not the context groups), by state."""

    total: int
    completed: int
    in_progress: int
    overdue: int


def task_counts(rows: list[TaskRow]) -> TaskCounts:
    own = [r for r in rows if not r.is_context and (r.task.level > 0 or r.task.deadline)]
    return TaskCounts(
        total=len(own),
        completed=sum(1 for r in own if r.task.status == TaskStatus.COMPLETED),
        in_progress=sum(1 for r in own if r.task.status == TaskStatus.IN_PROGRESS),
        overdue=sum(1 for r in own if r.overdue),
    )


def task_progress_list(task: Task) -> QuerySet[TaskProgress]:
    return task.progress_updates.select_related("department", "created_by").prefetch_related("evidence")


# --- projects ----------------------------------------------------------------------------------


def project_queryset(user: User, program: Program) -> QuerySet[Project]:
    return (
        Project.objects.filter(visible_projects_q(user, program), program=program)
        .select_related("category", "region", "department")
        .prefetch_related(Prefetch("funding", queryset=ProjectFunding.objects.order_by("id")),
                          Prefetch("years", queryset=ProjectYear.objects.order_by("year")))
        .order_by("order", "id")
    )


class _InYi:
    """The total and completed investment (万元) also in 亿元."""

    total: Decimal
    completed: Decimal

    @property
    def total_yi(self) -> Decimal:
        return yi(self.total)

    @property
    def completed_yi(self) -> Decimal:
        return yi(self.completed)


@dataclass(frozen=True)
class SummaryLine(_InYi):
    label: str
    count: int
    total: Decimal  # 万元
    planned: Decimal = Decimal(0)
    completed: Decimal = Decimal(0)


@dataclass(frozen=True)
class ProjectSummary(_InYi):
    count: int
    total: Decimal
    completed: Decimal
    late: int
    by_category: list[SummaryLine] = field(default_factory=list)
    by_region: list[SummaryLine] = field(default_factory=list)
    by_year: list[SummaryLine] = field(default_factory=list)
    by_source: list[SummaryLine] = field(default_factory=list)

    @property
    def headline(self) -> str:
        return (f"{self.count} 个项目，总投资 {yi(self.total)} 亿元，累计完成 {yi(self.completed)} 亿元"
                f"（{self.completed_share}%）")

    @property
    def completed_share(self) -> Decimal:
        if not self.total:
            return Decimal(0)
        return (self.completed * 100 / self.total).quantize(Decimal("0.1"))


def project_summary(user: User, program: Program, *, today: dt.date | None = None) -> ProjectSummary:
    """Totals by category, region, year and funding source, in a handful of aggregate queries."""
    today = today or timezone.localdate()
    projects = Project.objects.filter(visible_projects_q(user, program), program=program)
    totals = projects.aggregate(n=Count("id"), total=Sum("total_investment"))
    completed = ProjectYear.objects.filter(project__in=projects).aggregate(s=Sum("completed"))["s"] or Decimal(0)
    summary = ProjectSummary(
        count=totals["n"], total=totals["total"] or Decimal(0), completed=completed,
        late=projects.filter(end__lt=today).exclude(status=ProjectStatus.COMPLETED).count(),
    )
    done_by = {
        key: value for key, value in ProjectYear.objects.filter(project__in=projects)
        .values_list("project__category_id").annotate(s=Sum("completed"))
    }
    names = dict(ProjectCategory.objects.values_list("id", "name"))
    for row in projects.values("category_id").annotate(n=Count("id"), t=Sum("total_investment")).order_by(
            "category__order"):
        summary.by_category.append(SummaryLine(names[row["category_id"]], row["n"], row["t"],
                                               completed=done_by.get(row["category_id"]) or Decimal(0)))
    done_by = {
        key: value for key, value in ProjectYear.objects.filter(project__in=projects)
        .values_list("project__region_id").annotate(s=Sum("completed"))
    }
    for row in projects.values("region_id", "region__name").annotate(n=Count("id"), t=Sum("total_investment")
                                                                      ).order_by("region__path"):
        summary.by_region.append(SummaryLine(row["region__name"], row["n"], row["t"],
                                             completed=done_by.get(row["region_id"]) or Decimal(0)))
    for row in ProjectYear.objects.filter(project__in=projects).values("year").annotate(
            n=Count("project", distinct=True), p=Sum("planned"), c=Sum("completed")).order_by("year"):
        summary.by_year.append(SummaryLine(f"{row['year']}年", row["n"], row["p"], planned=row["p"],
                                           completed=row["c"]))
    for row in ProjectFunding.objects.filter(project__in=projects).values("source").annotate(
            n=Count("project", distinct=True), t=Sum("amount")).order_by("source"):
        summary.by_source.append(SummaryLine(str(FundingSource(row["source"]).label), row["n"], row["t"] or Decimal(0)))
    return summary


# --- notices -----------------------------------------------------------------------------------


def notice_queryset(user: User, program: Program, *, open_only: bool = False) -> QuerySet[SupervisionNotice]:
    notices = (SupervisionNotice.objects.filter(visible_notices_q(user, program), program=program)
               .select_related("department", "created_by"))
    if open_only:
        notices = notices.exclude(status=NoticeStatus.CLOSED)
    return notices.order_by("status", "-level", "response_due", "id")


@dataclass(frozen=True)
class NoticeEventEntry:
    """One line of a notice's 办理记录, read from the one workflow history."""

    action: str
    kind: str  # past tense, as the API has always named it: issued, escalated, responded, …
    label: str
    level: int
    text: str
    on: dt.date
    actor: User | None
    at: dt.datetime

    @property
    def level_label(self) -> str:
        return str(NoticeLevel(self.level).label)


def notice_events(notice: SupervisionNotice) -> list[NoticeEventEntry]:
    return [
        NoticeEventEntry(action=e.action, kind=EVENT_KINDS[e.action], label=NOTICE_WORKFLOW.action_label(e.action),
                         level=e.data["level"], text=e.comment, on=dt.date.fromisoformat(e.data["on"]),
                         actor=e.actor, at=e.at)
        for e in review_history(notice)
    ]


# --- inbox -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueReport:
    """Something a unit must report by a date; filled by other apps through :data:`DUE_REPORT_PROVIDERS`."""

    title: str
    due: dt.date
    url: str = ""
    overdue: bool = False
    returned: bool = False  # sent back to the unit: it comes before what is merely due


def reporting_due_reports(program: Program, department: Department, today: dt.date) -> list[DueReport]:
    """The unit's indicator values still owed: per round, the rows to fill and the rows returned to it."""
    reports: list[DueReport] = []
    for due in department_round_dues(program, department, today):
        url = reverse("reporting_inbox", kwargs={"program_id": program.id, "round_id": due.round.id})
        if due.returned:
            reports.append(DueReport(_("%(round)s：被退回的数值 %(n)d 项") % {"round": due.round.name, "n": due.returned},
                                     due.round.due, url, overdue=due.overdue, returned=True))
        if due.to_do:
            reports.append(DueReport(_("%(round)s：待填报的数值 %(n)d 项") % {"round": due.round.name, "n": due.to_do},
                                     due.round.due, url, overdue=due.overdue))
    return reports


#: The registration point of the one inbox: functions ``(program, department, today) -> list[DueReport]``.
#: The reporting app's values are registered here (this app sits above it and may read it); an app above this
#: one (e.g. assessment, for objections once scoring lands) appends its provider from its ``AppConfig.ready()``.
DUE_REPORT_PROVIDERS: list[Callable[[Program, Department, dt.date], list[DueReport]]] = [reporting_due_reports]


def due_report_order(report: DueReport) -> tuple[bool, bool, dt.date]:
    """Overdue first, then returned, then by due date."""
    return (not report.overdue, not report.returned, report.due)


def department_due_reports(program: Program, department: Department, today: dt.date) -> list[DueReport]:
    reports: list[DueReport] = []
    for provider in DUE_REPORT_PROVIDERS:
        reports.extend(provider(program, department, today))
    return sorted(reports, key=due_report_order)


@dataclass(frozen=True)
class Inbox:
    department: Department
    tasks: list[Task]
    returned: list[TaskProgress]
    notices: list[SupervisionNotice]
    due_reports: list[DueReport]
    today: dt.date


def department_inbox(program: Program, department: Department, *, today: dt.date | None = None) -> Inbox:
    """A unit's open tasks, its returned progress updates, its open notices and its due reports."""
    today = today or timezone.localdate()
    tasks = list(
        Task.objects.filter(program=program, units__department=department).exclude(status=TaskStatus.COMPLETED)
        .distinct().order_by("deadline", "order")
    )
    for task in tasks:
        task.overdue = task.is_overdue(today)
    returned = list(
        TaskProgress.objects.filter(task__program=program, department=department, status=ReviewStatus.RETURNED)
        .select_related("task").prefetch_related("evidence")
    )
    notices = list(
        SupervisionNotice.objects.filter(program=program, department=department).select_related("department")
        .exclude(status=NoticeStatus.CLOSED).order_by("-level", "response_due")
    )
    return Inbox(department, tasks, returned, notices, department_due_reports(program, department, today), today)


# --- timeline ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    kind: str  # phase / task / milestone / program-milestone
    start: dt.date
    end: dt.date
    left: float  # per cent of the timeline width
    width: float
    css: str = ""
    note: str = ""


@dataclass(frozen=True)
class Timeline:
    start: dt.date
    end: dt.date
    today: dt.date
    today_left: float | None
    years: list[tuple[int, float]]
    rows: list[Bar]


def timeline(user: User, program: Program, *, today: dt.date | None = None) -> Timeline:
    """Phases, program milestones and (the user's visible) tasks with milestones, placed on one time axis."""
    today = today or timezone.localdate()
    phases = list(Phase.objects.filter(program=program).prefetch_related("milestones").order_by("order", "start"))
    tasks = [t for t in task_queryset(user, program) if t.deadline]
    dates = [p.start for p in phases] + [p.end for p in phases] + [t.deadline for t in tasks]
    dates += [t.start for t in tasks if t.start]
    start = min(dates, default=today.replace(month=1, day=1))
    end = max(dates, default=today.replace(month=12, day=31))
    start, end = start.replace(day=1), max(end, start + dt.timedelta(days=30))
    span = (end - start).days or 1

    def place(a: dt.date, b: dt.date) -> tuple[float, float]:
        a, b = max(a, start), min(b, end)
        return round((a - start).days * 100 / span, 2), round(max((b - a).days, 1) * 100 / span, 2)

    rows: list[Bar] = []
    for phase in phases:
        left, width = place(phase.start, phase.end)
        css = "current" if phase.start <= today <= phase.end else ("past" if phase.end < today else "")
        rows.append(Bar(phase.name, "phase", phase.start, phase.end, left, width, css))
        for milestone in phase.milestones.all():
            left, _ = place(milestone.due, milestone.due)
            rows.append(Bar(milestone.title, "program-milestone", milestone.due, milestone.due, left, 0,
                            "past" if milestone.due < today else ""))
    for task in tasks:
        begin = task.start or (phases[0].start if phases else start)
        left, width = place(begin, task.deadline)
        css = "done" if task.status == TaskStatus.COMPLETED else ("late" if task.is_overdue(today) else "")
        rows.append(Bar(str(task), "task", begin, task.deadline, left, width, css, f"{task.percent}%"))
        for milestone in task.milestones.all():
            left, _ = place(milestone.due, milestone.due)
            rows.append(Bar(milestone.title, "milestone", milestone.due, milestone.due, left, 0,
                            "late" if milestone.is_overdue(today) else ("done" if milestone.done_on else "")))
    today_left = round((today - start).days * 100 / span, 2) if start <= today <= end else None
    years = [(y, round((dt.date(y, 1, 1) - start).days * 100 / span, 2)) for y in range(start.year + 1, end.year + 1)]
    return Timeline(start, end, today, today_left, years, rows)


def open_notice_counts(program: Program, user: User) -> dict[int, int]:
    """Open notices per level (for badges)."""
    rows = (SupervisionNotice.objects.filter(visible_notices_q(user, program), program=program)
            .exclude(status=NoticeStatus.CLOSED).values("level").annotate(n=Count("id")))
    return {row["level"]: row["n"] for row in rows}

