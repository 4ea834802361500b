"""Fetch-and-authorize for tasks, projects and notices: the one place these checks live.

A department reporter sees only what its unit leads or cooperates on (tasks), is responsible for
(projects) or is addressed to it (notices); a county office sees its county's units and projects; the
office, leaders and inspectors of the program see everything (leaders and inspectors read only). A person
with several duties sees the union.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.db.models import Manager, Model, Q
from django.utils.translation import gettext as _

from apps.accounts.models import Role, User
from apps.core.errors import PermissionDeniedError, found
from apps.geo.access import can_see_region, sees_region
from apps.geo.models import Department
from apps.programs.models import Program

if TYPE_CHECKING:  # the models call can_view_task; this module reaches them through the program's relations
    from .models import SupervisionNotice, Task, TaskProgress

M = TypeVar("M", bound=Model)

def _unit_q(user: User, prefix: str, program: Program | None) -> Q | None:
    """Q over a Department reached by ``prefix``; None means no restriction. The union over the user's duties."""
    q = Q(pk__in=[])
    for duty in user.duties_as(program_id=program.id if program else None):
        if duty.role == Role.DEPARTMENT_REPORTER:
            q |= Q(**{f"{prefix}_id": duty.department.id})
        elif duty.role == Role.COUNTY_OFFICE:
            q |= Q(**{f"{prefix}__region__path__startswith": duty.region.path}) | Q(
                **{f"{prefix}__governs_id": duty.region.id})
        elif program is None or sees_region(duty, program.region):
            return None  # the office, a leader or an inspector of the program's region (or above)
    return q


def visible_tasks_q(user: User, program: Program | None = None) -> Q:
    unit_q = _unit_q(user, "units__department", program)
    tasks = Program.tasks.field.model.objects  # Task, reached through its relation to Program
    return Q() if unit_q is None else Q(pk__in=tasks.filter(unit_q).values("pk"))


def visible_projects_q(user: User, program: Program | None = None) -> Q:
    unit_q = _unit_q(user, "department", program)
    if unit_q is None:
        return Q()
    for duty in user.duties_as(Role.COUNTY_OFFICE, program_id=program.id if program else None):
        unit_q |= Q(region__path__startswith=duty.region.path)
    return unit_q


def visible_notices_q(user: User, program: Program | None = None) -> Q:
    unit_q = _unit_q(user, "department", program)
    return Q() if unit_q is None else unit_q


def _get(related: Manager[M], object_id: int, visible: Q, label: str) -> M:
    obj = found(related.filter(pk=object_id).first(), f"{label}不存在。")
    if not related.model.objects.filter(visible, pk=obj.pk).exists():
        raise PermissionDeniedError(f"您无权查看该{label}。")
    return obj


def access_task(user: User, program: Program, task_id: int) -> Task:
    return _get(program.tasks, task_id, visible_tasks_q(user, program), "任务")


def access_progress(user: User, program: Program, task_id: int, progress_id: int) -> TaskProgress:
    """A progress update of a task the user sees (the page's step and the API's edit and step), or raise."""
    return found(access_task(user, program, task_id).progress_updates.filter(pk=progress_id).first(),
                 _("进展不存在。"))


def can_view_task(user: User, task: Task) -> bool:
    """What ``access_program`` + ``access_task`` allow, as a yes/no (the task's evidence asks this)."""
    program = task.program
    return (can_see_region(user, program.region, program.id)
            and type(task).objects.filter(visible_tasks_q(user, program), pk=task.pk).exists())


def access_notice(user: User, program: Program, notice_id: int) -> SupervisionNotice:
    return _get(program.notices, notice_id, visible_notices_q(user, program), "督办通知")


def can_respond(user: User, notice: SupervisionNotice) -> bool:
    """The addressed unit's reporter, or the county office for a unit of its county."""
    for duty in user.duties_as(Role.DEPARTMENT_REPORTER, Role.COUNTY_OFFICE, program_id=notice.program_id):
        if duty.role == Role.DEPARTMENT_REPORTER and duty.department.id == notice.department_id:
            return True
        if duty.role == Role.COUNTY_OFFICE:
            department = notice.department
            if department.region.path.startswith(duty.region.path) or department.governs_id == duty.region.id:
                return True
    return False


def progress_department(user: User, task: Task) -> Department | None:
    """The unit the user reports the task's progress for: its first reporter duty whose unit is on the task."""
    units = {u.department_id for u in task.units.all()}
    for duty in user.duties_as(Role.DEPARTMENT_REPORTER, program_id=task.program_id):
        if duty.department.id in units:
            return duty.department
    return None
