"""Fetch-and-authorize for regions and departments: where in the region tree a user stands and what it sees.

A user's home region is its own region, or its unit's region for a department reporter. A user sees its home
region's subtree and the ancestors of its home region (a county office sees its city's overview). A department
reporter sees only its own unit; a county office sees the units of its county and the units that govern it.
"""

from __future__ import annotations

from django.db.models import QuerySet

from apps.accounts.models import Role, User
from apps.core.errors import NotFoundError, PermissionDeniedError

from .models import Department, Region


def home_region(user: User) -> Region | None:
    if user.role == Role.DEPARTMENT_REPORTER and user.department_id:
        return user.department.region
    return user.region


def ancestor_paths(path: str) -> list[str]:
    """The materialised paths of a region and every region above it."""
    codes = [c for c in path.strip("/").split("/") if c]
    return ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]


def can_see_region(user: User, region: Region) -> bool:
    """Within the user's region, or one of its ancestors (a county office sees its city's overview)."""
    home = home_region(user)
    if home is None or not user.is_active:
        return False
    return region.path.startswith(home.path) or home.path.startswith(region.path)


def can_see_department(user: User, department: Department) -> bool:
    if user.role == Role.DEPARTMENT_REPORTER:
        return user.department_id == department.id
    if user.role == Role.COUNTY_OFFICE:
        return user.region_id is not None and department.region.path.startswith(user.region.path) or (
            department.governs_id == user.region_id
        )
    return can_see_region(user, department.region)


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
