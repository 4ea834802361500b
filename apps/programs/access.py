"""Fetch-and-authorize for programs: the one place that says who sees and manages a program.

A user sees, for each of its duties (``User.duties``), the programs of the duty's home region's subtree and of
the regions above it (see apps.geo.access); a duty limited to one program opens only that program. The user
sees the union over its duties.

An office administrator manages the programs of its region and below; a province office manages only the
province's own programs. It reads every city's programs of its province but does not change them or their values
(read-only on city data, for now). A county office manages its own county's part of a program.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest

from apps.accounts.models import Duty, Role, User
from apps.core.errors import NotFoundError, PermissionDeniedError
from apps.geo.access import ancestor_paths, can_see_region, is_province
from apps.geo.models import Region

from .models import Program


def visible_programs_q(user: User) -> Q:
    q = Q(pk__in=[])
    for duty in user.duties:
        home = duty.home
        if home is None:
            continue
        duty_q = Q(region__path__startswith=home.path) | Q(region__path__in=ancestor_paths(home.path))
        q |= duty_q if duty.program_id is None else duty_q & Q(pk=duty.program_id)
    return q


def _manages(duty: Duty, program: Program) -> bool:
    if duty.role != Role.OFFICE_ADMIN or duty.region is None or not duty.covers(program.id):
        return False
    if is_province(duty.region):
        return program.region_id == duty.region.id
    return program.region.path.startswith(duty.region.path)


def can_manage_program(user: User, program: Program) -> bool:
    """Office administrators of the program's region (or above, short of a province) set it up and change it."""
    return user.is_active and any(_manages(d, program) for d in user.duties)


def can_manage_region(user: User, program: Program, region: Region) -> bool:
    """The city office for every region of its program; a county office for its own county."""
    if can_manage_program(user, program):
        return True
    return user.is_active and any(
        d.region is not None and region.path.startswith(d.region.path)
        for d in user.duties_as(Role.COUNTY_OFFICE, program_id=program.id)
    )


def can_open_region(user: User, program: Program, region: Region) -> bool:
    """A region's page of the program: a region of the program that the user sees (a county office: its own)."""
    return region.path.startswith(program.region.path) and can_see_region(user, region)


def require_manage(user: User, program: Program, refusal: str = "只有生态办管理员可以执行此操作。") -> None:
    """Raise ``refusal`` unless the user manages the program: pages every role may see, changes only the office makes."""
    if not can_manage_program(user, program):
        raise PermissionDeniedError(refusal)


def manager_posts(request: HttpRequest, program: Program, refusal: str) -> bool:
    """Whether the request is a POST, which only the program's managers may send (a page every role may see with
    an office-only form); anyone else's is refused with ``refusal``."""
    if request.method != "POST":
        return False
    require_manage(request.user, program, refusal)  # type: ignore[arg-type]
    return True


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
