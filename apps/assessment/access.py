"""Who sees which part of a program's attainment; the one place the pages and the API ask.

- Office, leader and inspector of the program's region (or above): every region of the program.
- Anyone whose home region is a county of the program (the county office, a county leader): that county
  only. ``IndicatorValue.can_view`` lets a county office read its own county's values and no other's, and
  the matrix and cockpit show values (in tooltips, gaps and sentences), so other counties' rows stay hidden.
- A person with several duties: the union (a county office who also reports for a unit sees its county's
  cockpit and its unit's indicators).
- Department reporters: their own unit's view, and the detail of the indicators their unit leads or
  cooperates on (``IndicatorValue.can_view`` lets them read those values in every region). Not the cockpit
  or the matrix.
- Anyone else (another city): 403 from :func:`apps.programs.access.access_program`.
"""

from __future__ import annotations

from dataclasses import dataclass

from apps.accounts.models import Role, User
from apps.core.errors import NotFoundError, PermissionDeniedError, found
from apps.geo.access import access_department, can_see_department
from apps.geo.models import Department, Region, RegionLevel
from apps.indicators.models import Indicator
from apps.programs.access import access_program
from apps.programs.models import Program, Responsibility
from apps.programs.selectors import program_indicators


@dataclass(frozen=True)
class Scope:
    """The regions of the program a user may see (None: all of them) and the region a cockpit opens on."""

    program: Program
    region_ids: frozenset[int] | None
    focus_id: int

    def sees(self, region_id: int) -> bool:
        return self.region_ids is None or region_id in self.region_ids

    def visible(self, regions: list[Region]) -> list[Region]:
        return [r for r in regions if self.sees(r.id)]


def access_assessment(user: User, program_id: int) -> Scope:
    """Fetch the program and the regions the user may see in the cockpit and the matrix, or raise."""
    return _scope(user, access_program(user, program_id))


def _reporter_units(user: User, program: Program) -> set[int]:
    return {d.department.id for d in user.duties_as(Role.DEPARTMENT_REPORTER, program_id=program.id)}


def _scope(user: User, program: Program) -> Scope:
    """The union over the user's duties other than reporting for a unit (which opens no cockpit)."""
    duties = [d for d in user.duties_as(program_id=program.id)
              if d.role != Role.DEPARTMENT_REPORTER and d.home is not None]
    if not duties:
        if _reporter_units(user, program):
            raise PermissionDeniedError("部门联络员请查看本单位的指标。")
        raise PermissionDeniedError("您无权查看该创建工作。")
    counties: list[int] = []
    for duty in duties:
        home = duty.home
        if program.region.path.startswith(home.path):
            return Scope(program, None, program.region_id)
        if home.path.startswith(program.region.path) and home.level == RegionLevel.COUNTY:
            counties.append(home.id)
    if counties:
        return Scope(program, frozenset(counties), counties[0])
    raise PermissionDeniedError("您无权查看该创建工作的达标情况。")


def access_indicator_region(user: User, program_id: int, indicator_id: int, region_id: int | None
                            ) -> tuple[Scope, int]:
    """Scope and region for an indicator's detail: a reporter only for its unit's indicators."""
    program = access_program(user, program_id)
    units = _reporter_units(user, program)
    if units and Responsibility.objects.filter(program=program, indicator_id=indicator_id,
                                               department_id__in=units).exists():
        scope = Scope(program, None, program.region_id)
    elif units and not user.has_role(Role.OFFICE_ADMIN, Role.COUNTY_OFFICE, Role.LEADER, Role.INSPECTOR,
                                     program_id=program.id):
        raise PermissionDeniedError("本单位不负责该指标。")
    else:
        scope = _scope(user, program)
    region = scope.focus_id if region_id is None else region_id
    if not scope.sees(region):
        raise PermissionDeniedError("您无权查看该区域。")
    return scope, region


def can_see_attainment(user: User, program: Program) -> bool:
    """The cockpit and the matrix open for the user (what :func:`access_assessment` asks; no query)."""
    try:
        _scope(user, program)
    except PermissionDeniedError:
        return False
    return True


def _require_unit_view(user: User, program: Program, department_id: int) -> None:
    """A unit's own view opens for its reporters, else for whoever sees the program's attainment."""
    units = _reporter_units(user, program)
    only_reporter = bool(units) and all(d.role == Role.DEPARTMENT_REPORTER
                                        for d in user.duties_as(program_id=program.id))
    if department_id not in units and not only_reporter:
        _scope(user, program)  # raises unless the user may see the program's attainment


def _in_program(program: Program, department: Department) -> bool:
    return (program.region.path.startswith(department.region.path)
            or department.region.path.startswith(program.region.path))


def access_unit(user: User, program_id: int, department_id: int) -> tuple[Program, Department]:
    """A unit's own view: its reporters, and the office/leader/inspector (or county office) who can see it."""
    program = access_program(user, program_id)
    _require_unit_view(user, program, department_id)
    department = access_department(user, department_id)
    if not _in_program(program, department):
        raise NotFoundError("单位不属于本创建工作。")
    return program, department


def can_open_unit(user: User, program: Program, department: Department) -> bool:
    """What :func:`access_unit` asks, for a department already loaded with its region (no query)."""
    try:
        _require_unit_view(user, program, department.id)
    except PermissionDeniedError:
        return False
    return can_see_department(user, department) and _in_program(program, department)


def access_leaf_indicator(program: Program, indicator_id: int) -> Indicator:
    """An assessed (leaf) indicator of the program, or 404."""
    indicator = found(next((i for i in program_indicators(program) if i.id == indicator_id), None),
                      "指标不属于本创建工作。")
    if not indicator.scope_levels:
        raise NotFoundError("该指标由子指标组成，请查看子指标。")
    return indicator
