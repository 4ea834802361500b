"""Which units a user answers for in scoring (no model of this app: the models ask it for evidence rights)."""

from __future__ import annotations

from apps.accounts.models import Role, User
from apps.geo.models import DepartmentKind
from apps.programs.models import Program


def own_units(user: User, program: Program) -> set[int]:
    """The units whose sheet the user answers for: its reporter units and its county offices' governments."""
    units = {d.department.id for d in user.duties_as(Role.DEPARTMENT_REPORTER, program_id=program.id)
             if d.department is not None}
    counties = {d.region.id for d in user.duties_as(Role.COUNTY_OFFICE, program_id=program.id)
                if d.region is not None}
    if counties:
        units |= set(program.region.departments.filter(kind=DepartmentKind.GOVERNMENT, governs_id__in=counties)
                     .values_list("id", flat=True))
    return units
