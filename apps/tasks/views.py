"""HTML pages for tasks, projects, supervision, the inbox and the timeline: fetch-and-authorize, call, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.downloads import xlsx_response
from apps.core.web import back_to, cleaned, page, query_int
from apps.geo.access import access_department, home_department
from apps.geo.models import Department
from apps.programs.access import access_program, can_manage_program
from apps.programs.models import Program
from apps.programs.web import manager_form
from apps.review.services import review_history
from apps.review.workflow import EDITABLE, ReviewAction, allowed_actions
from apps.staging.models import StagedImport
from apps.staging.web import StagedImportStep, staged_import_page, when_committed

from . import imports, selectors, services, supervision
from .access import (
    access_notice,
    access_progress,
    access_task,
    can_respond,
    can_view_task,
    progress_department,
)
from .exports import render_project_xlsx, render_task_xlsx
from .forms import NoticeIssueForm, NoticeStepForm, ProgressForm, ProgressTransitionForm
from .models import NoticeLevel, NoticeStatus, ProjectYear

# --- tasks -------------------------------------------------------------------------------------


@page
def task_list(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_program(request.user, program_id)
    rows = selectors.task_rows(request.user, program)
    return render(request, "tasks/task_list.html", {
        "program": program, "sections": selectors.task_sections(rows), "counts": selectors.task_counts(rows),
        "can_manage": can_manage_program(request.user, program), "today": timezone.localdate(),
    })


@page
def task_detail(request: HttpRequest, program_id: int, task_id: int) -> HttpResponse:
    program = access_program(request.user, program_id)
    task = access_task(request.user, program, task_id)
    updates = list(selectors.task_progress_list(task))
    for update in updates:
        update.history = list(review_history(update))
        update.actions = [a for a in allowed_actions(update.status)
                          if (a == "submit" and update.review_can_report(request.user))
                          or (a != "submit" and update.review_can_review(request.user))]
        update.editable = update.status in EDITABLE and update.review_can_report(request.user)
    units = list(task.units.select_related("department"))
    today = timezone.localdate()
    group = selectors.task_group(request.user, program, task, today=today)
    return render(request, "tasks/task_detail.html", {
        "program": program, "task": task, "units": units, "updates": updates, "today": today,
        "milestones": [(m, m.is_overdue(today)) for m in task.milestones.all()],
        "rollup": group.rollup, "group": group, "overdue": group.rollup.overdue,
        "parent_open": task.parent is not None and can_view_task(request.user, task.parent),
        "can_report": not group.rollup.is_group and progress_department(request.user, task) is not None,
        "can_manage": can_manage_program(request.user, program),
        "notices": selectors.notice_queryset(request.user, program).filter(source_id=task.id, rule="task_overdue"),
    })


_task_back = back_to("task", "program_id", "task_id")


@require_POST
@page(back="task")
def progress_create(request: HttpRequest, program_id: int, task_id: int) -> HttpResponse:
    program = access_program(request.user, program_id)
    task = access_task(request.user, program, task_id)
    data = cleaned(ProgressForm(request.POST, request.FILES))
    services.task_progress_create(task=task, actor=request.user, narrative=data["narrative"],
                                  percent=data["percent"], files=data["files"], submit=data["submit"])
    messages.success(request, _("已保存进展。"))
    return redirect("task", program_id=program.id, task_id=task.id)


@require_POST
@page(back=_task_back)
def progress_transition(request: HttpRequest, program_id: int, task_id: int, progress_id: int) -> HttpResponse:
    program = access_program(request.user, program_id)
    progress = access_progress(request.user, program, task_id, progress_id)
    data = cleaned(ProgressTransitionForm(request.POST))
    if data["narrative"]:  # the reporter's edited update, resubmitted in the same step
        services.task_progress_edit(progress=progress, actor=request.user, narrative=data["narrative"],
                                    percent=data["percent"], expected_version=data["version"],
                                    submit=data["action"] == ReviewAction.SUBMIT)
    else:
        services.task_progress_transition(progress=progress, action=data["action"], actor=request.user,
                                          comment=data["comment"], expected_version=data["version"])
    messages.success(request, _("操作成功。"))
    return redirect("task", program_id=program.id, task_id=task_id)


@page
def task_export(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_program(request.user, program_id)
    tasks = selectors.task_list(request.user, program)
    return xlsx_response(render_task_xlsx(f"{program.name}任务清单", tasks), f"{program.name}任务清单.xlsx")


@page
def task_import(request: HttpRequest, program_id: int) -> HttpResponse:
    return _import(request, program_id, "tasks")


def _import(request: HttpRequest, program_id: int, kind: str) -> HttpResponse:
    """The task or project list import: upload → preview (old → new per changed column, or row errors) →
    confirm → commit; ``kind`` (tasks/projects) is also the list page it returns to."""
    label = _("任务清单") if kind == "tasks" else _("项目清单")
    program = access_program(request.user, program_id, manage=True)

    def committed(staged: StagedImport) -> HttpResponse:
        messages.success(request, _("导入%(list)s：新增 %(created)s 条，更新 %(updated)s 条，%(unchanged)s 条无变化。")
                         % {"list": label, **staged.result})
        return redirect(kind, program_id=program.id)

    step = StagedImportStep(kind=imports.TASKS if kind == "tasks" else imports.PROJECTS, program=program,
                            actor=request.user)
    return staged_import_page(request, step, template="tasks/import.html",
                              context={"program": program, "label": label, "kind": kind}, done=when_committed(committed))


# --- projects ----------------------------------------------------------------------------------


@page
def project_list(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_program(request.user, program_id)
    today = timezone.localdate()
    projects = list(selectors.project_queryset(request.user, program))
    for project in projects:
        project.late = project.is_late(today)
        years = list(project.years.all())
        project.completed_total = sum((y.completed for y in years), start=0)
    return render(request, "tasks/project_list.html", {
        "program": program, "projects": projects, "summary": selectors.project_summary(request.user, program),
        "can_manage": can_manage_program(request.user, program),
    })


@page
def project_export(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_program(request.user, program_id)
    projects = selectors.project_queryset(request.user, program)
    years = sorted(set(ProjectYear.objects.filter(project__in=projects).values_list("year", flat=True)))
    return xlsx_response(render_project_xlsx(f"{program.name}项目清单", projects, years), f"{program.name}项目清单.xlsx")


@page
def project_import(request: HttpRequest, program_id: int) -> HttpResponse:
    return _import(request, program_id, "projects")


# --- supervision -------------------------------------------------------------------------------


@page
def notice_list(request: HttpRequest, program_id: int) -> HttpResponse:
    program, can_manage, form, notice = manager_form(
        request, program_id, NoticeIssueForm, _("只有生态办管理员可以下发督办。"),
        lambda program, data: _notice_issue(request, program, data))
    if notice is not None:
        messages.success(request, _("已下发督办通知。"))
        return redirect("notices", program_id=program.id)
    show_all = request.GET.get("all") == "1"
    notices = list(selectors.notice_queryset(request.user, program, open_only=not show_all))
    for notice in notices:
        notice.rule_text = supervision.rule_label(notice.rule)
    return render(request, "tasks/notice_list.html", {
        "program": program, "notices": notices, "show_all": show_all, "can_manage": can_manage, "form": form,
        "levels": NoticeLevel.choices, "counts": selectors.open_notice_counts(program, request.user),
        "departments": Department.objects.filter(region__path__startswith=program.region.path) if can_manage else [],
    })


def _notice_issue(request: HttpRequest, program: Program, data: dict) -> object:
    return supervision.notice_issue(
        program=program, department=access_department(request.user, data["department"]), title=data["title"],
        reason=data["reason"], actor=request.user, level=data["level"], response_due=data["response_due"])


@page
def notice_detail(request: HttpRequest, program_id: int, notice_id: int) -> HttpResponse:
    program = access_program(request.user, program_id)
    notice = access_notice(request.user, program, notice_id)
    if request.method == "POST":
        data = cleaned(NoticeStepForm(request.POST))
        supervision.notice_transition(notice=notice, action=data["action"], actor=request.user,
                                      comment=data["text"], expected_version=data["version"])
        messages.success(request, _("已记录。"))
        return redirect("notice", program_id=program.id, notice_id=notice.id)
    return render(request, "tasks/notice_detail.html", {
        "program": program, "notice": notice, "events": selectors.notice_events(notice),
        "can_respond": can_respond(request.user, notice) and notice.status != NoticeStatus.CLOSED,
        "can_manage": can_manage_program(request.user, program) and notice.status != NoticeStatus.CLOSED,
        "rule": supervision.rule_label(notice.rule),
    })


# --- inbox and timeline ------------------------------------------------------------------------


@page
def inbox(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_program(request.user, program_id)
    department_id = query_int(request, "department", low=1) or getattr(home_department(request.user, program.id), "id",
                                                                        None)
    if not department_id:
        return render(request, "tasks/inbox_pick.html", {
            "program": program,
            "departments": Department.objects.filter(region__path__startswith=program.region.path),
        })
    department = access_department(request.user, int(department_id))
    return render(request, "tasks/inbox.html", {"program": program,
                                                "inbox": selectors.department_inbox(program, department)})


@page
def timeline_page(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_program(request.user, program_id)
    return render(request, "tasks/timeline.html", {"program": program,
                                                   "timeline": selectors.timeline(request.user, program)})
