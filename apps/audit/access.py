"""Who reads the audit log: an office administrator, the events of its regions (and the regions below them);
a superuser (operations) every event. Nobody else, and nobody changes or deletes an event.

Events are placed in a region when they are recorded (apps/audit/services.py); an event with no region (a failed
login under a name nobody has) is visible to superusers only. Audit sits below accounts, so the role is named by
its stored value (``accounts.Role.OFFICE_ADMIN``; tests/audit/test_access.py keeps the two equal).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from apps.core.errors import PermissionDeniedError

OFFICE_ADMIN = "office_admin"


@dataclass(frozen=True)
class AuditScope:
    """The region paths whose events the user reads (None: every event)."""

    paths: tuple[str, ...] | None

    def q(self) -> Q:
        if self.paths is None:
            return Q()
        condition = Q(pk__in=[])
        for path in self.paths:
            condition |= Q(region__path__startswith=path)
        return condition


def access_audit_log(user: Any) -> AuditScope:
    """The scope of the audit log the user reads, or ``PermissionDeniedError``."""
    if not (user.is_authenticated and user.is_active):
        raise PermissionDeniedError("请先登录。")
    if user.is_superuser:
        return AuditScope(paths=None)
    paths = tuple(dict.fromkeys(d.region.path for d in user.duties if d.role == OFFICE_ADMIN and d.region))
    if not paths:
        raise PermissionDeniedError("只有生态办管理员可以查看审计日志。")
    return AuditScope(paths=paths)
