"""Any staged import's progress, for its uploader: the page a large commit redirects to, polled with HTMX."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.core.web import page

from .access import access_staged_import
from .services import staged_import_recover


@page
def import_status(request: HttpRequest, import_id: int) -> HttpResponse:
    staged = staged_import_recover(staged=access_staged_import(request.user, import_id))
    return render(request, "staging/import.html", {"staged": staged, "program": staged.program})


@page
def import_progress(request: HttpRequest, import_id: int) -> HttpResponse:
    staged = staged_import_recover(staged=access_staged_import(request.user, import_id))
    response = render(request, "staging/_progress.html", {"staged": staged})
    if staged.finished and request.headers.get("HX-Request") and request.GET.get("polling"):
        response["HX-Refresh"] = "true"  # show what was written or refused
    return response
