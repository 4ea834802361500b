"""Tasks, projects, supervision, inbox and timeline as JSON; same permission checks as the pages."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from apps.core.downloads import xlsx_response
from apps.core.errors import DomainError, NotFoundError
from apps.core.uploads import check_upload
from apps.evidence.models import EVIDENCE_KINDS
from apps.geo.access import access_department, home_department
from apps.programs.access import access_program
from apps.programs.models import Program
from apps.review.schemas import TransitionIn
from apps.review.services import review_history
from apps.staging.services import staged_import_upload_and_commit

from . import imports, selectors, services, supervision
from .access import access_notice, access_task, require_manage
from .exports import render_project_xlsx, render_task_xlsx
from .models import ProjectYear, SupervisionNotice, Task, TaskProgress
from .schemas import (
    ImportOut,
    InboxOut,
    NoticeDetailOut,
    NoticeIn,
    NoticeOut,
    ProgressEditIn,
    ProgressOut,
    ProjectOut,
    RunOut,
    SummaryOut,
    TaskDetailOut,
    TaskOut,
    TextIn,
    TimelineOut,
)

router = Router(tags=["任务、项目与督办"])


def _units(task: Task, role: str) -> list[dict]:
    return [{"id": u.department_id, "name": u.department.name} for u in task.units.all() if u.role == role]


def _task(task: Task, today: dt.date) -> dict:
    return {"id": task.id, "parent_id": task.parent_id, "level": task.level, "number": task.number,
            "title": task.title, "deadline": task.deadline, "deadline_text": task.deadline_text,
            "status": task.status, "percent": task.percent, "overdue": task.is_overdue(today),
            "leads": _units(task, "lead"), "cooperators": _units(task, "cooperate")}


def _progress(progress: TaskProgress, *, history: bool = False) -> dict:
    evidence = list(progress.evidence.all())
    data = {"id": progress.id, "task_id": progress.task_id, "department_id": progress.department_id,
            "narrative": progress.narrative, "percent": progress.percent, "status": progress.status,
            "version": progress.version, "evidence": [e.original_name for e in evidence],
            "evidence_files": [{"id": e.id, "name": e.original_name, "url": reverse("evidence_download", args=[e.id])}
                               for e in evidence]}
    if history:
        data["history"] = [{"action": e.action, "old_status": e.old_status, "new_status": e.new_status,
                            "comment": e.comment, "actor": str(e.actor), "at": e.at} for e in review_history(progress)]
    return data


def _today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()


@router.get("/programs/{program_id}/tasks", response=list[TaskOut], summary="任务清单（联络员只看本单位任务）")
def list_tasks(request, program_id: int):
    program = access_program(request.user, program_id)
    today = _today()
    return [_task(t, today) for t in selectors.task_queryset(request.user, program)]


@router.get("/programs/{program_id}/tasks.xlsx", summary="导出任务清单 xlsx")
def export_tasks(request, program_id: int):
    program = access_program(request.user, program_id)
    data = render_task_xlsx(f"{program.name}任务清单", selectors.task_queryset(request.user, program))
    return xlsx_response(data, f"tasks-{program.id}.xlsx")


def _list_import(kind: str, program: Program, actor, file: UploadedFile) -> dict[str, int]:  # noqa: ANN001
    """A small sheet: checked and committed (as an inline job) in the request, so the answer has the counts."""
    checked = check_upload(file, allowed={"xlsx"})
    return staged_import_upload_and_commit(kind=kind, program=program, actor=actor, checked=checked,
                                           backend="inline").result


@router.post("/programs/{program_id}/tasks/import", response=ImportOut,
             summary="导入任务清单 xlsx；任一行有错误则不写入（400，errors 列出行与列）")
def import_tasks(request, program_id: int, file: File[UploadedFile]):
    program = access_program(request.user, program_id, manage=True)
    return _list_import(imports.TASKS, program, request.user, file)


@router.get("/programs/{program_id}/tasks/{task_id}", response=TaskDetailOut, summary="任务详情、节点与进展")
def get_task(request, program_id: int, task_id: int):
    program = access_program(request.user, program_id)
    task = access_task(request.user, program, task_id)
    today = _today()
    return {**_task(task, today), "description": task.description,
            "milestones": [{"id": m.id, "title": m.title, "due": m.due, "done_on": m.done_on,
                            "overdue": m.is_overdue(today)} for m in task.milestones.all()],
            "indicator_ids": list(task.indicators.values_list("id", flat=True)),
            "progress": [_progress(p, history=True) for p in selectors.task_progress_list(task)]}


@router.post("/programs/{program_id}/tasks/{task_id}/progress", response={201: ProgressOut},
             summary="填报任务进展（multipart：narrative, percent, submit, evidence 文件可多个）")
def create_progress(request, program_id: int, task_id: int, narrative: Form[str], percent: Form[int],
                    submit: Form[bool] = False, evidence: File[list[UploadedFile]] = None):  # noqa: B008
    program = access_program(request.user, program_id)
    task = access_task(request.user, program, task_id)
    files = [check_upload(f, allowed=EVIDENCE_KINDS) for f in (evidence or [])]
    progress = services.task_progress_create(task=task, actor=request.user, narrative=narrative, percent=percent,
                                             files=files, submit=submit)
    return Status(201, _progress(progress))


def _access_progress(request, program_id: int, task_id: int, progress_id: int) -> TaskProgress:  # noqa: ANN001
    program = access_program(request.user, program_id)
    task = access_task(request.user, program, task_id)
    progress = task.progress_updates.filter(pk=progress_id).first()
    if progress is None:
        raise NotFoundError("进展不存在。")
    return progress


@router.put("/programs/{program_id}/tasks/{task_id}/progress/{progress_id}", response=ProgressOut,
            summary="修改草稿或被退回的进展；submit=true 时在同一事务中（重新）提交")
def edit_progress(request, program_id: int, task_id: int, progress_id: int, payload: ProgressEditIn):
    progress = _access_progress(request, program_id, task_id, progress_id)
    services.task_progress_edit(progress=progress, actor=request.user, narrative=payload.narrative,
                                percent=payload.percent, expected_version=payload.expected_version,
                                submit=payload.submit)
    return _progress(progress)


@router.post("/programs/{program_id}/tasks/{task_id}/progress/{progress_id}/transition", response=ProgressOut,
             summary="进展提交 / 审核通过 / 退回 / 重新打开；审核通过后更新任务完成比例与状态")
def transition_progress(request, program_id: int, task_id: int, progress_id: int, payload: TransitionIn):
    progress = _access_progress(request, program_id, task_id, progress_id)
    services.task_progress_transition(progress=progress, action=payload.action, actor=request.user,
                                      comment=payload.comment, expected_version=payload.expected_version)
    return _progress(progress)


# --- projects ----------------------------------------------------------------------------------


@router.get("/programs/{program_id}/projects", response=list[ProjectOut], summary="项目清单（金额单位：万元）")
def list_projects(request, program_id: int):
    program = access_program(request.user, program_id)
    today = _today()
    return [
        {"id": p.id, "number": p.number, "name": p.name, "category": p.category.name, "region_id": p.region_id,
         "region": p.region.name, "location": p.location, "department_id": p.department_id,
         "department": p.department.name, "start": p.start, "end": p.end, "total_investment_wan": p.total_investment,
         "total_investment_yi": selectors.yi(p.total_investment), "status": p.status, "percent": p.percent,
         "late": p.is_late(today),
         "funding": [{"source": f.source, "label": f.get_source_display(), "amount_wan": f.amount}
                     for f in p.funding.all()],
         "years": [{"year": y.year, "planned_wan": y.planned, "completed_wan": y.completed} for y in p.years.all()]}
        for p in selectors.project_queryset(request.user, program)
    ]


@router.get("/programs/{program_id}/projects/summary", response=SummaryOut, summary="项目汇总：按类别、县区、年度、资金来源")
def project_summary(request, program_id: int):
    program = access_program(request.user, program_id)
    s = selectors.project_summary(request.user, program)

    def lines(items: list[selectors.SummaryLine]) -> list[dict]:
        return [{"label": i.label, "count": i.count, "total_wan": i.total, "planned_wan": i.planned,
                 "completed_wan": i.completed} for i in items]

    return {"headline": s.headline, "count": s.count, "total_wan": s.total, "total_yi": selectors.yi(s.total),
            "completed_wan": s.completed, "completed_yi": selectors.yi(s.completed), "late": s.late,
            "by_category": lines(s.by_category), "by_region": lines(s.by_region), "by_year": lines(s.by_year),
            "by_source": lines(s.by_source)}


@router.post("/programs/{program_id}/projects/import", response=ImportOut,
             summary="导入项目清单 xlsx（总投资（万元）或（亿元））；任一行有错误则不写入")
def import_projects(request, program_id: int, file: File[UploadedFile]):
    program = access_program(request.user, program_id, manage=True)
    return _list_import(imports.PROJECTS, program, request.user, file)


@router.get("/programs/{program_id}/projects.xlsx", summary="导出项目清单 xlsx（万元）")
def export_projects(request, program_id: int):
    program = access_program(request.user, program_id)
    projects = selectors.project_queryset(request.user, program)
    years = sorted(set(ProjectYear.objects.filter(project__in=projects).values_list("year", flat=True)))
    return xlsx_response(render_project_xlsx(f"{program.name}项目清单", projects, years), f"projects-{program.id}.xlsx")


# --- supervision -------------------------------------------------------------------------------


def _notice(n: SupervisionNotice) -> dict:
    return {"id": n.id, "department_id": n.department_id, "department": n.department.name, "rule": n.rule,
            "title": n.title, "reason": n.reason, "level": n.level, "level_label": n.get_level_display(),
            "colour": n.colour, "status": n.status, "version": n.version, "issued_on": n.issued_on,
            "response_due": n.response_due}


def _notice_detail(n: SupervisionNotice) -> dict:
    return {**_notice(n), "events": [{"action": e.action, "kind": e.kind, "level": e.level, "text": e.text,
                                      "on": e.on, "actor": str(e.actor) if e.actor else None}
                                     for e in selectors.notice_events(n)]}


@router.get("/programs/{program_id}/notices", response=list[NoticeOut], summary="督办通知（联络员只看本单位）")
def list_notices(request, program_id: int, open_only: bool = False):
    program = access_program(request.user, program_id)
    return [_notice(n) for n in selectors.notice_queryset(request.user, program, open_only=open_only)]


@router.post("/programs/{program_id}/notices", response={201: NoticeDetailOut}, summary="生态办人工下发督办")
def issue_notice(request, program_id: int, payload: NoticeIn):
    program = access_program(request.user, program_id, manage=True)
    department = access_department(request.user, payload.department_id)
    notice = supervision.notice_issue(program=program, department=department, title=payload.title,
                                      reason=payload.reason, level=payload.level, response_due=payload.response_due,
                                      actor=request.user)
    return Status(201, _notice_detail(notice))


@router.get("/programs/{program_id}/notices/{notice_id}", response=NoticeDetailOut, summary="督办详情与办理记录")
def get_notice(request, program_id: int, notice_id: int):
    program = access_program(request.user, program_id)
    return _notice_detail(access_notice(request.user, program, notice_id))


@router.post("/programs/{program_id}/notices/{notice_id}/respond", response=NoticeDetailOut, summary="被督办单位答复")
def respond_notice(request, program_id: int, notice_id: int, payload: TextIn):
    program = access_program(request.user, program_id)
    notice = access_notice(request.user, program, notice_id)
    return _notice_detail(supervision.notice_respond(notice=notice, actor=request.user, text=payload.text))


@router.post("/programs/{program_id}/notices/{notice_id}/close", response=NoticeDetailOut,
             summary="生态办办结（reopen=true 退回重新答复）")
def close_notice(request, program_id: int, notice_id: int, payload: TextIn, reopen: bool = False):
    program = access_program(request.user, program_id)
    notice = access_notice(request.user, program, notice_id)
    return _notice_detail(supervision.notice_close(notice=notice, actor=request.user, text=payload.text,
                                                   reopen=reopen))


@router.post("/programs/{program_id}/notices/{notice_id}/transition", response=NoticeDetailOut,
             summary="督办答复（respond）/ 退回重新答复（reopen）/ 办结（close）；comment 为答复或意见")
def transition_notice(request, program_id: int, notice_id: int, payload: TransitionIn):
    program = access_program(request.user, program_id)
    notice = access_notice(request.user, program, notice_id)
    return _notice_detail(supervision.notice_transition(notice=notice, action=payload.action, actor=request.user,
                                                        comment=payload.comment,
                                                        expected_version=payload.expected_version))


@router.post("/programs/{program_id}/supervision/run", response=RunOut, summary="立即运行督办规则（幂等）")
def run_supervision(request, program_id: int):
    program: Program = access_program(request.user, program_id)
    require_manage(request.user, program)
    result = supervision.supervision_run(program=program)
    return {"issued": result.issued, "escalated": result.escalated, "resolved": result.resolved}


# --- inbox and timeline ------------------------------------------------------------------------


@router.get("/programs/{program_id}/inbox", response=InboxOut,
            summary="单位待办：未完成任务、被退回的进展、未办结督办、待报送事项（联络员默认本单位）")
def get_inbox(request, program_id: int, department_id: int | None = None):
    program = access_program(request.user, program_id)
    department_id = department_id or getattr(home_department(request.user, program.id), "id", None)
    if not department_id:
        raise DomainError("请指定单位（department_id）。")
    department = access_department(request.user, department_id)
    inbox = selectors.department_inbox(program, department)
    return {"department_id": department.id, "department": department.name,
            "tasks": [{"id": t.id, "number": t.number, "title": t.title, "deadline": t.deadline,
                       "percent": t.percent, "overdue": t.overdue} for t in inbox.tasks],
            "returned_progress": [_progress(p) for p in inbox.returned],
            "notices": [_notice(n) for n in inbox.notices],
            "due_reports": [vars(r) for r in inbox.due_reports]}


@router.get("/programs/{program_id}/timeline", response=TimelineOut, summary="进度计划：阶段、节点与任务")
def get_timeline(request, program_id: int):
    program = access_program(request.user, program_id)
    t = selectors.timeline(request.user, program)
    return {"start": t.start, "end": t.end, "today": t.today,
            "rows": [{"label": b.label, "kind": b.kind, "start": b.start, "end": b.end, "css": b.css, "note": b.note}
                     for b in t.rows]}
