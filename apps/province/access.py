"""Who reads a province's cockpit and who enters the province's numbers and targets.

A province office or province leader is the office or leader role with a province-level scope (see
docs/architecture.md, "Identity"): it reads the cockpit of its province, which lists every city's programs
(each linking to the city's own pages, read-only for it). Only the province office (the office role at the
province, for every program) enters the province sheet of 完成上级规定的考核任务 numbers and sets the
province's targets. A superuser reads every province. Anyone else, a city office included, is refused (403);
a region that is not a province is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from apps.accounts.models import Role, User
from apps.core.errors import PermissionDeniedError, found
from apps.geo.access import is_province
from apps.geo.models import Region, RegionLevel

#: The roles that read a province's cockpit when held at the province.
READERS = (Role.OFFICE_ADMIN, Role.LEADER)


@dataclass(frozen=True)
class ProvinceScope:
    """The province a user reads, and whether it is that province's office (enters its numbers and targets)."""

    province: Region
    manages: bool


def province_ids(user: User) -> list[int]:
    """The provinces whose cockpit the user reads through a duty (not counting superuser rights); no query."""
    return sorted({d.region.id for d in user.duties_as(*READERS)
                   if d.region is not None and is_province(d.region)})


def manages_province(user: User, province: Region) -> bool:
    """The province office: an office duty at the province itself, for every program."""
    return user.is_active and any(d.region is not None and d.region.id == province.id and d.program_id is None
                                  for d in user.duties_as(Role.OFFICE_ADMIN))


def can_read_province(user: User, province: Region) -> bool:
    return user.is_active and (user.is_superuser or province.id in province_ids(user))


def access_province(user: User, region_id: int, *, manage: bool = False) -> ProvinceScope:
    """The province ``region_id`` if the user reads it (and is its office, if ``manage``), or raise."""
    province = found(Region.objects.filter(pk=region_id, level=RegionLevel.PROVINCE).first(), "省不存在。")
    if not can_read_province(user, province):
        raise PermissionDeniedError("只有省级生态办或省级领导可以查看全省驾驶舱。")
    manages = manages_province(user, province)
    if manage and not manages:
        raise PermissionDeniedError("只有省级生态办可以执行此操作。")
    return ProvinceScope(province, manages)
