"""Writes for tasks, progress updates and projects. Supervision services are in ``supervision.py``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.accounts.models import Role, User
from apps.core.errors import ConflictError, DomainError, ImportRejected, PermissionDeniedError, RowError
from apps.core.uploads import CheckedUpload
from apps.evidence.services import evidence_attach
from apps.geo.models import Department, Region, RegionLevel
from apps.programs.models import Program, ResponsibilityRole
from apps.review.services import transition
from apps.review.workflow import EDITABLE, ReviewAction, ReviewStatus
from docimport.projects import ProjectLine, parse_project_sheet
from docimport.tasks import TaskLine, parse_task_sheet
from docimport.xlsx import SheetError

from .access import progress_department
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
    TaskMilestone.objects.bulk_create([TaskMilestone(task=task, title=t, due=d) for t, d in milestones])
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
    try:
        lines, errors = parse_task_sheet(data)
    except SheetError as exc:
        raise DomainError(str(exc)) from exc
    names = UnitNames(program)
    resolved: TaskPlan = []
    stack: list[TaskLine] = []
    for line in lines:
        leads = [names.get(n) for n in line.leads]
        cooperators = [names.get(n) for n in line.cooperators]
        for column, wanted, found in (("牵头单位", line.leads, leads), ("配合单位", line.cooperators, cooperators)):
            for name, unit in zip(wanted, found, strict=True):
                if unit is None:
                    errors.append(RowError(line.row, column, f"未找到单位「{name}」。"))
        while stack and stack[-1].level >= line.level:
            stack.pop()
        if line.level >= 1 and not line.leads and not any(p.leads for p in stack):
            errors.append(RowError(line.row, "牵头单位", "任务须有牵头单位。"))
        stack.append(line)
        resolved.append((line, [u for u in leads if u], [u for u in cooperators if u]))
    _reject_if_any(errors, empty=not lines, nothing="表中没有任务。")
    return resolved


def task_list_import(*, program: Program, data: bytes) -> dict[str, int]:
    """Import a 任务清单 sheet: all rows or none. Rows update the task at the same place (numbers from the
    top group down) and add new ones; nothing is deleted."""
    return _task_list_commit(program, task_list_check(program=program, data=data))


@transaction.atomic
def _task_list_commit(program: Program, resolved: TaskPlan) -> dict[str, int]:
    """Write the resolved rows in bulk, one level of the tree at a time (a parent gets its id before its
    children are created); the units of every imported task are replaced in one delete and one insert."""
    key_of: dict[int, tuple[str, ...]] = {}
    keys: dict[tuple[str, ...], Task] = {}
    for task in Task.objects.filter(program=program).order_by("level", "order", "id"):
        key = (*key_of.get(task.parent_id, ()), task.number)
        key_of[task.id] = key
        keys.setdefault(key, task)
    # Resolve each row's key, parent row and inherited lead units first (document order).
    rows: list[tuple[TaskLine, tuple[str, ...], int | None, list[Department], list[Department]]] = []
    stack: list[tuple[TaskLine, int, tuple[str, ...], list[Department]]] = []
    for index, (line, leads, cooperators) in enumerate(resolved):
        while stack and stack[-1][0].level >= line.level:
            stack.pop()
        parent_index = stack[-1][1] if stack else None
        # A sub-item without its own lead unit answers to its parent's lead unit, as plans write it.
        leads = leads or (stack[-1][3] if stack else [])
        key = (*(stack[-1][2] if stack else ()), line.number)
        rows.append((line, key, parent_index, leads, cooperators))
        stack.append((line, index, key, leads))
    task_at: dict[int, Task] = {}
    created = updated = 0
    fields = ["title", "description", "deadline", "deadline_text", "order", "level", "parent"]
    for level in sorted({line.level for line, *_ in rows}):
        new: list[Task] = []
        changed: dict[int, Task] = {}
        for index, (line, key, parent_index, _, _) in enumerate(rows):
            if line.level != level:
                continue
            task = keys.get(key)
            if task is None:
                task = Task(program=program, number=line.number)
                new.append(task)
                created += 1
            else:
                updated += 1  # a row repeating an earlier row's place updates that task, as a re-import does
                if task.pk is not None:
                    changed[task.pk] = task
            values = {"title": line.title, "description": line.description, "deadline": line.deadline,
                      "deadline_text": line.deadline_text, "order": index + 1, "level": line.level,
                      "parent": task_at[parent_index] if parent_index is not None else None}
            for name, value in values.items():
                setattr(task, name, value)
            # foreign keys, uniqueness and constraints are the database's to check (no query per row here)
            task.full_clean(exclude=["program", "parent"], validate_unique=False, validate_constraints=False)
            keys[key] = task_at[index] = task
        Task.objects.bulk_create(new)
        Task.objects.bulk_update(list(changed.values()), fields)
    units: dict[int, list[TaskUnit]] = {}  # by task id: the last row naming a task decides its units
    for index, (_, _, _, leads, cooperators) in enumerate(rows):
        units[task_at[index].pk] = _units(task_at[index], leads, cooperators)
    TaskUnit.objects.filter(task_id__in=list(units)).delete()
    TaskUnit.objects.bulk_create([unit for rows_of_task in units.values() for unit in rows_of_task])
    return {"created": created, "updated": updated}


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
    ProjectFunding.objects.bulk_create(
        [ProjectFunding(project=project, source=FundingSource(s), amount=a) for s, a in funding]
    )
    for year, amounts in (years or {}).items():
        ProjectYear.objects.update_or_create(project=project, year=year, defaults=amounts)
    return project


ProjectPlan = list[tuple[ProjectLine, ProjectCategory, Region, Department]]


def project_list_check(*, program: Program, data: bytes) -> ProjectPlan:
    """Parse a 项目清单 sheet and resolve its categories, places and units; raises ImportRejected. Writes nothing."""
    try:
        lines, errors = parse_project_sheet(data)
    except SheetError as exc:
        raise DomainError(str(exc)) from exc
    names = UnitNames(program)
    categories = {c.name: c for c in ProjectCategory.objects.all()}
    ready: ProjectPlan = []
    seen: dict[str, int] = {}
    for line in lines:
        category = categories.get(line.category)
        region = resolve_region(program, line.location)
        department = names.get(line.department)
        if category is None:
            errors.append(RowError(line.row, "项目类别", f"未知的项目类别「{line.category}」（可用：{'、'.join(categories)}）。"))
        if region is None:
            errors.append(RowError(line.row, "建设地点", f"「{line.location}」不在本市县区范围内。"))
        if department is None:
            errors.append(RowError(line.row, "责任单位", f"未找到单位「{line.department}」。"))
        if line.name in seen:
            errors.append(RowError(line.row, "项目名称", f"与第{seen[line.name]}行项目重名。"))
        seen.setdefault(line.name, line.row)
        if category and region and department:
            ready.append((line, category, region, department))
    _reject_if_any(errors, empty=not lines, nothing="表中没有项目。")
    return ready


def project_list_import(*, program: Program, data: bytes) -> dict[str, int]:
    """Import a 项目清单 sheet: all rows or none; a row with an existing project name updates it."""
    return _project_list_commit(program, project_list_check(program=program, data=data))


@transaction.atomic
def _project_list_commit(program: Program, ready: ProjectPlan) -> dict[str, int]:
    """Write the projects, their funding and yearly investment in bulk (a few queries for the whole sheet)."""
    existing = {p.name: p for p in Project.objects.filter(program=program, name__in=[r[0].name for r in ready])}
    new: list[Project] = []
    projects: list[Project] = []
    for order, (line, category, region, department) in enumerate(ready, start=1):
        if line.end < line.start:
            raise DomainError("完工时间早于开工时间。")
        if line.total < 0:
            raise DomainError("总投资不能为负数。")
        project = existing.get(line.name)
        if project is None:
            project = Project(program=program, name=line.name)
            new.append(project)
        values = {"number": line.number, "order": order, "category": category, "region": region,
                  "location": line.location, "department": department, "content": line.content,
                  "start": line.start, "end": line.end, "total_investment": line.total,
                  "status": line.status or ProjectStatus.PLANNED, "percent": 0}
        for name, value in values.items():
            setattr(project, name, value)
        # foreign keys, uniqueness and constraints are the database's to check (no query per row here)
        project.full_clean(exclude=["program", "category", "region", "department"], validate_unique=False,
                           validate_constraints=False)
        projects.append(project)
    Project.objects.bulk_create(new)
    Project.objects.bulk_update(list(existing.values()), [
        "number", "order", "category", "region", "location", "department", "content", "start", "end",
        "total_investment", "status", "percent"])
    ProjectFunding.objects.filter(project__in=projects).delete()
    ProjectFunding.objects.bulk_create([
        ProjectFunding(project=project, source=FundingSource(source), amount=amount)
        for project, (line, *_) in zip(projects, ready, strict=True) for source, amount in line.funding])
    years = {(y.project_id, y.year): y for y in ProjectYear.objects.filter(project__in=projects)}
    add: list[ProjectYear] = []
    for project, (line, *_) in zip(projects, ready, strict=True):
        for year, amounts in (line.years or {}).items():
            row = years.get((project.pk, year))
            if row is None:
                add.append(ProjectYear(project=project, year=year, **amounts))
                continue
            for name, value in amounts.items():
                setattr(row, name, value)
    ProjectYear.objects.bulk_update(list(years.values()), ["planned", "completed"])
    ProjectYear.objects.bulk_create(add)
    return {"created": len(new), "updated": len(projects) - len(new)}
