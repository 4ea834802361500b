"""Every download is audited in one place: a response sent as an attachment (an export, an evidence file, a
sample sheet, the audit log's own export), page or API, is recorded with who, what file and which URL."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote

from django.http import HttpRequest, HttpResponse

from .models import AuditAction
from .services import record


def attachment_name(disposition: str) -> str | None:
    """The file name of an ``attachment`` Content-Disposition (the RFC 5987 one if given), else None."""
    kind, _sep, rest = disposition.partition(";")
    if kind.strip().lower() != "attachment":
        return None
    names = {}
    for part in rest.split(";"):
        key, _eq, value = part.strip().partition("=")
        names[key.lower()] = value.strip('"')
    if "filename*" in names:
        return unquote(names["filename*"].partition("''")[2])
    return names.get("filename", "")


class AuditDownloadsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 200 or not request.user.is_authenticated:
            return response
        filename = attachment_name(response.get("Content-Disposition", ""))
        if filename is None:
            return response
        match = request.resolver_match
        kwargs = dict(match.kwargs) if match is not None else {}
        evidence_id = kwargs.get("evidence_id")
        if evidence_id is not None:
            record(request.user, AuditAction.EVIDENCE_DOWNLOAD, request=request, target_type="evidence.evidence",
                   target_id=evidence_id, target_label=filename, path=request.path)
        else:
            record(request.user, AuditAction.EXPORT_DOWNLOAD, request=request, target_type="download",
                   target_id=kwargs.get("program_id", ""), target_label=filename, path=request.get_full_path(),
                   view=match.view_name if match is not None else "")
        return response
