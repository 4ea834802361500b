"""Writes for tasks, progress updates and projects. Supervision services are in ``supervision.py``."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.accounts.models import Role, User
from apps.core.errors import ConflictError, DomainError, ImportRejected, PermissionDeniedError, RowError
from apps.core.uploads import CheckedUpload, parse_sheet
from apps.core.validation import check_instances, row_errors
from apps.evidence.services import evidence_attach
from apps.geo.models import Department, Region, RegionLevel
from apps.programs.models import Program, ResponsibilityRole
from apps.review.services import transition
from apps.review.workflow import EDITABLE, ReviewAction, ReviewStatus
from apps.staging.diff import FieldChange, RowChange, changes_plan, column_changes
from apps.staging.journal import Journal, journaled_write, row_image
from apps.staging.models import StagedImport
from docimport.projects import ProjectLine, parse_project_sheet
from docimport.tasks import READ_ONLY, TaskLine, parse_task_sheet

from .access import progress_department
from .exports import Funding, Years, project_cells, project_money, task_cells, task_unit_names
from .models import (
    FundingSource,
    Project,
    ProjectCategory,
    ProjectFunding,
    ProjectStatus,
    ProjectYear,
    Task,
    TaskMilestone,
    TaskProgress,
    TaskStatus,
    TaskUnit,
)

# --- units -------------------------------------------------------------------------------------


class UnitNames:
    """Resolve unit names as offices write them (name or alias) within the program's region."""

    def __init__(self, program: Program) -> None:
        units = list(Department.objects.filter(region__path__startswith=program.region.path).order_by("-id"))
        self.by_name: dict[str, Department] = {alias: u for u in units for alias in (u.aliases or [])}
        self.by_name.update({u.name: u for u in units})  # an exact name wins over another unit's alias

    def get(self, name: str) -> Department | None:
        return self.by_name.get(name.strip())


# --- tasks -------------------------------------------------------------------------------------


@transaction.atomic
def task_create(*, program: Program, title: str, number: str = "", parent: Task | None = None,
                description: str = "", leads: Sequence[Department] = (), cooperators: Sequence[Department] = (),
                start: dt.date | None = None, deadline: dt.date | None = None, deadline_text: str = "",
                milestones: Iterable[tuple[str, dt.date]] = (), indicators: Iterable = (),
                order: int | None = None) -> Task:
    """Add one task (with its units and milestones) to a program's task list."""
    if parent is not None and parent.program_id != program.id:
        raise DomainError("上级任务不属于本创建工作。")
    if order is None:
        order = (Task.objects.filter(program=program).order_by("-order").values_list("order", flat=True).first()
                 or 0) + 1
    task = Task(program=program, parent=parent, level=(parent.level + 1) if parent else 0, number=number,
                order=order, title=title, description=description, start=start, deadline=deadline,
                deadline_text=deadline_text or (f"{deadline.year}年{deadline.month}月{deadline.day}日"
                                                if deadline else ""))
    task.full_clean()
    task.save()
    _set_units(task, leads, cooperators)
    milestone_rows = [TaskMilestone(task=task, title=t, due=d) for t, d in milestones]
    check_instances(milestone_rows)
    TaskMilestone.objects.bulk_create(milestone_rows)
    if indicators:
        task.indicators.set(indicators)
    return task


def _set_units(task: Task, leads: Sequence[Department], cooperators: Sequence[Department]) -> None:
    TaskUnit.objects.filter(task=task).delete()
    TaskUnit.objects.bulk_create(_units(task, leads, cooperators))


def _units(task: Task, leads: Sequence[Department], cooperators: Sequence[Department]) -> list[TaskUnit]:
    seen: set[int] = set()
    rows = []
    for role, units in ((ResponsibilityRole.LEAD, leads), (ResponsibilityRole.COOPERATE, cooperators)):
        for order, unit in enumerate(units):
            if unit.id not in seen:
                seen.add(unit.id)
                rows.append(TaskUnit(task=task, department=unit, role=role, order=order))
    return rows


TaskPlan = list[tuple[TaskLine, list[Department], list[Department]]]


def _reject_if_any(errors: list[RowError], *, empty: bool, nothing: str) -> None:
    """A sheet is imported whole or not at all: any row error (or no rows) rejects it, errors in row order."""
    if empty and not errors:
        errors.append(RowError(0, "", nothing))
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: e.row))


def task_list_check(*, program: Program, data: bytes) -> TaskPlan:
    """Parse a 任务清单 sheet and resolve its units; raises ImportRejected with every bad row. Writes nothing."""
    lines, errors = parse_sheet(parse_task_sheet, data)
    names = UnitNames(program)
    resolved: TaskPlan = []
    stack: list[TaskLine] = []
    for line in lines:
        leads = [names.get(n) for n in line.leads]
        cooperators = [names.get(n) for n in line.cooperators]
        for column, wanted, found in (("牵头单位", line.leads, leads), ("配合单位", line.cooperators, cooperators)):
            for name, unit in zip(wanted, found, strict=True):
                if unit is None:
                    errors.append(RowError(line.row, column, f"未找到单位「{name}」。", line.title))
        while stack and stack[-1].level >= line.level:
            stack.pop()
        if line.level >= 1 and not line.leads and not any(p.leads for p in stack):
            errors.append(RowError(line.row, "牵头单位", "任务须有牵头单位。", line.title))
        stack.append(line)
        errors += row_errors(Task, line.row, {"序号": ("number", line.number), "任务名称": ("title", line.title),
                                              "工作内容": ("description", line.description),
                                              "完成时限": ("deadline_text", line.deadline_text)})
        resolved.append((line, [u for u in leads if u], [u for u in cooperators if u]))
    _reject_if_any(errors, empty=not lines, nothing="表中没有任务。")
    return resolved


def task_list_import(*, program: Program, data: bytes) -> dict[str, int]:
    """Import a 任务清单 sheet: all rows or none. Rows update the task at the same place (numbers from the
    top group down) where they change it and add new ones; nothing is deleted."""
    return task_list_write(task_list_changes(program=program, resolved=task_list_check(program=program, data=data)))


@dataclass
class TaskRow:
    line: TaskLine
    parent_index: int | None  # the row of the parent task (None: a top-level task)
    leads: list[Department]
    cooperators: list[Department]
    task: Task | None  # the stored task at the row's place, or None for a new one
    change: RowChange | None  # None: the row changes nothing
    order: int


@dataclass
class TaskListPlan:
    program: Program
    rows: list[TaskRow]

    @property
    def unchanged(self) -> int:
        return sum(1 for row in self.rows if row.change is None)

    def plan(self) -> dict[str, object]:
        return changes_plan([row.change for row in self.rows if row.change is not None], self.unchanged)


#: Which task fields each export column carries (完成比例 and 状态 follow approved progress: read-only).
TASK_FIELDS = {"任务名称": ("title",), "工作内容": ("description",), "完成时限": ("deadline", "deadline_text")}
TASK_UNITS = ("牵头单位", "配合单位")


def task_list_changes(*, program: Program, resolved: TaskPlan) -> TaskListPlan:
    """Each row's place in the tree and what it changes, old → new per column, rendered by the export's
    :func:`~apps.tasks.exports.task_cells` (a column the sheet lacks, or whose text is the same, is left alone).

    Stored tasks keep their order unless the sheet lists them in another order.
    """
    key_of: dict[int, tuple[str, ...]] = {}
    keys: dict[tuple[str, ...], Task] = {}
    tasks = list(Task.objects.filter(program=program).order_by("level", "order", "id")
                 .prefetch_related("units__department"))
    for task in tasks:
        key = (*key_of.get(task.parent_id, ()), task.number)
        key_of[task.id] = key
        keys.setdefault(key, task)
    rows: list[TaskRow] = []
    stack: list[tuple[TaskLine, int, tuple[str, ...], list[Department]]] = []
    claimed: dict[tuple[str, ...], int] = {}
    repeated: list[RowError] = []
    for index, (line, leads, cooperators) in enumerate(resolved):
        while stack and stack[-1][0].level >= line.level:
            stack.pop()
        parent_index = stack[-1][1] if stack else None
        # A sub-item without its own lead unit answers to its parent's lead unit, as plans write it.
        leads = leads or (stack[-1][3] if stack else [])
        key = (*(stack[-1][2] if stack else ()), line.number)
        if key in claimed:
            repeated.append(RowError(line.row, "序号", f"与第{claimed[key]}行位于同一位置（序号重复）。", line.title))
        claimed.setdefault(key, line.row)
        stored = keys.get(key)
        rows.append(TaskRow(line, parent_index, leads, cooperators, stored, None, index + 1))
        stack.append((line, index, key, leads))
    _reject_if_any(repeated, empty=False, nothing="")
    listed = [row.task.order for row in rows if row.task is not None]
    keep_order = listed == sorted(listed)
    top = max((task.order for task in tasks), default=0)
    for row in rows:
        row.change = _task_change(row, keep_order, top)
    return TaskListPlan(program, rows)


def _task_change(row: TaskRow, keep_order: bool, top: int) -> RowChange | None:
    """What the row changes of its stored task (all its columns for a new task); sets the row's order."""
    line = row.line
    sheet = Task(number=line.number, title=line.title, description=line.description, deadline=line.deadline,
                 deadline_text=line.deadline_text)
    new_cells = task_cells(sheet, [u.name for u in row.leads], [u.name for u in row.cooperators])
    present = [c for c in new_cells if c in line.present and c not in READ_ONLY]
    if row.task is None:
        row.order = top + row.order
        named = ["任务名称", *(c for c in present if c != "任务名称")]  # the name once, even when the sheet has it
        return RowChange(line.row, line.title, True, column_changes(None, new_cells, named))
    if keep_order:
        row.order = row.task.order
    old_cells = task_cells(row.task, *task_unit_names(row.task))
    changes = column_changes(old_cells, new_cells, present)
    if row.order != row.task.order:
        changes += (FieldChange("order", "顺序", str(row.task.order), str(row.order)),)
    return RowChange(line.row, line.title, False, changes) if changes else None


#: The task fields an import writes; a chunk checks they are still what the plan saw before it writes them.
TASK_WRITTEN = ("title", "description", "deadline", "deadline_text", "order", "level", "parent")


@dataclass
class TaskChunk:
    """One chunk of a task-list commit, ready to write: new and changed tasks by level, the stored tasks whose
    units it replaces (and those units as the plan saw them), and the units it writes."""

    levels: dict[int, tuple[list[Task], list[Task]]] = dataclasses.field(default_factory=dict)
    expected: dict[int, dict[str, object]] = dataclasses.field(default_factory=dict)
    replaced: list[int] = dataclasses.field(default_factory=list)
    stored_units: list[dict[str, object]] = dataclasses.field(default_factory=list)
    units: list[TaskUnit] = dataclasses.field(default_factory=list)


def task_list_write(plan: TaskListPlan, *, staged: StagedImport | None = None) -> dict[str, int]:
    """Write the new and changed tasks in bulk, in tree order (every level before the next, so a parent has its
    id before its children are created); only the units that change are replaced (one delete, one insert).

    Without ``staged``, in one transaction. With it (the ``staging.commit`` job), in transactions of
    ``ECOCIV_COMMIT_CHUNK_ROWS`` changed rows, journaled (:mod:`apps.staging.journal`): a chunk refuses a task
    or its units changed by someone else since the plan, and a refused chunk undoes the ones before it.
    """
    task_at: dict[int, Task] = {index: row.task for index, row in enumerate(plan.rows) if row.task is not None}
    written = sorted((index for index, row in enumerate(plan.rows) if row.change is not None),
                     key=lambda index: (plan.rows[index].line.level, index))
    counts = {"created": 0, "updated": 0}

    def prepare(indices: Sequence[int]) -> TaskChunk:
        """The chunk's tasks and units, built and validated (before its transaction: no lock held)."""
        chunk = TaskChunk()
        for index in sorted(indices, key=lambda index: plan.rows[index].line.level):
            row = plan.rows[index]
            if row.change is None:
                continue
            level = row.line.level
            task = row.task or Task(program=plan.program, number=row.line.number, level=level)
            task_at[index] = task
            if row.task is not None:
                chunk.expected[task.pk] = row_image(task, TASK_WRITTEN)  # as the plan saw it
            columns = {change.field for change in row.change.changes}
            values = {"order": row.order, "level": level,
                      "parent": task_at[row.parent_index] if row.parent_index is not None else None}
            for column, fields in TASK_FIELDS.items():
                if row.task is None or column in columns:
                    values.update({field: getattr(row.line, field) for field in fields})
            for name, value in values.items():
                setattr(task, name, value)
            # foreign keys, uniqueness and constraints are the database's to check (no query per row here)
            task.full_clean(exclude=["program", "parent"], validate_unique=False, validate_constraints=False)
            chunk.levels.setdefault(level, ([], []))[0 if row.task is None else 1].append(task)
            if row.task is None or columns & set(TASK_UNITS):  # the row decides its task's units
                chunk.units += _units(task, row.leads, row.cooperators)
                if row.task is not None:
                    chunk.replaced.append(task.pk)
                    chunk.stored_units += [row_image(unit) for unit in row.task.units.all()]  # prefetched
        check_instances([task for new, changed in chunk.levels.values() for task in (*new, *changed)])
        return chunk

    def write(chunk: TaskChunk, journal: Journal) -> None:
        for level in sorted(chunk.levels):  # a parent gets its id before its children are created
            new, changed = chunk.levels[level]
            journal.create(new)
            journal.update(changed, TASK_WRITTEN, chunk.expected)
            counts["created"] += len(new)
            counts["updated"] += len(changed)
        journal.delete(TaskUnit.objects.filter(task_id__in=chunk.replaced), chunk.stored_units)
        journal.create(chunk.units)

    journaled_write(staged, written, write, prepare)
    return {**counts, "unchanged": plan.unchanged}


# --- progress ----------------------------------------------------------------------------------


def _progress_department(task: Task, actor: User) -> Department:
    if not actor.has_role(Role.DEPARTMENT_REPORTER, program_id=task.program_id):
        raise PermissionDeniedError("只有任务的牵头或配合单位联络员可以填报进展。")
    department = progress_department(actor, task)
    if department is None:
        raise PermissionDeniedError("您的单位不是该任务的牵头或配合单位。")
    return department


@transaction.atomic
def task_progress_create(*, task: Task, actor: User, narrative: str, percent: int,
                         files: Sequence[CheckedUpload] = (), submit: bool = False) -> TaskProgress:
    """A unit's progress update (draft, or submitted at once), with evidence files already checked."""
    department = _progress_department(task, actor)
    if task.children.exists():  # its progress is rolled up from its children (docs/tasks.md)
        raise DomainError("任务组的进度由下级任务汇总，请在下级任务中填报进展。")
    narrative = (narrative or "").strip()
    if not narrative:
        raise DomainError("请填写进展情况。")
    if not 0 <= int(percent) <= 100:
        raise DomainError("完成比例须在 0—100 之间。")
    progress = TaskProgress(task=task, department=department, narrative=narrative, percent=int(percent),
                            created_by=actor)
    progress.full_clean()
    progress.save()
    for upload in files:
        evidence_attach(subject=progress, upload=upload, actor=actor)
    if submit:
        transition(obj=progress, action=ReviewAction.SUBMIT, actor=actor)
    return progress


@transaction.atomic
def task_progress_edit(*, progress: TaskProgress, actor: User, narrative: str, percent: int,
                       expected_version: int | None = None, submit: bool = False) -> TaskProgress:
    """Change a draft or returned update and, with ``submit``, (re)submit it: one step, all or nothing.

    ``expected_version`` is the version the reporter edited; a stale one is refused with a conflict and
    nothing is written. The edit bumps the version; the submit then moves the edited update.
    """
    if not progress.review_can_report(actor):
        raise PermissionDeniedError("您无权修改该进展。")
    if not 0 <= int(percent) <= 100 or not narrative.strip():
        raise DomainError("请填写进展情况，完成比例须在 0—100 之间。")
    current = TaskProgress.objects.select_for_update().only("status", "version").get(pk=progress.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError("该进展已被他人修改，请刷新后再操作（您的修改未保存）。")
    if current.status not in EDITABLE:
        raise DomainError("已提交的进展不能修改。")
    progress.narrative, progress.percent = narrative.strip(), int(percent)
    progress.status, progress.version = current.status, current.version + 1
    TaskProgress.objects.filter(pk=progress.pk).update(narrative=progress.narrative, percent=progress.percent,
                                                       version=F("version") + 1)
    if submit:
        transition(obj=progress, action=ReviewAction.SUBMIT, actor=actor, expected_version=progress.version)
    return progress


@transaction.atomic
def task_progress_transition(*, progress: TaskProgress, action: str, actor: User, comment: str = "",
                             expected_version: int | None = None, today: dt.date | None = None) -> TaskProgress:
    """Submit / approve / return / reopen through the shared workflow; approval moves the task forward."""
    transition(obj=progress, action=action, actor=actor, comment=comment, expected_version=expected_version)
    if action == ReviewAction.APPROVE and progress.status == ReviewStatus.APPROVED:
        task_apply_progress(task=progress.task, percent=progress.percent, today=today)
    return progress


def task_apply_progress(*, task: Task, percent: int, today: dt.date | None = None) -> Task:
    """Set the task's per cent and status from an approved update (100 % → completed today)."""
    today = today or timezone.localdate()
    task.percent = percent
    if percent >= 100:
        task.status, task.completed_on = TaskStatus.COMPLETED, task.completed_on or today
    else:
        task.status = TaskStatus.IN_PROGRESS if percent > 0 else TaskStatus.NOT_STARTED
        task.completed_on = None
    task.save(update_fields=["percent", "status", "completed_on"])
    return task


# --- projects ----------------------------------------------------------------------------------


def resolve_region(program: Program, text: str) -> Region | None:
    """建设地点 as written → the program's city (全市, 市本级) or one of its counties (by name prefix)."""
    text = "".join(text.split())
    if not text or text in ("全市", "市本级", "市直", program.region.name):
        return program.region
    counties = Region.objects.filter(path__startswith=program.region.path, level=RegionLevel.COUNTY)
    for county in sorted(counties, key=lambda r: -len(r.name)):
        if text.startswith(county.name) or text.startswith(county.name[:-1]) and len(county.name) > 2:
            return county
    return None


@transaction.atomic
def project_create(*, program: Program, name: str, category: ProjectCategory, region: Region,
                   department: Department, start: dt.date, end: dt.date, total: Decimal, number: str = "",
                   content: str = "", location: str = "", status: str = ProjectStatus.PLANNED, percent: int = 0,
                   funding: Iterable[tuple[str, Decimal | None]] = (),
                   years: dict[int, dict[str, Decimal]] | None = None, order: int | None = None) -> Project:
    """Add or update (by name) a project with its funding and yearly investment (all 万元)."""
    if end < start:
        raise DomainError("完工时间早于开工时间。")
    if total < 0:
        raise DomainError("总投资不能为负数。")
    if order is None:
        order = (Project.objects.filter(program=program).order_by("-order").values_list("order", flat=True).first()
                 or 0) + 1
    project = Project.objects.filter(program=program, name=name).first() or Project(program=program, name=name)
    for field, value in {"number": number, "order": order, "category": category, "region": region,
                         "location": location, "department": department, "content": content, "start": start,
                         "end": end, "total_investment": total, "status": status, "percent": percent}.items():
        setattr(project, field, value)
    project.full_clean()
    project.save()
    ProjectFunding.objects.filter(project=project).delete()
    funding_rows = [ProjectFunding(project=project, source=FundingSource(s), amount=a) for s, a in funding]
    check_instances(funding_rows)
    ProjectFunding.objects.bulk_create(funding_rows)
    for year, amounts in (years or {}).items():
        ProjectYear.objects.update_or_create(project=project, year=year, defaults=amounts)
    return project


@dataclass
class ProjectRow:
    """A sheet row that creates or changes a project: the project as it will be written (unsaved), the
    columns that change (every column for a new project) and, when they change, its funding and years."""

    change: RowChange
    project: Project
    funding: Funding
    years: Years
    columns: frozenset[str]
    original: dict[str, object] | None = None  # the stored project's written fields as the plan saw them


@dataclass
class ProjectPlan:
    rows: list[ProjectRow]
    unchanged: int

    def plan(self) -> dict[str, object]:
        return changes_plan([row.change for row in self.rows], self.unchanged)


def _project_lines(program: Program, data: bytes) -> list[tuple[ProjectLine, ProjectCategory, Region, Department]]:
    """Parse a 项目清单 sheet and resolve its categories, places and units; raises ImportRejected."""
    lines, errors = parse_sheet(parse_project_sheet, data)
    names = UnitNames(program)
    categories = {c.name: c for c in ProjectCategory.objects.all()}
    ready = []
    seen: dict[str, int] = {}
    for line in lines:
        category = categories.get(line.category)
        region = resolve_region(program, line.location)
        department = names.get(line.department)
        if category is None:
            errors.append(RowError(line.row, "项目类别", f"未知的项目类别「{line.category}」（可用：{'、'.join(categories)}）。",
                                  line.name))
        if region is None:
            errors.append(RowError(line.row, "建设地点", f"「{line.location}」不在本市县区范围内。", line.name))
        if department is None:
            errors.append(RowError(line.row, "责任单位", f"未找到单位「{line.department}」。", line.name))
        if line.name in seen:
            errors.append(RowError(line.row, "项目名称", f"与第{seen[line.name]}行项目重名。", line.name))
        seen.setdefault(line.name, line.row)
        errors += row_errors(Project, line.row, {
            "序号": ("number", line.number), "项目名称": ("name", line.name), "建设地点": ("location", line.location),
            "建设内容": ("content", line.content), "总投资": ("total_investment", line.total)})
        errors += [error for source, amount in line.funding
                   for error in row_errors(ProjectFunding, line.row, {"资金来源": ("amount", amount)})]
        errors += [error for year, amounts in line.years.items() for name, amount in amounts.items()
                   for error in row_errors(ProjectYear, line.row, {str(year): (name, amount)})]
        if category and region and department:
            ready.append((line, category, region, department))
    _reject_if_any(errors, empty=not lines, nothing="表中没有项目。")
    return ready


#: Which project fields each export column carries (the yearly columns carry ``years``).
PROJECT_FIELDS = {"序号": ("number",), "项目类别": ("category",), "建设地点": ("location", "region"),
                  "责任单位": ("department",), "建设内容": ("content",), "起止年限": ("start", "end"),
                  "总投资（万元）": ("total_investment",), "项目状态": ("status",), "形象进度（%）": ("percent",)}


def _project_as_sheet(stored: Project, line: ProjectLine, category: ProjectCategory, region: Region,
                      department: Department) -> Project:
    """A copy of ``stored`` with the values of every column the sheet has (nothing saved)."""
    candidate = Project(pk=stored.pk, program_id=stored.program_id, name=stored.name, order=stored.order)
    for field in ("number", "category", "region", "location", "department", "content", "start", "end",
                  "total_investment", "status", "percent"):
        setattr(candidate, field, getattr(stored, field))
    values = {"number": line.number, "category": category, "region": region, "location": line.location,
              "department": department, "content": line.content, "start": line.start, "end": line.end,
              "total_investment": line.total, "status": line.status or None, "percent": line.percent}
    for column, fields in PROJECT_FIELDS.items():
        if column in line.present:
            for field in fields:
                if values[field] is not None:
                    setattr(candidate, field, values[field])
    return candidate


def project_list_check(*, program: Program, data: bytes) -> ProjectPlan:
    """What a 项目清单 sheet would change, old → new per column (raises ImportRejected). Writes nothing.

    The stored project and the project as the sheet has it are both rendered by the export's
    :func:`~apps.tasks.exports.project_cells`; only a column the sheet has and whose text differs changes,
    so an exported list imports as "0 changes" and a column the sheet lacks is left alone.
    """
    ready = _project_lines(program, data)
    existing = {p.name: p for p in Project.objects.filter(program=program, name__in=[r[0].name for r in ready])
                .select_related("category", "region", "department").prefetch_related("funding", "years")}
    order = (Project.objects.filter(program=program).order_by("-order").values_list("order", flat=True).first() or 0)
    rows: list[ProjectRow] = []
    unchanged = 0
    for line, category, region, department in ready:
        if line.end < line.start:
            raise DomainError("完工时间早于开工时间。")
        stored = existing.get(line.name)
        years = sorted({*line.years, *(int(c[:4]) for c in line.present if c[:4].isdigit())})
        if stored is None:
            order += 1
            project = Project(program=program, name=line.name, number=line.number, order=order, category=category,
                              region=region, location=line.location, department=department, content=line.content,
                              start=line.start, end=line.end, total_investment=line.total,
                              status=line.status or ProjectStatus.PLANNED, percent=line.percent or 0)
            cells = project_cells(project, line.funding, line.years, years)
            change = RowChange(line.row, line.name, True, column_changes(None, cells, [c for c in cells if c in line.present or c == "项目名称"]))
            rows.append(ProjectRow(change, project, line.funding, line.years, frozenset(cells)))
            continue
        funding, by_year = project_money(stored)
        candidate = _project_as_sheet(stored, line, category, region, department)
        new_funding = line.funding if "资金来源" in line.present else funding
        new_years = {year: {**by_year.get(year, {}), **line.years.get(year, {})} for year in {*by_year, *line.years}}
        columns = [c for c in project_cells(stored, funding, by_year, years) if c in line.present]
        changes = column_changes(project_cells(stored, funding, by_year, years),
                                 project_cells(candidate, new_funding, new_years, years), columns)
        if not changes:
            unchanged += 1
            continue
        changed = frozenset(c.field for c in changes)
        original = row_image(stored, PROJECT_WRITTEN)
        for column, fields in PROJECT_FIELDS.items():  # only what changes is taken from the sheet
            if column in changed:
                for field in fields:
                    setattr(stored, field, getattr(candidate, field))
        rows.append(ProjectRow(RowChange(line.row, line.name, False, changes), stored, new_funding, new_years, changed,
                               original))
    return ProjectPlan(rows, unchanged)


def project_list_import(*, program: Program, data: bytes) -> dict[str, int]:
    """Import a 项目清单 sheet: all rows or none; a row with an existing project name updates what it changes."""
    return project_list_write(project_list_check(program=program, data=data))


#: The project fields an import writes; a chunk checks they are still what the plan saw before it writes them.
PROJECT_WRITTEN = ("number", "category", "region", "location", "department", "content", "start", "end",
                   "total_investment", "status", "percent")


def project_list_write(plan: ProjectPlan, *, staged: StagedImport | None = None) -> dict[str, int]:
    """Write the new and changed projects, and the funding and years that change, in bulk (a few queries).

    Without ``staged``, in one transaction. With it (the ``staging.commit`` job), in transactions of
    ``ECOCIV_COMMIT_CHUNK_ROWS`` rows, journaled (:mod:`apps.staging.journal`): a chunk refuses a project, its
    funding or its years changed by someone else since the plan, and a refused chunk undoes the ones before it.
    """
    for row in plan.rows:  # every row is validated before the first chunk writes anything
        if row.project.total_investment < 0:
            raise DomainError("总投资不能为负数。")
        # foreign keys, uniqueness and constraints are the database's to check (no query per row here)
        row.project.full_clean(exclude=["program", "category", "region", "department"], validate_unique=False,
                               validate_constraints=False)
    check_instances([row.project for row in plan.rows])

    def write(rows: Sequence[ProjectRow], journal: Journal) -> None:
        journal.create([row.project for row in rows if row.change.created])
        journal.update([row.project for row in rows if not row.change.created], PROJECT_WRITTEN,
                       {row.project.pk: row.original for row in rows if row.original is not None})
        funded = [row for row in rows if row.change.created or "资金来源" in row.columns]
        replaced = [row.project for row in funded if not row.change.created]
        journal.delete(ProjectFunding.objects.filter(project__in=replaced),
                       [row_image(entry) for project in replaced for entry in project.funding.all()])
        funding = [ProjectFunding(project=row.project, source=FundingSource(source), amount=amount)
                   for row in funded for source, amount in row.funding]
        check_instances(funding)
        journal.create(funding)
        dated = [row for row in rows if row.change.created or any(c[:4].isdigit() for c in row.columns)]
        stored = {(y.project_id, y.year): y for row in dated if not row.change.created
                  for y in row.project.years.all()}  # prefetched by the plan
        expected = {entry.pk: row_image(entry, ["planned", "completed"]) for entry in stored.values()}
        add: list[ProjectYear] = []
        for row in dated:
            for year, amounts in row.years.items():
                entry = stored.get((row.project.pk, year))
                if entry is None:
                    add.append(ProjectYear(project=row.project, year=year, **amounts))
                else:
                    for name, value in amounts.items():
                        setattr(entry, name, value)
        check_instances([*stored.values(), *add])
        journal.update(list(stored.values()), ["planned", "completed"], expected)
        journal.create(add)

    journaled_write(staged, plan.rows, write)
    created = sum(1 for row in plan.rows if row.change.created)
    return {"created": created, "updated": len(plan.rows) - created, "unchanged": plan.unchanged}
