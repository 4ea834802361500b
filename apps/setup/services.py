"""Writes of the set-up pages and API: each checks the actor's scope itself, validates the model at the boundary
(``full_clean``, the same rules as the admin) and records the change in the audit log."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction

from apps.accounts.access import can_grant, can_manage_user
from apps.accounts.models import RoleAssignment, User
from apps.accounts.services import assignment_add, assignment_revoke, user_invite
from apps.audit.models import AuditAction
from apps.audit.services import record
from apps.core.errors import DomainError, PermissionDeniedError
from apps.geo.models import Department, Region, RegionLevel
from apps.programs.access import require_manage
from apps.programs.models import Milestone, Phase, Program, RegionGoal

from .access import require_create_program, require_set_up_region

M = TypeVar("M", bound=models.Model)


def invalid(exc: ValidationError) -> DomainError:
    """A model's refusal as one domain error (its messages joined), for the pages and the API alike."""
    return DomainError("；".join(dict.fromkeys(exc.messages)))


def _save(obj: M, *, actor: Any, region: Region) -> M:
    """Validate, save and audit (a change with its fields' old → new values)."""
    created = obj.pk is None
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise invalid(exc) from exc
    stored = {} if created else type(obj)._default_manager.filter(pk=obj.pk).values().first() or {}
    obj.save()
    changes = {name: [old, getattr(obj, name)] for name, old in stored.items() if getattr(obj, name, old) != old}
    record(actor, AuditAction.SETUP_CREATE if created else AuditAction.SETUP_CHANGE, obj, region_id=region.id,
           **({"changes": changes} if changes else {}))
    return obj


def _delete(obj: models.Model, *, actor: Any, region: Region) -> None:
    target = {"target_type": obj._meta.label_lower, "target_id": obj.pk, "target_label": str(obj)}
    try:
        obj.delete()
    except models.ProtectedError as exc:
        raise DomainError("该记录已被其他数据引用，不能删除。") from exc
    record(actor, AuditAction.SETUP_DELETE, region_id=region.id, **target)


@transaction.atomic
def department_save(*, actor: User, department: Department) -> Department:
    """Create or change a unit of a region within the actor's offices (a county government: its county too)."""
    require_set_up_region(actor, department.region)
    if department.pk is not None:
        stored = Department.objects.select_related("region").get(pk=department.pk)
        require_set_up_region(actor, stored.region)
    if department.governs_id is not None:
        require_set_up_region(actor, department.governs)
    return _save(department, actor=actor, region=department.region)


@transaction.atomic
def program_save(*, actor: User, program: Program) -> Program:
    """Create a program (an office, for its region or one below at province or city level) or change one it
    manages; a program's region and framework stay as created."""
    if program.pk is None:
        require_create_program(actor, program.region)
    else:
        stored = Program.objects.select_related("region").get(pk=program.pk)
        require_manage(actor, stored, "只有生态办管理员可以修改创建工作。")
        if (program.region_id, program.framework_id) != (stored.region_id, stored.framework_id):
            raise DomainError("创建工作的区域和指标体系在创建后不能修改。")
    if program.base_year >= program.target_year:
        raise DomainError("目标年须晚于基准年。")
    return _save(program, actor=actor, region=program.region)


def _program_part(actor: User, program: Program) -> Program:
    require_manage(actor, program, "只有生态办管理员可以修改创建工作。")
    return program


@transaction.atomic
def phase_save(*, actor: User, phase: Phase) -> Phase:
    """Add or change a phase of a program the actor manages (dates in order, within the program's years)."""
    program = _program_part(actor, phase.program)
    if phase.pk is not None and not Phase.objects.filter(pk=phase.pk, program=program).exists():
        raise DomainError("阶段不属于该创建工作。")
    return _save(phase, actor=actor, region=program.region)


@transaction.atomic
def milestone_save(*, actor: User, milestone: Milestone) -> Milestone:
    """Add or change a milestone (its date within its phase's) of a program the actor manages; a milestone
    moves only between the phases of its own program."""
    program = _program_part(actor, milestone.phase.program)
    if milestone.pk is not None:
        stored = Milestone.objects.select_related("phase").get(pk=milestone.pk)
        if stored.phase.program_id != program.pk:
            raise DomainError("节点只能移到本创建工作的其他阶段。")
    return _save(milestone, actor=actor, region=program.region)


@transaction.atomic
def region_goal_save(*, actor: User, goal: RegionGoal) -> RegionGoal:
    program = _program_part(actor, goal.program)
    if goal.region.level != RegionLevel.COUNTY or not goal.region.path.startswith(program.region.path):
        raise DomainError("县区创建目标须选择本创建工作区域内的县区。")
    return _save(goal, actor=actor, region=goal.region)


@transaction.atomic
def program_part_delete(*, actor: User, obj: Phase | Milestone | RegionGoal) -> None:
    """Delete a phase (with its milestones), a milestone or a county goal of a program the actor manages."""
    program = obj.phase.program if isinstance(obj, Milestone) else obj.program
    _program_part(actor, program)
    _delete(obj, actor=actor, region=program.region)


def _duty_home(region: Region | None, department: Department | None) -> Region | None:
    return department.region if department is not None else region


def _require_grant(actor: User, *, region: Region | None, department: Department | None,
                   program: Program | None) -> None:
    if not can_grant(actor, home=_duty_home(region, department), program_id=program.pk if program else None):
        raise PermissionDeniedError("您只能在自己的管辖范围内分配角色。")


@transaction.atomic
def user_add(*, actor: User, username: str, display_name: str = "", role: str, region: Region | None = None,
             department: Department | None = None, program: Program | None = None,
             email: str = "") -> tuple[User, str]:
    """A new user with its first duty and a one-time initial password (returned: shown to the office once)."""
    _require_grant(actor, region=region, department=department, program=program)
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(f"用户名“{username}”已被使用。")
    try:
        return user_invite(username=username, display_name=display_name, role=role, region=region,
                           department=department, program=program, actor=actor, email=email)
    except ValidationError as exc:
        raise invalid(exc) from exc


@transaction.atomic
def user_change(*, actor: User, user: User, display_name: str, email: str) -> User:
    """Change the name and e-mail address of a user the actor manages (audited with old → new)."""
    if not can_manage_user(actor, user):
        raise PermissionDeniedError("您无权管理该用户。")
    changed = {field: [getattr(user, field), value] for field, value in
               (("display_name", display_name), ("email", email)) if getattr(user, field) != value}
    if not changed:
        return user
    user.display_name, user.email = display_name, email
    try:
        user.full_clean(exclude=["password"], validate_unique=False)
    except ValidationError as exc:
        raise invalid(exc) from exc
    user.save(update_fields=list(changed))
    record(actor, AuditAction.SETUP_CHANGE, user, changes=changed,
           region_id=next((d.home.id for d in user.duties if d.home is not None), None))
    return user


@transaction.atomic
def role_grant(*, actor: User, user: User, role: str, region: Region | None = None,
               department: Department | None = None, program: Program | None = None) -> RoleAssignment:
    """One more duty for a user the actor manages, within the actor's own scope."""
    if not can_manage_user(actor, user):
        raise PermissionDeniedError("您无权管理该用户。")
    _require_grant(actor, region=region, department=department, program=program)
    try:
        return assignment_add(user=user, role=role, region=region, department=department, program=program,
                              actor=actor)
    except ValidationError as exc:
        raise invalid(exc) from exc


def role_revoke(*, actor: User, assignment: RoleAssignment) -> None:
    """Take back a duty (fetched through ``apps.accounts.access.access_managed_assignment``)."""
    _require_grant(actor, region=assignment.region, department=assignment.department, program=assignment.program)
    assignment_revoke(assignment=assignment, actor=actor)
