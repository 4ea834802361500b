"""The office's audit log page (/audit/) and its Excel export (/audit/export.xlsx), the export itself audited
as a download (apps/audit/middleware.py)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from apps.core.downloads import xlsx_response
from apps.core.web import page

from .access import access_audit_log
from .exports import render_audit_xlsx
from .forms import AuditSearchForm
from .selectors import audit_events

PAGE_SIZE = 50


@page
def audit_log(request: HttpRequest) -> HttpResponse:
    scope = access_audit_log(request.user)
    form = AuditSearchForm(request.GET or None)
    events = audit_events(scope, form.search() if form.is_bound else AuditSearchForm().search())
    current = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/log.html", {"form": form, "page_obj": current, "query": query.urlencode()})


@page
def audit_export(request: HttpRequest) -> HttpResponse:
    scope = access_audit_log(request.user)
    form = AuditSearchForm(request.GET or None)
    events = audit_events(scope, form.search() if form.is_bound else AuditSearchForm().search())
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(render_audit_xlsx(events.iterator(chunk_size=2000)), f"审计日志-{stamp}.xlsx",
                         f"audit-{stamp}.xlsx")
