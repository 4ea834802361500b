"""Tasks, projects, supervision, inbox and timeline as JSON; same permission checks as the pages."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from apps.accounts.models import User
from apps.core.downloads import xlsx_response
from apps.core.errors import DomainError
from apps.core.uploads import check_upload
from apps.evidence.models import EVIDENCE_KINDS
from apps.geo.access import access_department, home_department
from apps.programs.access import access_program, require_manage
from apps.programs.models import Program
from apps.review.schemas import TransitionIn
from apps.staging.web import staged_import_routes

from . import imports, schemas, selectors, services, supervision
from .access import access_notice, access_progress, access_task
from .exports import render_project_xlsx, render_task_xlsx
from .models import ProjectYear, TaskProgress

router = Router(tags=["任务、项目与督办"])


@router.get("/programs/{program_id}/tasks", response=list[schemas.TaskOut], summary="任务清单（联络员只看本单位任务）")
def list_tasks(request, program_id: int):
    program = access_program(request.user, program_id)
    return selectors.task_list(request.user, program)


@router.get("/programs/{program_id}/tasks.xlsx", summary="导出任务清单 xlsx")
def export_tasks(request, program_id: int):
    program = access_program(request.user, program_id)
    tasks = selectors.task_list(request.user, program)
    data = render_task_xlsx(f"{program.name}任务清单", tasks)
    return xlsx_response(data, f"tasks-{program.id}.xlsx")


def _manage(user: User, program_id: int) -> Program:
    return access_program(user, program_id, manage=True)


staged_import_routes(router, "/programs/{program_id}/tasks/import", kind=imports.TASKS, label="任务清单",
                     access=_manage)


@router.get("/programs/{program_id}/tasks/{task_id}", response=schemas.TaskDetailOut, summary="任务详情、节点与进展")
def get_task(request, program_id: int, task_id: int):
    program = access_program(request.user, program_id)
    task = access_task(request.user, program, task_id)
    return selectors.with_group(request.user, program, task)


@router.post("/programs/{program_id}/tasks/{task_id}/progress", response={201: schemas.ProgressOut},
             summary="填报任务进展（multipart：narrative, percent, submit, evidence 文件可多个）")
def create_progress(request, program_id: int, task_id: int, narrative: Form[str], percent: Form[int],
                    submit: Form[bool] = False, evidence: File[list[UploadedFile]] = None):
    program = access_program(request.user, program_id)
    task = access_task(request.user, program, task_id)
    files = [check_upload(f, allowed=EVIDENCE_KINDS) for f in (evidence or [])]
    progress = services.task_progress_create(task=task, actor=request.user, narrative=narrative, percent=percent,
                                             files=files, submit=submit)
    return Status(201, progress)


def _access_progress(request: HttpRequest, program_id: int, task_id: int, progress_id: int) -> TaskProgress:
    return access_progress(request.user, access_program(request.user, program_id), task_id, progress_id)


@router.put("/programs/{program_id}/tasks/{task_id}/progress/{progress_id}", response=schemas.ProgressOut,
            summary="修改草稿或被退回的进展；submit=true 时在同一事务中（重新）提交")
def edit_progress(request, program_id: int, task_id: int, progress_id: int, payload: schemas.ProgressEditIn):
    progress = _access_progress(request, program_id, task_id, progress_id)
    return services.task_progress_edit(progress=progress, actor=request.user, **payload.dict())


@router.post("/programs/{program_id}/tasks/{task_id}/progress/{progress_id}/transition", response=schemas.ProgressOut,
             summary="进展提交 / 审核通过 / 退回 / 重新打开；审核通过后更新任务完成比例与状态")
def transition_progress(request, program_id: int, task_id: int, progress_id: int, payload: TransitionIn):
    progress = _access_progress(request, program_id, task_id, progress_id)
    return services.task_progress_transition(progress=progress, actor=request.user, **payload.dict())


# --- projects ----------------------------------------------------------------------------------


@router.get("/programs/{program_id}/projects", response=list[schemas.ProjectOut], summary="项目清单（金额单位：万元）")
def list_projects(request, program_id: int):
    program = access_program(request.user, program_id)
    return list(selectors.project_queryset(request.user, program))


@router.get("/programs/{program_id}/projects/summary", response=schemas.SummaryOut, summary="项目汇总：按类别、县区、年度、资金来源")
def project_summary(request, program_id: int):
    program = access_program(request.user, program_id)
    return selectors.project_summary(request.user, program)


staged_import_routes(router, "/programs/{program_id}/projects/import", kind=imports.PROJECTS, label="项目清单",
                     access=_manage)


@router.get("/programs/{program_id}/projects.xlsx", summary="导出项目清单 xlsx（万元）")
def export_projects(request, program_id: int):
    program = access_program(request.user, program_id)
    projects = selectors.project_queryset(request.user, program)
    years = sorted(set(ProjectYear.objects.filter(project__in=projects).values_list("year", flat=True)))
    return xlsx_response(render_project_xlsx(f"{program.name}项目清单", projects, years), f"projects-{program.id}.xlsx")


# --- supervision -------------------------------------------------------------------------------


@router.get("/programs/{program_id}/notices", response=list[schemas.NoticeOut], summary="督办通知（联络员只看本单位）")
def list_notices(request, program_id: int, open_only: bool = False):
    program = access_program(request.user, program_id)
    return list(selectors.notice_queryset(request.user, program, open_only=open_only))


@router.post("/programs/{program_id}/notices", response={201: schemas.NoticeDetailOut}, summary="生态办人工下发督办")
def issue_notice(request, program_id: int, payload: schemas.NoticeIn):
    program = access_program(request.user, program_id, manage=True)
    department = access_department(request.user, payload.department_id)
    notice = supervision.notice_issue(program=program, department=department, title=payload.title,
                                      reason=payload.reason, level=payload.level, response_due=payload.response_due,
                                      actor=request.user)
    return Status(201, notice)


@router.get("/programs/{program_id}/notices/{notice_id}", response=schemas.NoticeDetailOut, summary="督办详情与办理记录")
def get_notice(request, program_id: int, notice_id: int):
    program = access_program(request.user, program_id)
    return access_notice(request.user, program, notice_id)


@router.post("/programs/{program_id}/notices/{notice_id}/respond", response=schemas.NoticeDetailOut, summary="被督办单位答复")
def respond_notice(request, program_id: int, notice_id: int, payload: schemas.TextIn):
    program = access_program(request.user, program_id)
    notice = access_notice(request.user, program, notice_id)
    return supervision.notice_respond(notice=notice, actor=request.user, text=payload.text)


@router.post("/programs/{program_id}/notices/{notice_id}/close", response=schemas.NoticeDetailOut,
             summary="生态办办结（reopen=true 退回重新答复）")
def close_notice(request, program_id: int, notice_id: int, payload: schemas.TextIn, reopen: bool = False):
    program = access_program(request.user, program_id)
    notice = access_notice(request.user, program, notice_id)
    return supervision.notice_close(notice=notice, actor=request.user, text=payload.text, reopen=reopen)


@router.post("/programs/{program_id}/notices/{notice_id}/transition", response=schemas.NoticeDetailOut,
             summary="督办答复（respond）/ 退回重新答复（reopen）/ 办结（close）；comment 为答复或意见")
def transition_notice(request, program_id: int, notice_id: int, payload: TransitionIn):
    program = access_program(request.user, program_id)
    notice = access_notice(request.user, program, notice_id)
    return supervision.notice_transition(notice=notice, action=payload.action, actor=request.user,
                                         comment=payload.comment, expected_version=payload.expected_version)


@router.post("/programs/{program_id}/supervision/run", response=schemas.RunOut, summary="立即运行督办规则（幂等）")
def run_supervision(request, program_id: int):
    program: Program = access_program(request.user, program_id)
    require_manage(request.user, program)
    return supervision.supervision_run(program=program)


# --- inbox and timeline ------------------------------------------------------------------------


@router.get("/programs/{program_id}/inbox", response=schemas.InboxOut,
            summary="单位待办：未完成任务、被退回的进展、未办结督办、待报送事项（联络员默认本单位）")
def get_inbox(request, program_id: int, department_id: int | None = None):
    program = access_program(request.user, program_id)
    department_id = department_id or getattr(home_department(request.user, program.id), "id", None)
    if not department_id:
        raise DomainError("请指定单位（department_id）。")
    department = access_department(request.user, department_id)
    return selectors.department_inbox(program, department)


@router.get("/programs/{program_id}/timeline", response=schemas.TimelineOut, summary="进度计划：阶段、节点与任务")
def get_timeline(request, program_id: int):
    program = access_program(request.user, program_id)
    return selectors.timeline(request.user, program)
