"""Writes of the province office: its targets (the province sheet is a staged import, :mod:`.imports`)."""

from __future__ import annotations

from apps.accounts.models import User
from apps.core.errors import DomainError, PermissionDeniedError
from apps.programs.models import ProvinceTarget
from apps.programs.services import province_target_set

from .access import ProvinceScope
from .selectors import province_indicators


def province_target_save(*, scope: ProvinceScope, indicator_id: int, level: str, target: str, reason: str,
                         actor: User) -> ProvinceTarget:
    """Set (or, with an empty target, withdraw) the province's target for one of its cities' national
    indicators at one level; refused unless the actor is the province office (``scope.manages``)."""
    if not scope.manages:
        raise PermissionDeniedError("只有省级生态办可以设置省级目标。")
    indicator = next((i for i in province_indicators(scope.province) if i.id == indicator_id), None)
    if indicator is None:
        raise DomainError("指标不属于本省各市创建工作的指标体系。")
    return province_target_set(province=scope.province, indicator=indicator, level=level, target=target,
                               reason=reason, actor=actor)
