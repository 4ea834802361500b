"""The set-up endpoints: the same access functions and services as the set-up pages."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from apps.accounts.access import (
    access_managed_assignment,
    access_managed_user,
    managed_users,
    require_administer,
)
from apps.accounts.models import User
from apps.accounts.services import user_password_reset, user_set_active
from apps.core.downloads import xlsx_response
from apps.core.errors import NotFoundError
from apps.geo.models import Department, Region
from apps.geo.schemas import DepartmentOut
from apps.indicators.models import Framework
from apps.programs.models import Milestone, Phase, Program, RegionGoal
from apps.staging.models import StagedImport
from apps.staging.selectors import staged_import_for_confirm, staged_import_own
from apps.staging.web import staged_import_api_upload, staged_import_routes

from . import imports, services, user_imports
from .access import (
    access_managed_department,
    access_managed_program,
    access_program_part,
    access_setup,
    managed_departments,
)
from .schemas import (
    DepartmentIn,
    DutyIn,
    GoalIn,
    InitialPasswordOut,
    MilestoneIn,
    PhaseIn,
    ProgramIn,
    SavedOut,
    UserChangeIn,
    UserIn,
    UserOut,
    UsersImportOut,
)

router = Router(tags=["设置"])


def _missing(label: str) -> Any:
    raise NotFoundError(f"{label}不存在。")


def _get(model: type[Model], pk: int | None, label: str) -> Any:
    if pk is None:
        return None
    return model._default_manager.filter(pk=pk).first() or _missing(label)


def _duty(payload: DutyIn) -> dict[str, Any]:
    return {"role": payload.role, "region": _get(Region, payload.region_id, "区域"),
            "department": _get(Department, payload.department_id, "单位"),
            "program": _get(Program, payload.program_id, "创建工作")}


@router.get("/users", response=list[UserOut], summary="本办管辖范围内的用户")
def list_users(request: HttpRequest) -> list[User]:
    require_administer(request.user)
    return list(managed_users(request.user).prefetch_related("assignments").order_by("username"))


@router.post("/users", response={201: InitialPasswordOut}, summary="新建用户（返回一次性初始密码）")
def create_user(request: HttpRequest, payload: UserIn) -> Status:
    require_administer(request.user)
    user, password = services.user_add(actor=request.user, username=payload.username,
                                       display_name=payload.display_name, **_duty(payload))
    return Status(201, {"user": user, "initial_password": password})


@router.put("/users/{int:user_id}", response=UserOut, summary="修改用户的姓名和邮箱")
def change_user(request: HttpRequest, user_id: int, payload: UserChangeIn) -> User:
    person = access_managed_user(request.user, user_id)
    return services.user_change(actor=request.user, user=person, display_name=payload.display_name,
                                email=payload.email)


@router.get("/users/export", summary="导出本办管理的用户（xlsx，可修改后导入）")
def export_users(request: HttpRequest) -> HttpResponse:
    require_administer(request.user)
    return xlsx_response(user_imports.users_export(request.user), "用户.xlsx", "users.xlsx")


USERS_IMPORT = "/programs/{int:program_id}/users/import"


def _with_passwords(staged: StagedImport, issued: list[tuple[str, str, str]]) -> StagedImport:
    """The import as the answer carries it: with the new users' one-time passwords, on this answer only."""
    staged.initial_passwords = [{"username": u, "display_name": n, "initial_password": p} for u, n, p in issued]
    return staged


@router.post(USERS_IMPORT, response=UsersImportOut, operation_id="setup_users_import",
             summary="上传用户 xlsx 并预览（每行原值 → 新值、无变化行数）；确认用 …/import/{import_id}/commit；"
                     "commit=true 时一步写入。任一行有错误则不写入（400）。新用户的一次性初始密码只在写入的这次回答中给出")
def import_users(request: HttpRequest, program_id: int, file: File[UploadedFile],
                 commit: Form[bool] = False) -> StagedImport:
    staged = staged_import_api_upload(kind=user_imports.USERS, program=access_setup(request.user, program_id),
                                      actor=request.user, file=file)
    with user_imports.issued_passwords() as issued:
        if commit:
            staged = user_imports.users_commit(staged=staged, actor=request.user)
        return _with_passwords(staged, issued)


@router.get(USERS_IMPORT + "/{int:import_id}", response=UsersImportOut, operation_id="setup_users_import_get",
            summary="本人上传的用户导入：预览或结果（不含初始密码）")
def get_users_import(request: HttpRequest, program_id: int, import_id: int) -> StagedImport:
    program = access_setup(request.user, program_id)
    return _with_passwords(staged_import_own(actor=request.user, kind=user_imports.USERS, staged_id=import_id,
                                             program=program), [])


@router.post(USERS_IMPORT + "/{int:import_id}/commit", response=UsersImportOut,
             operation_id="setup_users_import_commit",
             summary="确认写入已预览的用户导入（仅上传者）；回答中给出新用户的一次性初始密码，仅此一次")
def commit_users_import(request: HttpRequest, program_id: int, import_id: int) -> StagedImport:
    program = access_setup(request.user, program_id)
    staged = staged_import_for_confirm(actor=request.user, kind=user_imports.USERS, staged_id=import_id,
                                       program=program)
    with user_imports.issued_passwords() as issued:
        return _with_passwords(user_imports.users_commit(staged=staged, actor=request.user), issued)


@router.post("/users/{int:user_id}/roles", response={201: SavedOut}, summary="分配角色")
def grant_role(request: HttpRequest, user_id: int, payload: DutyIn) -> Status:
    person = access_managed_user(request.user, user_id)
    return Status(201, services.role_grant(actor=request.user, user=person, **_duty(payload)))


@router.delete("/roles/{int:assignment_id}", response={204: None}, summary="撤销角色")
def revoke_role(request: HttpRequest, assignment_id: int) -> Status:
    services.role_revoke(actor=request.user, assignment=access_managed_assignment(request.user, assignment_id))
    return Status(204, None)


@router.post("/users/{int:user_id}/deactivate", response=UserOut, summary="停用用户")
def deactivate_user(request: HttpRequest, user_id: int) -> User:
    return user_set_active(user=access_managed_user(request.user, user_id), active=False, actor=request.user)


@router.post("/users/{int:user_id}/activate", response=UserOut, summary="启用用户")
def activate_user(request: HttpRequest, user_id: int) -> User:
    return user_set_active(user=access_managed_user(request.user, user_id), active=True, actor=request.user)


@router.post("/users/{int:user_id}/password-reset", response=InitialPasswordOut, summary="重置为一次性初始密码")
def reset_password(request: HttpRequest, user_id: int) -> dict[str, Any]:
    person = access_managed_user(request.user, user_id)
    return {"user": person, "initial_password": user_password_reset(user=person, actor=request.user)}


@router.get("/departments", response=list[DepartmentOut], summary="本办管辖范围内的单位")
def list_departments(request: HttpRequest) -> list[Department]:
    require_administer(request.user)
    return list(managed_departments(request.user).order_by("region__path", "order", "name"))


@router.get("/departments/export", summary="导出本办管辖范围内的单位（xlsx，可修改后导入）")
def export_departments(request: HttpRequest) -> HttpResponse:
    require_administer(request.user)
    return xlsx_response(imports.units_export(request.user), "单位.xlsx", "units.xlsx")


staged_import_routes(router, "/programs/{program_id}/departments/import", kind=imports.UNITS, label="单位",
                     access=access_setup)


def _save_department(request: HttpRequest, payload: DepartmentIn, department_id: int | None = None) -> Department:
    """Create (no id) or change a unit from the payload, through the one service."""
    require_administer(request.user)
    unit = Department() if department_id is None else access_managed_department(request.user, department_id)
    unit.region, unit.governs = _get(Region, payload.region_id, "区域"), _get(Region, payload.governs_id, "县区")
    unit.name, unit.kind, unit.order = payload.name, payload.kind, payload.order
    unit.aliases = [a.strip() for a in payload.aliases if a.strip()]
    return services.department_save(actor=request.user, department=unit)


@router.post("/departments", response={201: SavedOut}, summary="新增单位")
def create_department(request: HttpRequest, payload: DepartmentIn) -> Status:
    return Status(201, _save_department(request, payload))


@router.put("/departments/{int:department_id}", response=SavedOut, summary="修改单位")
def update_department(request: HttpRequest, department_id: int, payload: DepartmentIn) -> Department:
    return _save_department(request, payload, department_id)


def _save_program(request: HttpRequest, payload: ProgramIn, program_id: int | None = None) -> Program:
    """Create (no id) or change a program from the payload, through the one service."""
    require_administer(request.user)
    program = Program() if program_id is None else access_managed_program(request.user, program_id)
    program.region = _get(Region, payload.region_id, "区域")
    program.framework = Framework.objects.filter(code=payload.framework_code).first() or _missing("指标体系")
    for name in ("name", "title_sought", "base_year", "target_year", "plan_document"):
        setattr(program, name, getattr(payload, name))
    return services.program_save(actor=request.user, program=program)


@router.post("/programs", response={201: SavedOut}, summary="新建创建工作")
def create_program(request: HttpRequest, payload: ProgramIn) -> Status:
    return Status(201, _save_program(request, payload))


@router.put("/programs/{int:program_id}", response=SavedOut, summary="修改创建工作")
def update_program(request: HttpRequest, program_id: int, payload: ProgramIn) -> Program:
    return _save_program(request, payload, program_id)


@router.post("/programs/{int:program_id}/phases", response={201: SavedOut}, summary="添加阶段")
def add_phase(request: HttpRequest, program_id: int, payload: PhaseIn) -> Status:
    program = access_managed_program(request.user, program_id)
    return Status(201, services.phase_save(actor=request.user, phase=Phase(program=program, **payload.dict())))


@router.post("/programs/{int:program_id}/milestones", response={201: SavedOut}, summary="添加节点")
def add_milestone(request: HttpRequest, program_id: int, payload: MilestoneIn) -> Status:
    phase = access_program_part(request.user, program_id, Phase, payload.phase_id)
    milestone = Milestone(phase=phase, title=payload.title, due=payload.due)
    return Status(201, services.milestone_save(actor=request.user, milestone=milestone))


@router.post("/programs/{int:program_id}/goals", response={201: SavedOut}, summary="添加县区创建目标")
def add_goal(request: HttpRequest, program_id: int, payload: GoalIn) -> Status:
    program = access_managed_program(request.user, program_id)
    goal = RegionGoal(program=program, region=_get(Region, payload.region_id, "县区"),
                      title_sought=payload.title_sought, target_year=payload.target_year)
    return Status(201, services.region_goal_save(actor=request.user, goal=goal))


@router.put("/programs/{int:program_id}/phases/{int:part_id}", response=SavedOut, summary="修改阶段")
def update_phase(request: HttpRequest, program_id: int, part_id: int, payload: PhaseIn) -> Phase:
    phase = access_program_part(request.user, program_id, Phase, part_id)
    for name, value in payload.dict().items():
        setattr(phase, name, value)
    return services.phase_save(actor=request.user, phase=phase)


@router.put("/programs/{int:program_id}/milestones/{int:part_id}", response=SavedOut, summary="修改节点")
def update_milestone(request: HttpRequest, program_id: int, part_id: int, payload: MilestoneIn) -> Milestone:
    milestone = access_program_part(request.user, program_id, Milestone, part_id)
    milestone.phase = access_program_part(request.user, program_id, Phase, payload.phase_id)
    milestone.title, milestone.due = payload.title, payload.due
    return services.milestone_save(actor=request.user, milestone=milestone)


@router.put("/programs/{int:program_id}/goals/{int:part_id}", response=SavedOut, summary="修改县区创建目标")
def update_goal(request: HttpRequest, program_id: int, part_id: int, payload: GoalIn) -> RegionGoal:
    goal = access_program_part(request.user, program_id, RegionGoal, part_id)
    goal.region = _get(Region, payload.region_id, "县区")
    goal.title_sought, goal.target_year = payload.title_sought, payload.target_year
    return services.region_goal_save(actor=request.user, goal=goal)


@router.delete("/programs/{int:program_id}/phases/{int:part_id}", response={204: None}, summary="删除阶段及其节点")
def delete_phase(request: HttpRequest, program_id: int, part_id: int) -> Status:
    services.program_part_delete(actor=request.user, obj=access_program_part(request.user, program_id, Phase, part_id))
    return Status(204, None)


@router.delete("/programs/{int:program_id}/milestones/{int:part_id}", response={204: None}, summary="删除节点")
def delete_milestone(request: HttpRequest, program_id: int, part_id: int) -> Status:
    services.program_part_delete(actor=request.user, obj=access_program_part(request.user, program_id, Milestone, part_id))
    return Status(204, None)


@router.delete("/programs/{int:program_id}/goals/{int:part_id}", response={204: None}, summary="删除县区创建目标")
def delete_goal(request: HttpRequest, program_id: int, part_id: int) -> Status:
    services.program_part_delete(actor=request.user, obj=access_program_part(request.user, program_id, RegionGoal, part_id))
    return Status(204, None)
