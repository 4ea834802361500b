"""Who may see and do what. Every view and API endpoint goes through these functions."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from apps.accounts.models import Role, User
from apps.core.errors import NotFoundError, PermissionDeniedError
from apps.geo.models import Department, Region

READ_ONLY_ROLES = {Role.LEADER, Role.INSPECTOR}


def home_region(user: User) -> Region | None:
    if user.role == Role.DEPARTMENT_REPORTER and user.department_id:
        return user.department.region
    return user.region


def _ancestor_paths(path: str) -> list[str]:
    codes = [c for c in path.strip("/").split("/") if c]
    return ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]


def can_see_region(user: User, region: Region) -> bool:
    """Within the user's region, or one of its ancestors (a county office sees its city's overview)."""
    home = home_region(user)
    if home is None or not user.is_active:
        return False
    return region.path.startswith(home.path) or home.path.startswith(region.path)


def visible_programs_q(user: User) -> Q:
    home = home_region(user)
    if home is None:
        return Q(pk__in=[])
    return Q(region__path__startswith=home.path) | Q(region__path__in=_ancestor_paths(home.path))


def can_manage_program(user: User, program) -> bool:  # noqa: ANN001 - avoid import cycle
    """Office administrators of the program's region (or above) set it up and change it."""
    return (
        user.is_active
        and user.role == Role.OFFICE_ADMIN
        and user.region_id is not None
        and program.region.path.startswith(user.region.path)
    )


def can_manage_region(user: User, program, region: Region) -> bool:  # noqa: ANN001
    """The city office for every region of its program; a county office for its own county."""
    if can_manage_program(user, program):
        return True
    return (
        user.is_active
        and user.role == Role.COUNTY_OFFICE
        and user.region_id is not None
        and region.path.startswith(user.region.path)
    )


def can_see_department(user: User, department: Department) -> bool:
    if user.role == Role.DEPARTMENT_REPORTER:
        return user.department_id == department.id
    if user.role == Role.COUNTY_OFFICE:
        return user.region_id is not None and department.region.path.startswith(user.region.path) or (
            department.governs_id == user.region_id
        )
    return can_see_region(user, department.region)


def access_program(user: User, program_id: int, *, manage: bool = False):  # noqa: ANN201
    """Fetch a program the user may see (and manage, if asked) or raise; the one place for this check."""
    from apps.programs.models import Program

    program = (
        Program.objects.select_related("region", "framework").filter(visible_programs_q(user), pk=program_id).first()
    )
    if program is None:
        if Program.objects.filter(pk=program_id).exists():
            raise PermissionDeniedError("您无权查看该创建工作。")
        raise NotFoundError("创建工作不存在。")
    if manage and not can_manage_program(user, program):
        raise PermissionDeniedError("只有生态办管理员可以修改创建工作。")
    return program


def access_region(user: User, region_id: int) -> Region:
    region = Region.objects.filter(pk=region_id).first()
    if region is None:
        raise NotFoundError("区域不存在。")
    if not can_see_region(user, region):
        raise PermissionDeniedError("您无权查看该区域。")
    return region


def access_department(user: User, department_id: int) -> Department:
    department = Department.objects.select_related("region").filter(pk=department_id).first()
    if department is None:
        raise NotFoundError("单位不存在。")
    if not can_see_department(user, department):
        raise PermissionDeniedError("您无权查看该单位。")
    return department


def visible_departments(user: User) -> QuerySet[Department]:
    home = home_region(user)
    if home is None:
        return Department.objects.none()
    if user.role == Role.DEPARTMENT_REPORTER:
        return Department.objects.filter(pk=user.department_id)
    return Department.objects.filter(region__path__startswith=home.path)
