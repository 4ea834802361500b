"""Fetch-and-authorize for regions and departments: where in the region tree a user stands and what it sees.

A user stands where its duties stand (``User.duties``): a duty's home region is its region, or its unit's region
for a department reporter. A user sees, for each duty, the home region's subtree and its ancestors (a county
office sees its city's overview), and the union over its duties. Through a department-reporter duty it sees only
its own unit; through a county office the units of its county and the units that govern it.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from apps.accounts.models import Duty, Role, User
from apps.core.errors import PermissionDeniedError, found

from .models import Department, Region, RegionLevel


def home_regions(user: User, program_id: int | None = None) -> list[Region]:
    """The home region of every duty of the user (that applies to that program), without repeats."""
    homes = {d.home.id: d.home for d in user.duties_as(program_id=program_id) if d.home is not None}
    return list(homes.values())


def home_department(user: User, program_id: int | None = None) -> Department | None:
    """The unit of the user's first department-reporter duty (that applies to that program), if any."""
    duty = next(iter(user.duties_as(Role.DEPARTMENT_REPORTER, program_id=program_id)), None)
    return None if duty is None else duty.department


def ancestor_paths(path: str) -> list[str]:
    """The materialised paths of a region and every region above it."""
    codes = [c for c in path.strip("/").split("/") if c]
    return ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]


def is_province(region: Region) -> bool:
    return region.level == RegionLevel.PROVINCE


def sees_region(duty: Duty, region: Region) -> bool:
    """Within the duty's home region, or one of its ancestors."""
    home = duty.home
    return home is not None and (region.path.startswith(home.path) or home.path.startswith(region.path))


def can_see_region(user: User, region: Region, program_id: int | None = None) -> bool:
    """Within one of the user's home regions, or one of their ancestors (a county office sees its city)."""
    return user.is_active and any(sees_region(d, region) for d in user.duties_as(program_id=program_id))


def can_edit_region_attributes(user: User, region: Region) -> bool:
    """Whether the user sets this region's attributes (terrain, arid …; in the admin's region page): a superuser,
    or an office administrator whose region holds it (as the admin's ``region:`` scope says)."""
    if not user.is_active:
        return False
    return user.is_superuser or any(region.path.startswith(d.region.path)
                                    for d in user.duties_as(Role.OFFICE_ADMIN) if d.region is not None)


def _duty_sees_department(duty: Duty, department: Department) -> bool:
    if duty.role == Role.DEPARTMENT_REPORTER:
        return duty.department is not None and duty.department.id == department.id
    if duty.role == Role.COUNTY_OFFICE:
        return duty.region is not None and (department.region.path.startswith(duty.region.path)
                                            or department.governs_id == duty.region.id)
    return sees_region(duty, department.region)


def can_see_department(user: User, department: Department) -> bool:
    return any(_duty_sees_department(d, department) for d in user.duties)


def access_region(user: User, region_id: int) -> Region:
    region = found(Region.objects.filter(pk=region_id).first(), "区域不存在。")
    if not can_see_region(user, region):
        raise PermissionDeniedError("您无权查看该区域。")
    return region


def access_department(user: User, department_id: int) -> Department:
    department = found(Department.objects.select_related("region").filter(pk=department_id).first(), "单位不存在。")
    if not can_see_department(user, department):
        raise PermissionDeniedError("您无权查看该单位。")
    return department


def visible_departments(user: User) -> QuerySet[Department]:
    q = Q(pk__in=[])
    for duty in user.duties:
        if duty.role == Role.DEPARTMENT_REPORTER:
            q |= Q(pk=duty.department.id)
        elif duty.home is not None:
            q |= Q(region__path__startswith=duty.home.path)
    return Department.objects.filter(q)
