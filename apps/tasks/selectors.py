"""Reads for tasks, projects, notices, the inbox and the timeline; query counts do not grow with rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Prefetch, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.formats import format_number
from apps.core.nav import Badge
from apps.geo.access import home_department
from apps.geo.models import Department
from apps.programs.models import Phase, Program
from apps.reporting.selectors import department_round_dues
from apps.review.services import review_history
from apps.review.workflow import ReviewStatus
from calc.tasks.lanes import Label, label_width, lane_count, place_labels
from calc.tasks.rollup import Rollup, TaskNode, roll_up

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


def task_rollups(program: Program, *, today: dt.date) -> dict[int, Rollup]:
    """Every task's roll-up (a group's status, progress and overdue derived from its children, recursively:
    :mod:`calc.tasks.rollup`), from one query over the program's whole task list."""
    rows = Task.objects.filter(program=program).values_list("id", "parent_id", "status", "percent", "deadline", "start")
    return roll_up((TaskNode(*row) for row in rows), today)


def _node(task: Task) -> TaskNode:
    return TaskNode(task.id, task.parent_id, task.status, task.percent, task.deadline, task.start)  # type: ignore[arg-type]


def with_rollups(tasks: list[Task], program: Program, *, today: dt.date | None = None) -> list[Task]:
    """``tasks`` (of ``program``) with ``rollup`` set on each: what the API, the exports and the pages print."""
    rollups = task_rollups(program, today=today or timezone.localdate())
    for task in tasks:
        task.rollup = rollups[task.id]
    return tasks


def task_list(user: User, program: Program, *, today: dt.date | None = None) -> list[Task]:
    """The tasks the user may see, in plan order, each with its ``rollup`` (the API's list and the exports)."""
    return with_rollups(list(task_queryset(user, program)), program, today=today)


@dataclass(frozen=True)
class TaskRow:
    task: Task
    leads: list[Department]
    cooperators: list[Department]
    rollup: Rollup  # a group's values derived from its children; a task's own
    overdue_milestones: int
    is_context: bool = False  # a group shown only to place the user's own tasks
    depth: int = 0  # below the section's heading (0: the heading or a task outside any group)

    @property
    def overdue(self) -> bool:
        return self.rollup.overdue

    @property
    def is_group(self) -> bool:
        return self.rollup.is_group


def _tree_order(tasks: list[Task]) -> list[tuple[Task, int]]:
    """``tasks`` depth first (a parent, then its children in plan order), with each one's depth in the list."""
    ids = {t.id for t in tasks}
    children: dict[int | None, list[Task]] = {}
    for task in sorted(tasks, key=lambda t: (t.order, t.id)):
        children.setdefault(task.parent_id if task.parent_id in ids else None, []).append(task)
    ordered: list[tuple[Task, int]] = []
    stack = [(task, 0) for task in reversed(children.get(None, []))]
    while stack:
        task, depth = stack.pop()
        ordered.append((task, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(task.id, [])))
    return ordered


def task_rows(user: User, program: Program, *, today: dt.date | None = None) -> list[TaskRow]:
    """The task list in plan order (each group followed by what it holds), every row with its roll-up.

    For a restricted user, the groups above its own tasks are shown as context; such a group's roll-up is that
    of the user's own tasks in it (what it holds of other units is not shown), a group the user sees itself
    carries its full roll-up. All groups' roll-ups come from one query (:func:`task_rollups`).
    """
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
    rollups = task_rollups(program, today=today)
    own = roll_up([_node(t) for t in [*tasks, *context]], today) if context else rollups
    rows = []
    for task, depth in _tree_order([*tasks, *context]):
        shown = task.id in visible
        units = list(task.units.all()) if shown else []
        rows.append(TaskRow(
            task=task,
            leads=[u.department for u in units if u.role == "lead"],
            cooperators=[u.department for u in units if u.role == "cooperate"],
            rollup=rollups[task.id] if shown else own[task.id],
            overdue_milestones=sum(1 for m in task.milestones.all() if m.is_overdue(today)) if shown else 0,
            is_context=not shown,
            depth=depth,
        ))
    return rows


@dataclass(frozen=True)
class TaskSection:
    """A heading of the task list (a top-level group) and the rows under it; ``heading`` None holds the tasks
    that belong to no group."""

    heading: TaskRow | None
    rows: list[TaskRow]


def task_sections(rows: list[TaskRow]) -> list[TaskSection]:
    """``rows`` (in :func:`task_rows` order) under their top-level groups; consecutive loose tasks share one section."""
    sections: list[TaskSection] = []
    for row in rows:
        if row.depth == 0 and row.is_group:
            sections.append(TaskSection(row, []))
        elif row.depth == 0 and (not sections or sections[-1].heading is not None):
            sections.append(TaskSection(None, [row]))
        else:
            sections[-1].rows.append(row)
    return sections


@dataclass(frozen=True)
class TaskCounts:
    """The task list's headline: the user's own tasks (not the groups, whose values are rolled up), by state, and
    by every status (label, count, overdue among them) for the table that ends in a 合计 row."""

    total: int
    completed: int
    in_progress: int
    overdue: int
    by_status: tuple[tuple[str, int, int], ...] = ()


def task_counts(rows: list[TaskRow]) -> TaskCounts:
    own = [r for r in rows if not r.is_context and not r.is_group]
    return TaskCounts(
        total=len(own),
        completed=sum(1 for r in own if r.rollup.status == TaskStatus.COMPLETED),
        in_progress=sum(1 for r in own if r.rollup.status == TaskStatus.IN_PROGRESS),
        overdue=sum(1 for r in own if r.overdue),
        by_status=tuple((str(label), sum(1 for r in own if r.rollup.status == status),
                         sum(1 for r in own if r.rollup.status == status and r.overdue))
                        for status, label in TaskStatus.choices),
    )


@dataclass(frozen=True)
class TaskGroup:
    """A group's page: its roll-up and the sub-tasks below it that the user may see (``hidden``: its direct
    children the user may not see, counted only)."""

    rollup: Rollup
    rows: list[TaskRow]
    hidden: int


def task_group(user: User, program: Program, task: Task, *, today: dt.date | None = None) -> TaskGroup:
    """What lies below ``task`` (a task the user may see), each sub-task with its roll-up."""
    rows = task_rows(user, program, today=today)
    below: set[int] = {task.id}
    inside = []
    for row in rows:  # depth first: a row is below the task when its parent is
        if row.task.parent_id in below:
            below.add(row.task.id)
            inside.append(row)
    rollup = next(r.rollup for r in rows if r.task.id == task.id)
    shown = sum(1 for r in inside if r.task.parent_id == task.id)
    top = min((r.depth for r in inside), default=0)
    return TaskGroup(rollup, [replace(r, depth=r.depth - top) for r in inside], rollup.children - shown)


def with_group(user: User, program: Program, task: Task, *, today: dt.date | None = None) -> Task:
    """``task`` with its ``rollup`` and its sub-tasks (``group``: :func:`task_group`) set, as the API serves it."""
    task.group = task_group(user, program, task, today=today)
    task.rollup = task.group.rollup
    return task


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

    @property
    def planned_yi(self) -> Decimal:
        return yi(self.planned)


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
        return (f"{format_number(self.count)} 个项目，总投资 {format_number(yi(self.total), 2)} 亿元，"
                f"累计完成 {format_number(yi(self.completed), 2)} 亿元（{self.completed_share}%）")

    @property
    def years_total(self) -> SummaryLine:
        """The 合计 row of the yearly table: planned and completed summed over the years (no project count: a
        project runs over several years)."""
        return SummaryLine("合计", 0, sum((line.planned for line in self.by_year), Decimal(0)),
                           planned=sum((line.planned for line in self.by_year), Decimal(0)),
                           completed=sum((line.completed for line in self.by_year), Decimal(0)))

    @property
    def sources_total(self) -> Decimal:
        """The 合计 of the funding table in 亿元 (a project with two sources counts in both of their rows)."""
        return yi(sum((line.total for line in self.by_source), Decimal(0)))

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

    @property
    def count(self) -> int:
        """Lines of the inbox: open tasks, returned progress, open notices and due reports (the menu's badge)."""
        return len(self.tasks) + len(self.returned) + len(self.notices) + len(self.due_reports)

    @property
    def overdue(self) -> int:
        """Of those, the overdue tasks and due reports."""
        return sum(1 for t in self.tasks if getattr(t, "overdue", False)) + sum(1 for r in self.due_reports
                                                                               if r.overdue)


#: How long the menu's inbox count is kept, in seconds. Every build of the inbox (its page, its API) stores a fresh
#: count, so the badge is exact after the inbox is opened and at most this old otherwise.
INBOX_BADGE_SECONDS = 120


def inbox_count_key(program_id: int, department_id: int, today: dt.date) -> str:
    return f"inbox-count:{program_id}:{department_id}:{today.isoformat()}"


def department_inbox(program: Program, department: Department, *, today: dt.date | None = None) -> Inbox:
    """A unit's open tasks, its returned progress updates, its open notices and its due reports."""
    today = today or timezone.localdate()
    rollups = task_rollups(program, today=today)  # a group is done when its children are, whatever it stored
    tasks = [task for task in Task.objects.filter(program=program, units__department=department).distinct()
             .order_by("deadline", "order") if rollups[task.id].status != TaskStatus.COMPLETED]
    for task in tasks:
        task.rollup = rollups[task.id]
        task.overdue = task.rollup.overdue
    returned = list(
        TaskProgress.objects.filter(task__program=program, department=department, status=ReviewStatus.RETURNED)
        .select_related("task").prefetch_related("evidence")
    )
    notices = list(
        SupervisionNotice.objects.filter(program=program, department=department).select_related("department")
        .exclude(status=NoticeStatus.CLOSED).order_by("-level", "response_due")
    )
    inbox = Inbox(department, tasks, returned, notices, department_due_reports(program, department, today), today)
    cache.set(inbox_count_key(program.id, department.id, today), (inbox.count, inbox.overdue), INBOX_BADGE_SECONDS)
    return inbox


def inbox_badge(user: User, program: Program, *, today: dt.date | None = None) -> Badge | None:
    """The count beside 待办 in the menu: the lines of the user's unit's inbox, red when some are overdue.

    Read from the cache (no query) when the inbox was built in the last :data:`INBOX_BADGE_SECONDS`; otherwise the
    inbox is built once, with its own fixed number of queries (growing with the program's rounds only), and cached.
    None (no badge) for a user without a unit, or with nothing to do.
    """
    department = home_department(user, program.id)
    if department is None:
        return None
    today = today or timezone.localdate()
    counts = cache.get(inbox_count_key(program.id, department.id, today))
    if counts is None:
        inbox = department_inbox(program, department, today=today)
        counts = (inbox.count, inbox.overdue)
    count, overdue = counts
    if not count:
        return None
    title = (_("待办 %(n)s 项，其中逾期 %(o)s 项") if overdue else _("待办 %(n)s 项")) % {"n": count, "o": overdue}
    return Badge(count=count, urgent=bool(overdue), title=title)


# --- timeline ----------------------------------------------------------------------------------


#: The narrowest time axis of the timeline (px): the page gives its axis at least this width (scrolling it on a
#: narrower screen), so labels laid out apart at this width stay apart (:mod:`calc.tasks.lanes`).
AXIS_PX = 720
LANE_PX = 20


@dataclass(frozen=True)
class Bar:
    label: str
    kind: str  # phase / program-milestone / group / task / milestone
    start: dt.date
    end: dt.date
    left: float  # per cent of the timeline width
    width: float
    css: str = ""
    note: str = ""
    depth: int = 0  # below the section's heading
    task_id: int | None = None
    percent: int | None = None  # a task's or a group's (rolled-up) progress


@dataclass(frozen=True)
class LaneLabel:
    """The label of a phase or a program milestone, in its lane of the band above (phases) or below (milestones)
    the bars: ``anchor`` start (runs right from ``left`` %), end (runs left to it) or axis (from the start)."""

    text: str
    kind: str  # phase / program-milestone
    day: dt.date
    left: float
    width: int  # px, the box's exact width
    lane: int
    anchor: str
    css: str = ""

    @property
    def top(self) -> int:
        """px from the band's top: a phase's label above the bars, a milestone's below the diamonds."""
        return (self.lane + (self.kind != "phase")) * LANE_PX

    @property
    def right(self) -> float:
        return round(100 - self.left, 2)


@dataclass(frozen=True)
class Band:
    """Bars or diamonds on one row and their labels in ``lanes`` rows, so that no label overlaps another."""

    title: str
    bars: list[Bar]
    labels: list[LaneLabel]
    lanes: int

    @property
    def height(self) -> int:
        return (self.lanes + 1) * LANE_PX

    @property
    def bar_top(self) -> int:
        """px from the band's top to its bars (phases, below their labels) or diamonds (milestones, above theirs)."""
        return (self.lanes * LANE_PX if self.bars and self.bars[0].kind == "phase" else 0) + 5


@dataclass(frozen=True)
class TimelineSection:
    """A heading (a top-level group with its roll-up, as a bar spanning its tasks) and the rows under it."""

    heading: Bar | None
    rollup: Rollup | None
    rows: list[Bar]
    context: bool = False  # the heading only places the reader's tasks: its roll-up covers only those


@dataclass(frozen=True)
class Timeline:
    start: dt.date
    end: dt.date
    today: dt.date
    today_left: float | None
    years: list[tuple[int, float]]
    phases: Band
    milestones: Band
    sections: list[TimelineSection]
    open_ids: frozenset[int]  # the tasks the reader may open (not the context groups)
    axis_px: int = AXIS_PX

    @property
    def bands(self) -> list[Band]:
        return [band for band in (self.phases, self.milestones) if band.bars]

    @property
    def rows(self) -> list[Bar]:
        """Every bar, in the page's order (phases, program milestones, then each section's heading and rows)."""
        bars = [*self.phases.bars, *self.milestones.bars]
        for section in self.sections:
            bars += [section.heading] if section.heading else []
            bars += section.rows
        return bars


def _band(title: str, bars: list[Bar], kind: str) -> Band:
    labels = place_labels([Label(str(i), bar.left / 100, label_width(bar.label)) for i, bar in enumerate(bars)],
                          axis_px=AXIS_PX)
    return Band(title, bars, [
        LaneLabel(bars[int(p.key)].label, kind, bars[int(p.key)].start, bars[int(p.key)].left, p.width, p.lane,
                  p.anchor, bars[int(p.key)].css)
        for p in labels
    ], lane_count(labels))


def _task_css(rollup: Rollup) -> str:
    return "done" if rollup.status == TaskStatus.COMPLETED else ("late" if rollup.overdue else "")


def timeline(user: User, program: Program, *, today: dt.date | None = None) -> Timeline:
    """Phases and program milestones in bands whose labels never overlap, then the (user's visible) tasks under
    their groups' headings, each group a bar with its roll-up, on one time axis."""
    today = today or timezone.localdate()
    phases = list(Phase.objects.filter(program=program).prefetch_related("milestones").order_by("order", "start"))
    milestones = sorted((m for p in phases for m in p.milestones.all()), key=lambda m: (m.due, m.id))
    rows = task_rows(user, program, today=today)
    tasks = [r.task for r in rows if not r.is_context]
    dates = [p.start for p in phases] + [p.end for p in phases] + [m.due for m in milestones]
    dates += [t.deadline for t in tasks if t.deadline] + [t.start for t in tasks if t.start]
    dates += [m.due for t in tasks for m in t.milestones.all()]
    start = min(dates, default=today.replace(month=1, day=1))
    end = max(dates, default=today.replace(month=12, day=31))
    start, end = start.replace(day=1), max(end, start + dt.timedelta(days=30))
    span = (end - start).days or 1
    default_start = phases[0].start if phases else start

    def place(a: dt.date, b: dt.date) -> tuple[float, float]:
        a, b = min(max(a, start), end), max(min(b, end), start)
        return round((a - start).days * 100 / span, 2), round(max((b - a).days, 1) * 100 / span, 2)

    phase_bars = []
    for phase in phases:
        left, width = place(phase.start, phase.end)
        css = "current" if phase.start <= today <= phase.end else ("past" if phase.end < today else "")
        phase_bars.append(Bar(phase.name, "phase", phase.start, phase.end, left, width, css))
    milestone_bars = [Bar(m.title, "program-milestone", m.due, m.due, place(m.due, m.due)[0], 0,
                          "past" if m.due < today else "") for m in milestones]
    sections = []
    for section in task_sections(rows):
        bars: list[Bar] = []
        for row in section.rows:
            bars += _task_bars(row, place, default_start, end, today)
        heading = None
        if section.heading is not None:
            heading = _task_bars(section.heading, place, default_start, end, today)[0]
        sections.append(TimelineSection(heading, section.heading.rollup if section.heading else None, bars,
                                        context=section.heading is not None and section.heading.is_context))
    today_left = round((today - start).days * 100 / span, 2) if start <= today <= end else None
    years = [(y, round((dt.date(y, 1, 1) - start).days * 100 / span, 2)) for y in range(start.year + 1, end.year + 1)]
    return Timeline(start, end, today, today_left, years, _band(_("创建阶段"), phase_bars, "phase"),
                    _band(_("创建节点"), milestone_bars, "program-milestone"), sections,
                    frozenset(t.id for t in tasks))


def _task_bars(row: TaskRow, place: Callable[[dt.date, dt.date], tuple[float, float]], default_start: dt.date,
               end: dt.date, today: dt.date) -> list[Bar]:
    """A task's bar (a group's spans its tasks and carries its roll-up) and its milestones' diamonds."""
    task, rollup = row.task, row.rollup
    if row.is_group:
        begin = task.start or rollup.first_start or default_start
        finish = task.deadline or rollup.last_deadline or end
        kind, note = "group", f"{rollup.percent}%"
    else:
        begin, finish, kind = task.start or default_start, task.deadline or end, "task"
        note = f"{rollup.percent}%" if task.deadline else _("长期坚持")
    left, width = place(begin, finish)
    css = _task_css(rollup) or ("" if task.deadline or row.is_group else "ongoing")
    bars = [Bar(str(task), kind, begin, finish, left, width, css, note, row.depth, task.id, rollup.percent)]
    if row.is_context:
        return bars
    for milestone in task.milestones.all():
        css = "late" if milestone.is_overdue(today) else ("done" if milestone.done_on else "")
        bars.append(Bar(milestone.title, "milestone", milestone.due, milestone.due,
                        place(milestone.due, milestone.due)[0], 0, css, depth=row.depth + 1, task_id=task.id))
    return bars


def open_notice_counts(program: Program, user: User) -> dict[int, int]:
    """Open notices per level (for badges)."""
    rows = (SupervisionNotice.objects.filter(visible_notices_q(user, program), program=program)
            .exclude(status=NoticeStatus.CLOSED).values("level").annotate(n=Count("id")))
    return {row["level"]: row["n"] for row in rows}

