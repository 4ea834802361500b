"""Plan-document import: build the staged plan from an extraction, correct it, and commit it all or nothing.

The commit and the preview read the same :class:`PlanWrites` (:func:`plan_writes`): what the draft would write
into the program as it stands now (new units, tasks created or updated, responsibilities, local targets,
phases, the document record). The preview shows its old → new rows; the commit makes it again, refuses when
it differs from what the preview showed (:class:`apps.staging.services.StalePreview`), and writes it inside the
commit job's one transaction (the kind has no ``compensate``), so a raise anywhere leaves nothing written.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max

from apps.accounts.models import User
from apps.core.errors import DomainError
from apps.core.uploads import CheckedUpload
from apps.core.validation import check_instances
from apps.geo.models import Department
from apps.indicators.models import Indicator
from apps.programs.models import YEARS_AFTER_TARGET, Phase, Program, Responsibility, ResponsibilityRole
from apps.programs.selectors import program_indicators, program_target_edits
from apps.programs.services import target_edit_set
from apps.staging.diff import FieldChange, RowChange
from apps.staging.models import StagedImport, StagedStatus
from apps.staging.services import staged_import_create, staged_import_report, staged_import_start_check
from apps.tasks.models import Task, TaskUnit
from calc.targets import TargetSyntaxError, is_tightening, parse_target
from docimport.plan import Heading, PlanExtraction
from docimport.planmatch import match_indicator

from .draft import (
    Correction,
    CorrectionKind,
    Draft,
    DraftPhase,
    DraftProjects,
    DraftTarget,
    DraftTask,
    UnitAction,
    apply_correction,
    decimal_text,
)
from .matching import department_candidates, indicator_candidates, program_places, unit_match
from .models import PLAN_FORMATS, PLAN_KIND, PlanSummary

KIND, FORMATS = PLAN_KIND, PLAN_FORMATS

#: How plans' comparators are written as target expressions (calc.targets).
OPERATORS = {"≥": ">=", "≤": "<=", ">": ">", "<": "<", "=": "="}


# --- matching --------------------------------------------------------------------------------------------


Placed = tuple[Heading, Heading | None]  # a heading and its parent


def task_groups(headings: Sequence[Heading]) -> list[Placed]:
    """Every heading with its parent, in document order: where a task stands in the tree."""
    found: list[Placed] = []

    def walk(nodes: Sequence[Heading], parent: Heading | None) -> None:
        for node in nodes:
            found.append((node, parent))
            walk(node.children, node)

    walk(headings, None)
    return sorted(found, key=lambda row: row[0].span.start)


def _group_of(start: int, groups: list[Placed]) -> dict[str, str]:
    """The group of a task starting at ``start``: the parent of the heading it is (a numbered item), or the
    heading it stands under (an item in a section's text); none for a task at the top of the tree."""
    before = [row for row in groups if row[0].span.start <= start]
    if not before:
        return {}
    heading, parent = before[-1]
    group = heading if start >= heading.span.end else parent
    return {"group_marker": group.marker, "group": group.title} if group is not None else {}


def plan_draft_build(*, program: Program, extraction: PlanExtraction) -> Draft:
    """The staged plan of an extraction: every item with a key, every unit name and target phrase matched."""
    departments, places = department_candidates(program), program_places(program)
    indicators = indicator_candidates(program_indicators(program))
    groups = task_groups(extraction.headings)
    tasks = tuple(DraftTask(key=f"t{i + 1}", ref=t.ref, title=t.title, lead=t.lead, cooperating=t.cooperating,
                            span=(t.span.start, t.span.end), text=t.text, **_group_of(t.span.start, groups))
                  for i, t in enumerate(extraction.tasks))
    targets = []
    for i, target in enumerate(extraction.targets):
        match = match_indicator(target.indicator, indicators)
        targets.append(DraftTarget(
            key=f"g{i + 1}", text=target.text, phrase=target.indicator, comparator=str(target.comparator),
            value=decimal_text(target.value) or "", unit=target.unit, deadline=target.deadline,
            span=(target.span.start, target.span.end), indicator_id=match.id, indicator_name=match.matched,
            confidence=match.confidence, reason=match.reason))
    phases = tuple(DraftPhase(key=f"p{i + 1}", name=p.name, start=p.start, end=p.end, span=(p.span.start, p.span.end))
                   for i, p in enumerate(extraction.phases))
    total = extraction.projects_total
    projects = None if total is None else DraftProjects(
        count=total.count, investment_yi_yuan=decimal_text(total.investment_yi_yuan),
        span=(total.span.start, total.span.end),
        categories=tuple((c.name, c.count, decimal_text(c.investment_yi_yuan)) for c in total.categories))
    names = [n for t in tasks for n in (*t.lead, *t.cooperating)] + list(extraction.blanket_units)
    units = tuple(unit_match(n, departments, places) for n in dict.fromkeys(names))
    return Draft(title=extraction.title, text=extraction.text, tasks=tasks, targets=tuple(targets), phases=phases,
                 projects=projects, units=units, blanket_units=extraction.blanket_units,
                 warnings=extraction.warnings, serial=len(tasks))


# --- what a draft writes ---------------------------------------------------------------------------------


@dataclass
class PlanWrites:
    """What committing a draft writes into its program now, and the old → new rows the preview shows."""

    new_units: list[str] = field(default_factory=list)
    new_groups: list[str] = field(default_factory=list)  # titles of headings written as new group tasks
    new_tasks: list[tuple[DraftTask, list[str], list[str]]] = field(default_factory=list)
    updated_tasks: list[tuple[Task, DraftTask, list[str], list[str]]] = field(default_factory=list)
    responsibilities: dict[int, tuple[Indicator, list[str], list[str]]] = field(default_factory=dict)
    targets: list[tuple[Indicator, str, DraftTarget]] = field(default_factory=list)
    new_phases: list[tuple[DraftPhase, dt.date, dt.date]] = field(default_factory=list)
    updated_phases: list[tuple[Phase, dt.date, dt.date]] = field(default_factory=list)
    changes: list[RowChange] = field(default_factory=list)
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)

    def plan(self, draft: Draft, version: int) -> dict[str, Any]:
        """The staged import's plan: the draft and what it would write (the kind's ``changes`` read it)."""
        return {"draft": draft.as_json(), "changes": [c.as_dict() for c in self.changes], "unchanged": self.unchanged,
                "warnings": [{"row": 0, "column": "", "message": w, "subject": ""} for w in self.warnings],
                "version": version}


def _joined(names: Sequence[str]) -> str:
    return "、".join(names)


def _change(writes: PlanWrites, name: str, created: bool, *fields: tuple[str, str, str]) -> None:
    changed = tuple(FieldChange(label, label, old, new) for label, old, new in fields if old != new)
    if created or changed:
        writes.changes.append(RowChange(len(writes.changes) + 1, name, created, changed))
    else:
        writes.unchanged += 1


def _month(text: str, *, last: bool) -> dt.date | None:
    try:
        year, month = (int(part) for part in text.split("-")[:2])
        return dt.date(year, month, calendar.monthrange(year, month)[1] if last else 1)
    except (ValueError, TypeError):
        return None


def plan_writes(*, program: Program, draft: Draft) -> PlanWrites:
    """What committing ``draft`` would write into ``program`` as it stands now (a fixed number of queries)."""
    writes = PlanWrites()
    departments = department_candidates(program)
    by_id = {d.id: d for d in departments}
    by_name = {d.name: d for d in departments if d.region_id == program.region_id}

    def resolve(name: str) -> str | None:
        """The department name a written unit becomes (None: not a unit), noting the units to create."""
        unit = draft.unit(name)
        if unit is None or unit.action == UnitAction.SKIP:
            return None
        if unit.action == UnitAction.MATCH and unit.department_id in by_id:
            return by_id[unit.department_id].name
        if unit.action == UnitAction.MATCH:
            writes.warnings.append(f"单位“{name}”对应的单位已不存在，请重新选择。")
            return None
        created = name.strip()[:80]
        if created not in by_name and created not in writes.new_units:
            writes.new_units.append(created)
            _change(writes, f"单位：{created}", True, ("单位", "", created))
        return created

    blanket = [n for n in (resolve(b) for b in draft.blanket_units) if n]
    existing = {}
    for task in Task.objects.filter(program=program).prefetch_related("units__department").order_by("order", "id"):
        existing.setdefault(task.title, task)
    kept = [t for t in draft.tasks if not t.dropped]
    units_of: dict[str, tuple[list[str], list[str]]] = {}
    for task in kept:
        lead = list(dict.fromkeys(n for n in (resolve(x) for x in task.lead) if n))
        cooperating = [n for n in dict.fromkeys(n for n in (resolve(x) for x in (*task.cooperating,)) if n)
                       if n not in lead]
        cooperating += [n for n in blanket if n not in lead and n not in cooperating]
        units_of[task.key] = (lead, cooperating)
        stored = existing.get(task.title[:200])
        if stored is None:
            group = task.group[:200]
            if group and group not in existing and group not in writes.new_groups:
                writes.new_groups.append(group)
                _change(writes, f"任务组：{group}", True, ("序号", "", task.group_marker[:20]))
            writes.new_tasks.append((task, lead, cooperating))
            _change(writes, f"任务：{task.title}", True, ("任务组", "", group), ("序号", "", task_number(task)),
                    ("牵头单位", "", _joined(lead)), ("配合单位", "", _joined(cooperating)))
            continue
        old_lead = [u.department.name for u in stored.units.all() if u.role == ResponsibilityRole.LEAD]
        old_coop = [u.department.name for u in stored.units.all() if u.role == ResponsibilityRole.COOPERATE]
        before = len(writes.changes)
        _change(writes, f"任务：{task.title}", False, ("牵头单位", _joined(old_lead), _joined(lead)),
                ("配合单位", _joined(old_coop), _joined(cooperating)))
        if len(writes.changes) > before:
            writes.updated_tasks.append((stored, task, lead, cooperating))

    indicators = {i.id: i for i in program_indicators(program)}
    _plan_responsibilities(writes, program, draft, kept, units_of, indicators)
    _plan_targets(writes, program, draft, indicators)
    _plan_phases(writes, program, draft)
    if draft.projects is not None and not draft.projects.dropped:
        _change(writes, "项目汇总", True, ("项目数", "", str(draft.projects.count or "")),
                ("总投资（亿元）", "", draft.projects.investment_yi_yuan or ""))
    return writes


def task_number(task: DraftTask) -> str:
    """A task's number in the list: its own marker under its group ("1"), its whole ref without a group."""
    return (task.ref.rsplit(".", 1)[-1] if task.group else task.ref)[:20]


def _plan_responsibilities(writes: PlanWrites, program: Program, draft: Draft, kept: list[DraftTask],
                           units_of: dict[str, tuple[list[str], list[str]]], indicators: dict[int, Indicator]) -> None:
    """A target inside a task's text makes that task's units the indicator's lead and cooperating units."""
    wanted: dict[int, tuple[list[str], list[str]]] = {}
    for target in draft.targets:
        if target.dropped or target.indicator_id not in indicators:
            continue
        task = next((t for t in kept if t.span[0] <= target.span[0] < t.span[1]), None)
        if task is None or not units_of[task.key][0]:
            continue
        lead, cooperating = wanted.setdefault(target.indicator_id, ([], []))
        lead.extend(n for n in units_of[task.key][0] if n not in lead)
        cooperating.extend(n for n in units_of[task.key][1] if n not in cooperating)
    if not wanted:
        return
    stored: dict[int, tuple[list[str], list[str]]] = {}
    for row in (Responsibility.objects.filter(program=program, indicator_id__in=wanted).select_related("department")
                .order_by("role", "order", "id")):
        lead, cooperating = stored.setdefault(row.indicator_id, ([], []))
        (lead if row.role == ResponsibilityRole.LEAD else cooperating).append(row.department.name)
    for indicator_id, (lead, cooperating) in wanted.items():
        cooperating[:] = [n for n in cooperating if n not in lead]
        old_lead, old_coop = stored.get(indicator_id, ([], []))
        indicator = indicators[indicator_id]
        before = len(writes.changes)
        _change(writes, f"责任分工：{indicator.name}", False, ("牵头单位", _joined(old_lead), _joined(lead)),
                ("配合单位", _joined(old_coop), _joined(cooperating)))
        if len(writes.changes) > before:
            writes.responsibilities[indicator_id] = (indicator, lead, cooperating)


def _plan_targets(writes: PlanWrites, program: Program, draft: Draft, indicators: dict[int, Indicator]) -> None:
    """Each matched target as the program's local target of its indicator, where it is a valid tightening."""
    level = program.region.level
    edits = program_target_edits(program)
    planned: set[int] = set()
    for target in draft.targets:
        indicator = indicators.get(target.indicator_id or 0)
        if target.dropped or indicator is None:
            continue
        expression = f"{OPERATORS.get(target.comparator, '=')}{target.value}"
        refusal = _target_refusal(indicator, level, expression, target)
        if refusal or indicator.id in planned:
            writes.warnings.append(f"目标“{target.text[:60]}”未写入：{refusal or '同一指标已有前一条目标'}。")
            continue
        planned.add(indicator.id)
        edit = edits.get((indicator.id, level))
        old = edit.target if edit else indicator.target_text_for(level)
        if old == expression:
            writes.unchanged += 1
            continue
        writes.targets.append((indicator, expression, target))
        _change(writes, f"目标：{indicator.name}", False,
                ("目标", indicator.target_words(old) if old else "", indicator.target_words(expression)))


def _target_refusal(indicator: Indicator, level: str, expression: str, target: DraftTarget) -> str:
    """Why a target cannot be the indicator's local target ("" when it can)."""
    if level not in indicator.scope_levels:
        return "该指标不适用于本级"
    if target.unit and indicator.unit and target.unit.replace("％", "%") != indicator.unit:
        return f"单位“{target.unit}”与指标单位“{indicator.unit}”不一致"
    try:
        parsed = parse_target(expression)
    except TargetSyntaxError:
        return "目标值无法识别"
    national = indicator.target_for(level)
    if national is not None and is_tightening(parsed, national, direction=indicator.direction) is False:  # type: ignore[arg-type]
        return f"低于国家目标“{indicator.printed_target(level)}”，只能提高不能降低"
    return ""


def _plan_phases(writes: PlanWrites, program: Program, draft: Draft) -> None:
    stored = {p.name: p for p in Phase.objects.filter(program=program)}
    first, last = dt.date(program.base_year, 1, 1), dt.date(program.target_year + YEARS_AFTER_TARGET, 12, 31)
    for phase in draft.phases:
        if phase.dropped:
            continue
        start = _month(phase.start, last=False)
        end = _month(phase.end, last=True) if phase.end else dt.date(program.target_year, 12, 31)
        if start is None or end is None or start > end or start < first or end > last:
            writes.warnings.append(f"阶段“{phase.name}”未写入：起止时间无法识别或不在创建工作的年限内。")
            continue
        name = phase.name[:40]
        old = stored.get(name)
        dates = f"{start:%Y-%m-%d} — {end:%Y-%m-%d}"
        if old is None:
            writes.new_phases.append((phase, start, end))
            _change(writes, f"阶段：{name}", True, ("起止时间", "", dates))
        elif (old.start, old.end) != (start, end):
            writes.updated_phases.append((old, start, end))
            _change(writes, f"阶段：{name}", False, ("起止时间", f"{old.start:%Y-%m-%d} — {old.end:%Y-%m-%d}", dates))
        else:
            writes.unchanged += 1


# --- staged plan ----------------------------------------------------------------------------------------


def plan_stage(*, program: Program, draft: Draft, version: int = 0) -> dict[str, Any]:
    """The staged import's plan of ``draft``: the draft, its old → new rows and warnings, and its version."""
    return plan_writes(program=program, draft=draft).plan(draft, version)


def plan_upload(*, program: Program, actor: User, checked: CheckedUpload) -> StagedImport:
    """Keep an uploaded plan document as a staged import and read it in the background (a job)."""
    staged = staged_import_create(kind=KIND, actor=actor, checked=checked, program=program)
    return staged_import_start_check(staged=staged, actor=actor)


@transaction.atomic
def plan_correct(*, staged: StagedImport, actor: User, correction: Correction, version: int) -> StagedImport:
    """Apply one correction to a previewed plan import (its uploader's), if nobody changed it since ``version``."""
    staged = StagedImport.objects.select_for_update(of=("self",)).select_related("program__region").get(pk=staged.pk)
    if staged.status != StagedStatus.PREVIEWED:
        raise DomainError(f"该导入状态为“{staged.get_status_display()}”，不能再更正。")
    if staged.created_by_id != actor.pk:
        raise DomainError("只有上传者可以更正该导入。")
    current = int(staged.plan.get("version", 0))
    if version != current:
        raise DomainError("预览已被更新（可能在另一个窗口中），请刷新页面后再更正。")
    program = staged.program
    draft = Draft.from_json(staged.plan["draft"])
    new_units = {}
    if correction.lead or correction.cooperating:
        departments, places = department_candidates(program), program_places(program)
        new_units = {n: unit_match(n, departments, places) for n in (*correction.lead, *correction.cooperating)
                     if n.strip() and draft.unit(n.strip()) is None}
    correction = _with_names(program, correction)
    draft = apply_correction(draft, correction, new_units=new_units)
    staged_import_report(staged, plan=plan_stage(program=program, draft=draft, version=current + 1))
    return staged


def _with_names(program: Program, correction: Correction) -> Correction:
    """The correction with the department or indicator it names (by id, or by name as the page's lists offer
    them) checked to be the program's, and named."""
    if correction.kind == CorrectionKind.UNIT and correction.action == UnitAction.MATCH:
        wanted_id, wanted_name = correction.department_id, correction.department_name
        if wanted_id is not None or wanted_name:
            unit = next((d for d in department_candidates(program)
                         if d.id == wanted_id or (wanted_id is None and wanted_name in (d.name, *(d.aliases or ())))),
                        None)
            if unit is None:
                raise DomainError("该单位不属于本创建工作区域。")
            correction = replace(correction, department_id=unit.id, department_name=unit.name)
    if correction.kind == CorrectionKind.INDICATOR:
        wanted_id, wanted_name = correction.indicator_id, correction.indicator_name
        if wanted_id is not None or wanted_name:
            indicator = next((i for i in program_indicators(program)
                              if i.id == wanted_id or (wanted_id is None and wanted_name in (i.name, i.full_name))),
                             None)
            if indicator is None:
                raise DomainError("该指标不属于本创建工作的指标体系。")
            correction = replace(correction, indicator_id=indicator.id, indicator_name=indicator.name)
    return correction


def plan_write(*, program: Program, writes: PlanWrites, draft: Draft, actor: User,
               staged: StagedImport) -> dict[str, int]:
    """Write what ``writes`` plans; the caller holds the one transaction (the commit job's)."""
    region = program.region
    created = [Department(region=region, name=name) for name in writes.new_units]
    check_instances(created)
    Department.objects.bulk_create(created)
    departments = {d.name: d for d in department_candidates(program) if d.region_id == region.id}
    departments.update({d.name: d for d in department_candidates(program) if d.name not in departments})

    tasks = _new_tasks(program, writes)
    units = [row for stored, (_, lead, cooperating) in zip(tasks, writes.new_tasks, strict=True)
             for row in _task_units(stored, lead, cooperating, departments)]
    TaskUnit.objects.filter(task__in=[stored for stored, *_ in writes.updated_tasks]).delete()
    units += [row for stored, _, lead, cooperating in writes.updated_tasks
              for row in _task_units(stored, lead, cooperating, departments)]
    TaskUnit.objects.bulk_create(units)

    Responsibility.objects.filter(program=program, indicator_id__in=writes.responsibilities).delete()
    Responsibility.objects.bulk_create([
        Responsibility(program=program, indicator=indicator, department=departments[name], role=role, order=i)
        for indicator, lead, cooperating in writes.responsibilities.values()
        for role, names in ((ResponsibilityRole.LEAD, lead), (ResponsibilityRole.COOPERATE, cooperating))
        for i, name in enumerate(names)])

    document = draft.title or staged.original_name
    for indicator, expression, target in writes.targets:
        target_edit_set(program=program, indicator=indicator, level=region.level, target=expression, actor=actor,
                        reason=f"依据规划文件《{document}》（SHA-256 {staged.sha256[:12]}）：{target.text}"[:300])

    top = Phase.objects.filter(program=program).aggregate(top=Max("order"))["top"] or 0
    phases = [Phase(program=program, name=phase.name[:40], start=start, end=end, order=top + i + 1)
              for i, (phase, start, end) in enumerate(writes.new_phases)]
    for phase, start, end in writes.updated_phases:
        phase.start, phase.end = start, end
    check_instances([*phases, *(p for p, _, _ in writes.updated_phases)])
    Phase.objects.bulk_create(phases)
    Phase.objects.bulk_update([p for p, _, _ in writes.updated_phases], ["start", "end"])
    plan_summary_write(program=program, draft=draft, staged=staged, actor=actor, tasks=len(tasks))
    return {"units": len(created), "tasks_created": len(tasks), "tasks_updated": len(writes.updated_tasks),
            "responsibilities": len(writes.responsibilities), "targets": len(writes.targets),
            "phases": len(phases) + len(writes.updated_phases)}


def _new_tasks(program: Program, writes: PlanWrites) -> list[Task]:
    """Create the new group tasks and the new tasks under them (each group just before its first task)."""
    order = (Task.objects.filter(program=program).aggregate(top=Max("order"))["top"] or 0) + 1
    titles = {t.group[:200] for t, _, _ in writes.new_tasks}
    stored_groups = Task.objects.filter(program=program, title__in=titles).order_by("-order", "-id")
    parents: dict[str, Task] = {g.title: g for g in stored_groups}  # the first of a title wins, as for tasks
    groups: list[Task] = []
    tasks: list[Task] = []
    for task, _lead, _cooperating in writes.new_tasks:
        group = task.group[:200]
        if group in writes.new_groups and group not in parents:
            parents[group] = Task(program=program, number=task.group_marker[:20], title=group, order=order)
            groups.append(parents[group])
            order += 1
        parent = parents.get(group) if group else None
        tasks.append(Task(program=program, parent=parent, level=parent.level + 1 if parent else 0,
                          number=task_number(task), title=task.title[:200], description=task.text, order=order))
        order += 1
    check_instances(groups)
    Task.objects.bulk_create(groups)
    for stored in tasks:
        stored.parent_id = stored.parent.pk if stored.parent else None
    check_instances(tasks)
    Task.objects.bulk_create(tasks)
    return tasks


def _task_units(task: Task, lead: list[str], cooperating: list[str],
                departments: dict[str, Department]) -> list[TaskUnit]:
    return [TaskUnit(task=task, department=departments[name], role=role, order=i)
            for role, names in ((ResponsibilityRole.LEAD, lead), (ResponsibilityRole.COOPERATE, cooperating))
            for i, name in enumerate(names)]


def plan_summary_write(*, program: Program, draft: Draft, staged: StagedImport, actor: User, tasks: int) -> PlanSummary:
    """The record of the committed document with its project summary (the commit's last write)."""
    projects = draft.projects if draft.projects is not None and not draft.projects.dropped else None
    summary = PlanSummary(
        program=program, staged_import=staged, document=draft.title[:200], original_name=staged.original_name,
        sha256=staged.sha256, projects_count=projects.count if projects else None,
        investment_yi_yuan=Decimal(projects.investment_yi_yuan) if projects and projects.investment_yi_yuan else None,
        categories=[list(c) for c in projects.categories] if projects else [], blanket_units=list(draft.blanket_units),
        tasks=tasks, created_by=actor)
    summary.full_clean()
    summary.save()
    return summary
