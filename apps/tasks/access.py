"""Fetch-and-authorize for tasks, projects and notices: the one place these checks live.

A department reporter sees only what its unit leads or cooperates on (tasks), is responsible for
(projects) or is addressed to it (notices); a county office sees its county's units and projects; the
office, leaders and inspectors of the program see everything (leaders and inspectors read only).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Manager, Q

from apps.accounts.models import Role
from apps.core.errors import NotFoundError, PermissionDeniedError
from apps.geo.access import can_see_region
from apps.programs.access import can_manage_program
from apps.programs.models import Program

if TYPE_CHECKING:  # the models call can_view_task; this module reaches them through the program's relations
    from .models import SupervisionNotice, Task


def _unit_q(user, prefix: str) -> Q | None:  # noqa: ANN001
    """Q over a Department reached by ``prefix``; None means no restriction."""
    if user.role == Role.DEPARTMENT_REPORTER:
        return Q(**{f"{prefix}_id": user.department_id or 0})
    if user.role == Role.COUNTY_OFFICE:
        path = user.region.path if user.region_id else "/-/"
        return Q(**{f"{prefix}__region__path__startswith": path}) | Q(**{f"{prefix}__governs_id": user.region_id})
    return None


def visible_tasks_q(user) -> Q:  # noqa: ANN001
    unit_q = _unit_q(user, "units__department")
    tasks = Program.tasks.field.model.objects  # Task, reached through its relation to Program
    return Q() if unit_q is None else Q(pk__in=tasks.filter(unit_q).values("pk"))


def visible_projects_q(user) -> Q:  # noqa: ANN001
    unit_q = _unit_q(user, "department")
    if unit_q is not None and user.role == Role.COUNTY_OFFICE:
        unit_q |= Q(region__path__startswith=user.region.path)
    return Q() if unit_q is None else unit_q


def visible_notices_q(user) -> Q:  # noqa: ANN001
    unit_q = _unit_q(user, "department")
    return Q() if unit_q is None else unit_q


def _get(related: Manager, object_id: int, visible: Q, label: str):  # noqa: ANN202
    obj = related.filter(pk=object_id).first()
    if obj is None:
        raise NotFoundError(f"{label}不存在。")
    if not related.model.objects.filter(visible, pk=obj.pk).exists():
        raise PermissionDeniedError(f"您无权查看该{label}。")
    return obj


def access_task(user, program, task_id: int) -> Task:  # noqa: ANN001
    return _get(program.tasks, task_id, visible_tasks_q(user), "任务")


def can_view_task(user, task: Task) -> bool:  # noqa: ANN001
    """What ``access_program`` + ``access_task`` allow, as a yes/no (the task's evidence asks this)."""
    return can_see_region(user, task.program.region) and type(task).objects.filter(visible_tasks_q(user), pk=task.pk).exists()


def access_notice(user, program, notice_id: int) -> SupervisionNotice:  # noqa: ANN001
    return _get(program.notices, notice_id, visible_notices_q(user), "督办通知")


def require_manage(user, program) -> None:  # noqa: ANN001
    if not can_manage_program(user, program):
        raise PermissionDeniedError("只有生态办管理员可以执行此操作。")


def can_respond(user, notice: SupervisionNotice) -> bool:  # noqa: ANN001
    """The addressed unit's reporter, or the county office for a unit of its county."""
    if user.role == Role.DEPARTMENT_REPORTER:
        return user.department_id == notice.department_id
    if user.role == Role.COUNTY_OFFICE and user.region_id:
        department = notice.department
        return department.region.path.startswith(user.region.path) or department.governs_id == user.region_id
    return False
