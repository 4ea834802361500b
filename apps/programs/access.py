"""Fetch-and-authorize for programs: the one place that says who sees and manages a program.

A user sees the programs of its home region's subtree and of the regions above it (see apps.geo.access).
Office administrators of the program's region (or above) manage it; a county office manages its own county's
part of it.
"""

from __future__ import annotations

from django.db.models import Q

from apps.accounts.models import Role, User
from apps.core.errors import NotFoundError, PermissionDeniedError
from apps.geo.access import ancestor_paths, home_region
from apps.geo.models import Region

from .models import Program


def visible_programs_q(user: User) -> Q:
    home = home_region(user)
    if home is None:
        return Q(pk__in=[])
    return Q(region__path__startswith=home.path) | Q(region__path__in=ancestor_paths(home.path))


def can_manage_program(user: User, program: Program) -> bool:
    """Office administrators of the program's region (or above) set it up and change it."""
    return (
        user.is_active
        and user.role == Role.OFFICE_ADMIN
        and user.region_id is not None
        and program.region.path.startswith(user.region.path)
    )


def can_manage_region(user: User, program: Program, region: Region) -> bool:
    """The city office for every region of its program; a county office for its own county."""
    if can_manage_program(user, program):
        return True
    return (
        user.is_active
        and user.role == Role.COUNTY_OFFICE
        and user.region_id is not None
        and region.path.startswith(user.region.path)
    )


def access_program(user: User, program_id: int, *, manage: bool = False) -> Program:
    """Fetch a program the user may see (and manage, if asked) or raise; the one place for this check."""
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
