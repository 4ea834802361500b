"""Who sets a campaign up in the app: an office administrator, within its own regions (the admin's rules).

Users and role assignments follow ``apps.accounts.access`` (a user all of whose duties lie within the office's
regions; a duty granted only within them, and only for the office's program when its duty is limited to one).
Units are set up by the office of their region or above; a program is created by an office for its own region
or a region below it (never by a county office, which holds no office duty), and changed as
``apps.programs.access.can_manage_program`` says, with its phases, milestones and county goals.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from apps.accounts.access import can_grant, office_duties, require_administer
from apps.accounts.models import User
from apps.core.errors import PermissionDeniedError, found
from apps.geo.models import Department, Region, RegionLevel
from apps.programs.access import access_program
from apps.programs.models import Milestone, Phase, Program, RegionGoal


def office_regions_q(user: User, lookup: str = "") -> Q:
    """The regions (through ``lookup``) within one of the user's office regions; every region for a superuser."""
    if user.is_active and user.is_superuser:
        return Q()
    q = Q(pk__in=[])
    for duty in office_duties(user):
        assert duty.region is not None
        q |= Q(**{f"{lookup}path__startswith": duty.region.path})
    return q


def office_regions(user: User) -> QuerySet[Region]:
    return Region.objects.filter(office_regions_q(user)).order_by("path")


def can_set_up_region(user: User, region: Region) -> bool:
    """Units, programs and duties standing in ``region`` are the user's to set up (an office at or above it)."""
    return can_grant(user, home=region, program_id=None)


def require_set_up_region(user: User, region: Region) -> None:
    if not can_set_up_region(user, region):
        raise PermissionDeniedError("该区域不在您的管辖范围内。")


def access_setup(user: User, program_id: int) -> Program:
    """The program whose menu the set-up pages hang under: an office that sees it and manages users."""
    require_administer(user)
    return access_program(user, program_id)


def managed_departments(user: User) -> QuerySet[Department]:
    return Department.objects.select_related("region", "governs").filter(office_regions_q(user, "region__"))


def access_managed_department(user: User, department_id: int) -> Department:
    department = found(Department.objects.select_related("region").filter(pk=department_id).first(), "单位不存在。")
    require_set_up_region(user, department.region)
    return department


def program_regions(user: User) -> QuerySet[Region]:
    """Where the user may create a program: its office regions and those below, at province or city level."""
    return office_regions(user).filter(level__in=[RegionLevel.PROVINCE, RegionLevel.CITY])


def require_create_program(user: User, region: Region) -> None:
    require_administer(user)
    if region.level not in (RegionLevel.PROVINCE, RegionLevel.CITY):
        raise PermissionDeniedError("创建工作须设在省或市一级。")
    if not any(d.program_id is None for d in office_duties(user)) and not user.is_superuser:
        raise PermissionDeniedError("您的管理员角色限于一项创建工作，不能新建创建工作。")
    require_set_up_region(user, region)


def access_managed_program(user: User, program_id: int) -> Program:
    return access_program(user, program_id, manage=True)


def access_program_part(user: User, program_id: int, model: type[Phase | Milestone | RegionGoal],
                        part_id: int) -> Phase | Milestone | RegionGoal:
    """A phase, milestone or county goal of a program the user manages, or raise."""
    program = access_managed_program(user, program_id)
    lookup = {"phase__program": program} if model is Milestone else {"program": program}
    return found(model._default_manager.filter(pk=part_id, **lookup).first(),
                 f"{model._meta.verbose_name}不存在。")
