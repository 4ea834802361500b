"""Supervision (督办): a registry of rules, the daily run, escalation and the notice services.

A *rule* is a function ``(program, today) -> Iterable[Flag]`` registered under a code with
:func:`register_rule`. Each :class:`Flag` names the responsible unit and carries a ``key`` unique to the
rule, the source object and the unit; :func:`supervision_run` turns new flags into notices (提醒), leaves
existing ones alone (so running twice creates nothing), escalates open notices whose response deadline
has passed (提醒 → 催办 → 通报) and closes notices whose flag has gone (the task was completed).

Other apps plug in their own rules from their ``AppConfig.ready()``, e.g. the reporting app::

    from apps.tasks.supervision import Flag, register_rule

    @register_rule("report_not_submitted", "逾期未报送")
    def reports_not_submitted(program, today):
        for item in overdue_round_items(program, today):          # due_date < today, not submitted
            yield Flag(key=f"report_not_submitted:{item.pk}:{item.department_id}",
                       department_id=item.department_id, title=f"{item.round}未按期报送",
                       reason=f"报送截止日期为{item.due:%Y年%m月%d日}。", source=item)

The same way a 难以按期达标 rule (reachability says an indicator will miss its target) can register under
``"indicator_off_track"``. "Overdue" always means ``due < today`` with ``today`` from
``timezone.localdate()`` (Asia/Shanghai); due today is not overdue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.core.errors import DomainError, PermissionDeniedError
from apps.geo.models import Department
from apps.programs.access import require_manage
from apps.programs.models import Program, ResponsibilityRole
from apps.review.services import workflow_step

from .access import can_respond
from .models import (
    NoticeLevel,
    NoticeStatus,
    Project,
    ProjectStatus,
    SupervisionNotice,
    Task,
    TaskMilestone,
    TaskStatus,
    TaskUnit,
)
from .notice_workflow import (
    NEW,
    NOTICE_WORKFLOW,
    OFFICE_ACTIONS,
    SYSTEM_ACTIONS,
    UNIT_ACTIONS,
    NoticeAction,
)
from .selectors import task_rollups

#: Days a unit has to respond at each level before the notice escalates.
RESPONSE_DAYS = {NoticeLevel.REMIND: 5, NoticeLevel.URGE: 5, NoticeLevel.CIRCULATE: 5}


@dataclass(frozen=True)
class Flag:
    key: str
    department_id: int
    title: str
    reason: str
    source: models.Model | None = None


RuleFunction = Callable[[Program, dt.date], Iterable[Flag]]


@dataclass(frozen=True)
class Rule:
    code: str
    label: str
    function: RuleFunction


RULES: dict[str, Rule] = {}


def register_rule(code: str, label: str) -> Callable[[RuleFunction], RuleFunction]:
    """Register ``function`` as supervision rule ``code``; registering a code twice replaces it."""

    def decorator(function: RuleFunction) -> RuleFunction:
        RULES[code] = Rule(code, label, function)
        return function

    return decorator


def rule_label(code: str) -> str:
    return RULES[code].label if code in RULES else ("人工督办" if code == "manual" else code)


def _cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@register_rule("milestone_overdue", "节点逾期")
def milestones_overdue(program: Program, today: dt.date) -> Iterable[Flag]:
    rollups = task_rollups(program, today=today)  # a group is done when its children are, whatever it stored
    milestones = (TaskMilestone.objects.filter(task__program=program, done_on__isnull=True, due__lt=today)
                  .select_related("task"))
    return _flag_task_leads("milestone_overdue", [
        (m.task_id, m, f"{m.task}：节点「{m.title}」逾期", f"节点时间为{_cn(m.due)}，至今未完成。") for m in milestones
        if rollups[m.task_id].status != TaskStatus.COMPLETED
    ])


@register_rule("task_overdue", "任务逾期")
def tasks_overdue(program: Program, today: dt.date) -> Iterable[Flag]:
    rollups = task_rollups(program, today=today)  # a group's status and per cent come from its children
    tasks = [t for t in Task.objects.filter(program=program, deadline__lt=today)
             if rollups[t.id].status != TaskStatus.COMPLETED]
    return _flag_task_leads("task_overdue", [
        (t.id, t, f"{t}：逾期未完成", f"完成时限为{_cn(t.deadline)}，目前完成{rollups[t.id].percent}%。") for t in tasks
    ])


@register_rule("project_overdue", "项目逾期未完工")
def projects_overdue(program: Program, today: dt.date) -> Iterable[Flag]:
    for project in Project.objects.filter(program=program, end__lt=today).exclude(status=ProjectStatus.COMPLETED):
        yield Flag(
            key=f"project_overdue:{project.pk}:{project.department_id}", department_id=project.department_id,
            title=f"{project.name}：逾期未完工",
            reason=f"计划完工时间为{_cn(project.end)}，目前状态为{project.get_status_display()}、"
                   f"形象进度{project.percent}%。",
            source=project,
        )


def _flag_task_leads(rule: str, items: list[tuple[int, models.Model, str, str]]) -> Iterator[Flag]:
    """A flag of ``rule`` for each (task id, source, title, reason) and each lead unit of that task."""
    leads = _leads({task_id for task_id, *_ in items})
    for task_id, source, title, reason in items:
        for department_id in leads.get(task_id, []):
            yield Flag(key=f"{rule}:{source.pk}:{department_id}", department_id=department_id, title=title,
                       reason=reason, source=source)


def _leads(task_ids: set[int]) -> dict[int, list[int]]:
    result: dict[int, list[int]] = {}
    rows = TaskUnit.objects.filter(task_id__in=task_ids, role=ResponsibilityRole.LEAD).order_by("order", "id")
    for task_id, department_id in rows.values_list("task_id", "department_id"):
        result.setdefault(task_id, []).append(department_id)
    return result


@dataclass
class RunResult:
    issued: int = 0
    escalated: int = 0
    resolved: int = 0


@transaction.atomic
def supervision_run(*, program: Program, today: dt.date | None = None, rules: Iterable[str] | None = None
                    ) -> RunResult:
    """Apply every registered rule (or those named) and escalate overdue notices; safe to run again."""
    today = today or timezone.localdate()
    result = RunResult()
    for code in list(rules) if rules is not None else list(RULES):
        rule = RULES[code]
        flags = {flag.key: flag for flag in rule.function(program, today)}
        known = set(SupervisionNotice.objects.filter(key__in=flags).values_list("key", flat=True))
        for key, flag in flags.items():
            if key not in known:
                _issue(program=program, flag=flag, rule=code, today=today)
                result.issued += 1
        gone = (SupervisionNotice.objects.filter(program=program, rule=code)
                .exclude(status=NoticeStatus.CLOSED).exclude(key__isnull=True).exclude(key__in=flags))
        for notice in gone:
            notice_transition(notice=notice, action=NoticeAction.RESOLVE, actor=None,
                              comment="督办事项已完成，系统自动办结。", today=today)
            result.resolved += 1
    result.escalated = notices_escalate(program=program, today=today)
    return result


def _response_due(today: dt.date, level: int) -> dt.date:
    return today + dt.timedelta(days=RESPONSE_DAYS[NoticeLevel(level)])


def _issue(*, program: Program, flag: Flag, rule: str, today: dt.date, actor: User=None,
           level: int = NoticeLevel.REMIND, response_due: dt.date | None = None) -> SupervisionNotice:
    """Create the notice before its first move and apply ``issue`` to it (status → open, one event)."""
    source_type = ContentType.objects.get_for_model(type(flag.source)) if flag.source is not None else None
    notice = SupervisionNotice.objects.create(
        program=program, department_id=flag.department_id, rule=rule, key=flag.key or None, title=flag.title,
        reason=flag.reason, level=level, status=NEW, version=0, issued_on=today,
        response_due=response_due or _response_due(today, level),
        source_type=source_type, source_id=flag.source.pk if flag.source is not None else None, created_by=actor,
    )
    notice_transition(notice=notice, action=NoticeAction.ISSUE, actor=actor, comment=flag.reason, today=today)
    return notice


def notices_escalate(*, program: Program, today: dt.date) -> int:
    """Open notices past their response deadline (response_due < today) go up one level."""
    overdue = SupervisionNotice.objects.filter(program=program, status=NoticeStatus.OPEN, response_due__lt=today,
                                               level__lt=NoticeLevel.CIRCULATE)
    count = 0
    for notice in overdue:
        notice_transition(notice=notice, action=NoticeAction.ESCALATE, actor=None, today=today)
        count += 1
    return count


@transaction.atomic
def notice_transition(*, notice: SupervisionNotice, action: str, actor: User, comment: str = "",
                      expected_version: int | None = None, today: dt.date | None = None) -> SupervisionNotice:
    """Apply ``action`` to ``notice``: the only writer of a notice's status (and level, on escalation).

    Checks who may act (the addressed unit responds; the office issues, reopens and closes; the daily run,
    with no actor, issues, escalates and resolves), the text a move needs and the move itself; then locks the
    row, checks ``expected_version`` and records one event with the level and the business date.
    """
    if action not in NoticeAction.values:
        raise DomainError(f"未知操作「{action}」。")
    action = NoticeAction(action)
    if actor is None:
        if action not in SYSTEM_ACTIONS:
            raise PermissionDeniedError(f"「{action.label}」须由人员办理。")
    elif action in UNIT_ACTIONS:
        if not can_respond(actor, notice):
            raise PermissionDeniedError("只有被督办单位可以答复。")
    elif action in OFFICE_ACTIONS:
        require_manage(actor, notice.program)
    else:
        raise PermissionDeniedError(f"「{action.label}」由系统每日执行。")
    comment = NOTICE_WORKFLOW.checked_comment(action, comment)
    today = today or timezone.localdate()
    current = SupervisionNotice.objects.select_for_update().only("status", "level", "version").get(pk=notice.pk)
    if current.status == NoticeStatus.CLOSED:
        raise DomainError("该督办已办结。")
    changes: dict[str, object] = {}
    if action == NoticeAction.ESCALATE:
        level = min(current.level + 1, NoticeLevel.CIRCULATE)
        changes = {"level": level, "response_due": _response_due(today, level)}
        comment = (f"逾期未答复，升级为「{NoticeLevel(level).label}」，"
                   f"答复期限{_cn(_response_due(today, level))}。")
    elif action == NoticeAction.REOPEN:
        changes = {"response_due": _response_due(today, current.level)}
        comment = f"答复不符合要求，请重新答复：{comment}"
    elif action == NoticeAction.CLOSE:
        comment = comment or "办结。"
    workflow_step(obj=notice, workflow=NOTICE_WORKFLOW, action=action, actor=actor, comment=comment,
                  expected_version=expected_version, changes=changes,
                  data={"level": changes.get("level", current.level), "on": today.isoformat()})
    return notice


@transaction.atomic
def notice_issue(*, program: Program, department: Department, title: str, reason: str, actor: User,
                 level: int = NoticeLevel.REMIND, response_due: dt.date | None = None,
                 today: dt.date | None = None) -> SupervisionNotice:
    """The office issues a notice by hand (no rule, no key)."""
    require_manage(actor, program)
    today = today or timezone.localdate()
    if not department.region.path.startswith(program.region.path):
        raise DomainError("该单位不属于本创建工作。")
    if not title.strip():
        raise DomainError("请填写督办事项。")
    if level not in NoticeLevel.values:
        raise DomainError("督办等级无效。")
    if response_due is not None and response_due < today:
        raise DomainError("答复期限不能早于今天。")
    return _issue(program=program, flag=Flag(key="", department_id=department.id, title=title.strip(),
                                              reason=reason.strip()),
                  rule="manual", today=today, actor=actor, level=level, response_due=response_due)


def notice_respond(*, notice: SupervisionNotice, actor: User, text: str, today: dt.date | None = None,
                   expected_version: int | None = None) -> SupervisionNotice:
    """The responsible unit answers (what was done, when it will be finished); escalation stops."""
    return notice_transition(notice=notice, action=NoticeAction.RESPOND, actor=actor, comment=text, today=today,
                             expected_version=expected_version)


def notice_close(*, notice: SupervisionNotice, actor: User, text: str = "", reopen: bool = False,
                 today: dt.date | None = None, expected_version: int | None = None) -> SupervisionNotice:
    """The office closes a notice (办结) or, with ``reopen``, sends the response back (status open again)."""
    return notice_transition(notice=notice, action=NoticeAction.REOPEN if reopen else NoticeAction.CLOSE,
                             actor=actor, comment=text, today=today, expected_version=expected_version)
