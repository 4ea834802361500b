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
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from apps.core.errors import DomainError, PermissionDeniedError
from apps.geo.models import Department
from apps.programs.models import Program, ResponsibilityRole

from .access import can_respond, require_manage
from .models import (
    NoticeEvent,
    NoticeEventKind,
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
    milestones = (TaskMilestone.objects.filter(task__program=program, done_on__isnull=True, due__lt=today)
                  .exclude(task__status=TaskStatus.COMPLETED).select_related("task"))
    leads = _leads({m.task_id for m in milestones})
    for milestone in milestones:
        for department_id in leads.get(milestone.task_id, []):
            yield Flag(
                key=f"milestone_overdue:{milestone.pk}:{department_id}", department_id=department_id,
                title=f"{milestone.task}：节点「{milestone.title}」逾期",
                reason=f"节点时间为{_cn(milestone.due)}，至今未完成。", source=milestone,
            )


@register_rule("task_overdue", "任务逾期")
def tasks_overdue(program: Program, today: dt.date) -> Iterable[Flag]:
    tasks = list(Task.objects.filter(program=program, deadline__lt=today).exclude(status=TaskStatus.COMPLETED))
    leads = _leads({t.id for t in tasks})
    for task in tasks:
        for department_id in leads.get(task.id, []):
            yield Flag(
                key=f"task_overdue:{task.pk}:{department_id}", department_id=department_id,
                title=f"{task}：逾期未完成",
                reason=f"完成时限为{_cn(task.deadline)}，目前完成{task.percent}%。", source=task,
            )


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
                .exclude(status=NoticeStatus.CLOSED).exclude(key__in=flags).exclude(key__isnull=True))
        for notice in gone:
            _close(notice, NoticeEventKind.RESOLVED, "督办事项已完成，系统自动办结。", None, today)
            result.resolved += 1
    result.escalated = notices_escalate(program=program, today=today)
    return result


def _issue(*, program: Program, flag: Flag, rule: str, today: dt.date, actor=None,  # noqa: ANN001
           level: int = NoticeLevel.REMIND) -> SupervisionNotice:
    source_type = ContentType.objects.get_for_model(type(flag.source)) if flag.source is not None else None
    notice = SupervisionNotice.objects.create(
        program=program, department_id=flag.department_id, rule=rule, key=flag.key or None, title=flag.title,
        reason=flag.reason, level=level, status=NoticeStatus.OPEN, issued_on=today,
        response_due=today + dt.timedelta(days=RESPONSE_DAYS[NoticeLevel(level)]),
        source_type=source_type, source_id=flag.source.pk if flag.source is not None else None, created_by=actor,
    )
    NoticeEvent.objects.create(notice=notice, kind=NoticeEventKind.ISSUED, level=level, on=today, actor=actor,
                               text=flag.reason)
    return notice


def notices_escalate(*, program: Program, today: dt.date) -> int:
    """Open notices past their response deadline (response_due < today) go up one level."""
    count = 0
    overdue = SupervisionNotice.objects.filter(program=program, status=NoticeStatus.OPEN, response_due__lt=today,
                                               level__lt=NoticeLevel.CIRCULATE)
    for notice in overdue.select_for_update():
        notice.level += 1
        notice.response_due = today + dt.timedelta(days=RESPONSE_DAYS[NoticeLevel(notice.level)])
        notice.save(update_fields=["level", "response_due"])
        NoticeEvent.objects.create(
            notice=notice, kind=NoticeEventKind.ESCALATED, level=notice.level, on=today,
            text=f"逾期未答复，升级为「{notice.get_level_display()}」，答复期限{_cn(notice.response_due)}。",
        )
        count += 1
    return count


@transaction.atomic
def notice_issue(*, program: Program, department: Department, title: str, reason: str, actor,  # noqa: ANN001
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
    notice = _issue(program=program, flag=Flag(key="", department_id=department.id, title=title.strip(),
                                                reason=reason.strip()),
                    rule="manual", today=today, actor=actor, level=level)
    if response_due is not None:
        notice.response_due = response_due
        notice.save(update_fields=["response_due"])
    return notice


@transaction.atomic
def notice_respond(*, notice: SupervisionNotice, actor, text: str, today: dt.date | None = None  # noqa: ANN001
                   ) -> SupervisionNotice:
    """The responsible unit answers (what was done, when it will be finished); escalation stops."""
    if not can_respond(actor, notice):
        raise PermissionDeniedError("只有被督办单位可以答复。")
    if notice.status == NoticeStatus.CLOSED:
        raise DomainError("该督办已办结。")
    if not text.strip():
        raise DomainError("请填写答复内容。")
    today = today or timezone.localdate()
    notice.status = NoticeStatus.RESPONDED
    notice.save(update_fields=["status"])
    NoticeEvent.objects.create(notice=notice, kind=NoticeEventKind.RESPONDED, level=notice.level, on=today,
                               actor=actor, text=text.strip())
    return notice


@transaction.atomic
def notice_close(*, notice: SupervisionNotice, actor, text: str = "", reopen: bool = False,  # noqa: ANN001
                 today: dt.date | None = None) -> SupervisionNotice:
    """The office closes a notice (办结) or, with ``reopen``, sends the response back (status open again)."""
    require_manage(actor, notice.program)
    today = today or timezone.localdate()
    if notice.status == NoticeStatus.CLOSED:
        raise DomainError("该督办已办结。")
    if reopen:
        if not text.strip():
            raise DomainError("退回答复须说明理由。")
        notice.status = NoticeStatus.OPEN
        notice.response_due = today + dt.timedelta(days=RESPONSE_DAYS[NoticeLevel(notice.level)])
        notice.save(update_fields=["status", "response_due"])
        NoticeEvent.objects.create(notice=notice, kind=NoticeEventKind.ISSUED, level=notice.level, on=today,
                                   actor=actor, text=f"答复不符合要求，请重新答复：{text.strip()}")
        return notice
    return _close(notice, NoticeEventKind.CLOSED, text.strip() or "办结。", actor, today)


def _close(notice: SupervisionNotice, kind: str, text: str, actor, today: dt.date  # noqa: ANN001
           ) -> SupervisionNotice:
    notice.status = NoticeStatus.CLOSED
    notice.save(update_fields=["status"])
    NoticeEvent.objects.create(notice=notice, kind=kind, level=notice.level, on=today, actor=actor, text=text)
    return notice
