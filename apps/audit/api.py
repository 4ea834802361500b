"""The audit log, read-only: a page of events in the user's scope (office administrators), newest first."""

from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import LimitOffsetPagination, paginate

from .access import access_audit_log
from .models import AuditEvent
from .schemas import AuditEventOut, AuditFilter
from .selectors import AuditSearch, audit_events

router = Router(tags=["审计日志"])


@router.get("/audit/events", response=list[AuditEventOut], summary="审计日志（只读；生态办管理员，本辖区）")
@paginate(LimitOffsetPagination)
def audit_event_list(request: HttpRequest, filters: Query[AuditFilter]) -> list[AuditEvent]:
    scope = access_audit_log(request.user)
    search = AuditSearch(actor=filters.actor, action=filters.action, since=filters.since, until=filters.until,
                         text=filters.q)
    return audit_events(scope, search)  # type: ignore[return-value] - paginate slices the queryset
