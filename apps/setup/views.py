"""The set-up pages: users and their duties, units, the program with its phases, milestones and county goals.

Each page hangs under a program (for the menu); what it lists and changes is the office's own scope
(``apps.setup.access``), checked again by every service.
"""

from __future__ import annotations

import base64
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.access import access_managed_assignment, access_managed_user, managed_users
from apps.accounts.models import User
from apps.accounts.services import user_password_reset, user_set_active
from apps.core.downloads import xlsx_response
from apps.core.errors import NotFoundError
from apps.core.web import back_to, page, submit
from apps.programs.models import Milestone, Phase, RegionGoal
from apps.staging.models import StagedImport
from apps.staging.web import StagedImportStep, staged_import_page, when_committed
from docimport.users import render_passwords_xlsx

from . import imports, services, user_imports
from .access import (
    access_managed_department,
    access_managed_program,
    access_program_part,
    access_setup,
    managed_departments,
)
from .forms import (
    DepartmentForm,
    DutyForm,
    MilestoneForm,
    PhaseForm,
    ProgramForm,
    RegionGoalForm,
    UserChangeForm,
    UserCreateForm,
)

_back_to_user = back_to("setup_user", "program_id", "user_id")
_back_to_program = back_to("setup_program", "program_id")


@page
def users(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_setup(request.user, program_id)
    form = UserCreateForm(request.POST or None, actor=request.user)
    created = None
    if request.method == "POST":
        created = submit(form, lambda data: services.user_add(actor=request.user, **data))
        if created is not None:
            form = UserCreateForm(actor=request.user)
    people = managed_users(request.user).prefetch_related(
        "assignments__region", "assignments__department", "assignments__program").order_by("username")
    return render(request, "setup/users.html", {
        "program": program, "form": form, "people": people,
        "created": created[0] if created else None, "password": created[1] if created else None,
    })


def _user_page(request: HttpRequest, program_id: int, user_id: int, **extra: Any) -> HttpResponse:
    program = access_setup(request.user, program_id)
    person = access_managed_user(request.user, user_id)
    assignments = person.assignments.select_related("region", "department", "program").order_by("id")
    context = {"program": program, "person": person, "assignments": assignments,
               "form": DutyForm(actor=request.user), "change_form": UserChangeForm(instance=person), **extra}
    return render(request, "setup/user.html", context)


@require_POST
@page(back=_back_to_user)
def user_change(request: HttpRequest, program_id: int, user_id: int) -> HttpResponse:
    person = _managed(request, program_id, user_id)
    form = UserChangeForm(request.POST, instance=User.objects.get(pk=person.pk))
    if submit(form, lambda data: services.user_change(actor=request.user, user=person, **data)) is None:
        return _user_page(request, program_id, user_id, change_form=form)
    messages.success(request, _("已保存。"))
    return redirect("setup_user", program_id=program_id, user_id=user_id)


@page
def users_export(request: HttpRequest, program_id: int) -> HttpResponse:
    access_setup(request.user, program_id)
    return xlsx_response(user_imports.users_export(request.user), "用户.xlsx", "users.xlsx")


@page
def users_import(request: HttpRequest, program_id: int) -> HttpResponse:
    """Upload a users sheet → preview (old → new, row errors) → confirm: all or nothing; the new users'
    one-time passwords are shown on the answer to the confirm only (never stored in clear)."""
    program = access_setup(request.user, program_id)
    done = when_committed(lambda staged: initial_passwords_page(request, program, staged.result, issued))

    step = StagedImportStep(kind=user_imports.USERS, program=program, actor=request.user,
                            confirm=lambda staged, _data: user_imports.users_commit(staged=staged,
                                                                                    actor=request.user))
    with user_imports.issued_passwords() as issued:
        return staged_import_page(request, step, template="setup/users_import.html", context={"program": program},
                                  done=done)


def initial_passwords_page(request: HttpRequest, program: Any, result: dict[str, int],
                           issued: list[tuple[str, str, str]]) -> HttpResponse:
    """The one time the new users' initial passwords are shown: a printable list and the same list as an xlsx
    inside the page (a data URI), so no second request (and no stored copy) is needed to download it."""
    sheet = base64.b64encode(render_passwords_xlsx(issued)).decode() if issued else ""
    response = render(request, "setup/users_imported.html", {"program": program, "result": result,
                                                             "issued": issued, "sheet": sheet})
    response["Cache-Control"] = "no-store"
    return response


@page
def user_page(request: HttpRequest, program_id: int, user_id: int) -> HttpResponse:
    return _user_page(request, program_id, user_id)


@require_POST
@page(back=_back_to_user)
def user_grant(request: HttpRequest, program_id: int, user_id: int) -> HttpResponse:
    person = _managed(request, program_id, user_id)
    form = DutyForm(request.POST, actor=request.user)
    if submit(form, lambda data: services.role_grant(actor=request.user, user=person, **data)) is None:
        return _user_page(request, program_id, user_id, form=form)
    messages.success(request, _("已分配角色。"))
    return redirect("setup_user", program_id=program_id, user_id=user_id)


@require_POST
@page(back=_back_to_user)
def user_revoke(request: HttpRequest, program_id: int, user_id: int, assignment_id: int) -> HttpResponse:
    access_setup(request.user, program_id)
    assignment = access_managed_assignment(request.user, assignment_id)
    services.role_revoke(actor=request.user, assignment=assignment)
    messages.success(request, _("已撤销角色。"))
    return redirect("setup_user", program_id=program_id, user_id=user_id)


def _managed(request: HttpRequest, program_id: int, user_id: int) -> Any:
    access_setup(request.user, program_id)
    return access_managed_user(request.user, user_id)


@require_POST
@page(back=_back_to_user)
def user_active(request: HttpRequest, program_id: int, user_id: int) -> HttpResponse:
    person = user_set_active(user=_managed(request, program_id, user_id), active=request.POST.get("active") == "1",
                             actor=request.user)
    messages.success(request, _("已启用该用户。") if person.is_active else _("已停用该用户。"))
    return redirect("setup_user", program_id=program_id, user_id=user_id)


@require_POST
@page(back=_back_to_user)
def user_reset(request: HttpRequest, program_id: int, user_id: int) -> HttpResponse:
    password = user_password_reset(user=_managed(request, program_id, user_id), actor=request.user)
    return _user_page(request, program_id, user_id, password=password)  # shown once, never stored in clear


@page
def departments(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_setup(request.user, program_id)
    form = DepartmentForm(request.POST or None, actor=request.user)
    if request.method == "POST" and submit(
            form, lambda _data: services.department_save(actor=request.user, department=form.instance)):
        messages.success(request, _("已保存单位。"))
        return redirect("setup_departments", program_id=program_id)
    units = managed_departments(request.user).order_by("region__path", "order", "name")
    return render(request, "setup/departments.html", {"program": program, "form": form, "units": units})


@page
def departments_export(request: HttpRequest, program_id: int) -> HttpResponse:
    access_setup(request.user, program_id)
    return xlsx_response(imports.units_export(request.user), "单位.xlsx", "units.xlsx")


@page
def departments_import(request: HttpRequest, program_id: int) -> HttpResponse:
    """Upload a units sheet → preview (old → new, row errors) → confirm: all or nothing."""
    program = access_setup(request.user, program_id)

    def committed(staged: StagedImport) -> HttpResponse:
        messages.success(request, _("已导入单位：新增%(created)s个，修改%(updated)s个。") % staged.result)
        return redirect("setup_departments", program_id=program.id)

    step = StagedImportStep(kind=imports.UNITS, program=program, actor=request.user)
    return staged_import_page(request, step, template="setup/departments_import.html", context={"program": program},
                              done=when_committed(committed))


@page
def department_edit(request: HttpRequest, program_id: int, department_id: int) -> HttpResponse:
    program = access_setup(request.user, program_id)
    department = access_managed_department(request.user, department_id)
    form = DepartmentForm(request.POST or None, instance=department, actor=request.user)
    if request.method == "POST" and submit(
            form, lambda _data: services.department_save(actor=request.user, department=form.instance)):
        messages.success(request, _("已保存单位。"))
        return redirect("setup_departments", program_id=program_id)
    return render(request, "setup/department.html", {"program": program, "form": form, "department": department})


def _program_page(request: HttpRequest, program_id: int, **forms: Any) -> HttpResponse:
    program = access_managed_program(request.user, program_id)
    context = {
        "program": program,
        "form": forms.get("form") or ProgramForm(instance=program, actor=request.user),
        "phase_form": forms.get("phase_form") or PhaseForm(),
        "milestone_form": forms.get("milestone_form") or MilestoneForm(program=program),
        "goal_form": forms.get("goal_form") or RegionGoalForm(program=program),
        "phases": program.phases.prefetch_related("milestones").order_by("order", "start"),
        "goals": program.region_goals.select_related("region").order_by("target_year", "region__code"),
    }
    return render(request, "setup/program.html", context)


@page
def program_edit(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_managed_program(request.user, program_id)
    if request.method != "POST":
        return _program_page(request, program_id)
    form = ProgramForm(request.POST, instance=program, actor=request.user)
    if submit(form, lambda _data: services.program_save(actor=request.user, program=form.instance)) is None:
        return _program_page(request, program_id, form=form)
    messages.success(request, _("已保存创建工作。"))
    return redirect("setup_program", program_id=program_id)


PARTS = ("phase", "milestone", "goal")


def _part(part: str) -> str:
    if part not in PARTS:
        raise NotFoundError("页面不存在。")
    return part


@require_POST
@page(back=_back_to_program)
def program_part_add(request: HttpRequest, program_id: int, part: str) -> HttpResponse:
    program = access_managed_program(request.user, program_id)
    if _part(part) == "phase":
        form: Any = PhaseForm(request.POST, instance=Phase(program=program))
    else:
        form = PART_FORMS[part](request.POST, program=program)
    saved = submit(form, lambda _data: part_save(request.user, part, form.instance))
    if saved is None:
        key = {"phase": "phase_form", "milestone": "milestone_form"}.get(part, "goal_form")
        return _program_page(request, program_id, **{key: form})
    messages.success(request, _("已保存。"))
    return redirect(reverse("setup_program", kwargs={"program_id": program_id}) + f"#{part}s")


PART_FORMS = {"phase": PhaseForm, "milestone": MilestoneForm, "goal": RegionGoalForm}


def part_save(actor: Any, part: str, obj: Any) -> Any:
    """The one service that saves a phase, a milestone or a county goal (pages and API)."""
    if part == "phase":
        return services.phase_save(actor=actor, phase=obj)
    if part == "milestone":
        return services.milestone_save(actor=actor, milestone=obj)
    return services.region_goal_save(actor=actor, goal=obj)


@page
def program_part_edit(request: HttpRequest, program_id: int, part: str, part_id: int) -> HttpResponse:
    """Change a phase, a milestone or a county goal of a program the office manages."""
    model = {"phase": Phase, "milestone": Milestone}.get(_part(part), RegionGoal)
    obj = access_program_part(request.user, program_id, model, part_id)
    program = access_managed_program(request.user, program_id)
    form_class: Any = PART_FORMS[part]
    kwargs: dict[str, Any] = {} if part == "phase" else {"program": program}
    form = form_class(request.POST or None, instance=obj, **kwargs)
    if request.method == "POST" and submit(form, lambda _data: part_save(request.user, part, form.instance)):
        messages.success(request, _("已保存。"))
        return redirect(reverse("setup_program", kwargs={"program_id": program_id}) + f"#{part}s")
    return render(request, "setup/program_part.html", {"program": program, "form": form, "part": part,
                                                       "obj": obj, "title": _(str(model._meta.verbose_name))})


@require_POST
@page(back=_back_to_program)
def program_part_delete(request: HttpRequest, program_id: int, part: str, part_id: int) -> HttpResponse:
    model = {"phase": Phase, "milestone": Milestone}.get(_part(part), RegionGoal)
    services.program_part_delete(actor=request.user, obj=access_program_part(request.user, program_id, model, part_id))
    messages.success(request, _("已删除。"))
    return redirect(reverse("setup_program", kwargs={"program_id": program_id}) + f"#{part}s")


@page
def program_new(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_setup(request.user, program_id)
    form = ProgramForm(request.POST or None, actor=request.user)
    if request.method == "POST":
        created = submit(form, lambda _data: services.program_save(actor=request.user, program=form.instance))
        if created is not None:
            messages.success(request, _("已新建创建工作，请继续设置阶段、节点和县区创建目标。"))
            return redirect("setup_program", program_id=created.pk)
    return render(request, "setup/program_new.html", {"program": program, "form": form})
