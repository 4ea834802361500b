"""The one evidence download: fetch, ask the subject, and send the file under its original name."""

from __future__ import annotations

from urllib.parse import quote

from django.http import FileResponse, HttpRequest, HttpResponse

from apps.core.web import page

from .access import access_evidence
from .models import Evidence

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg",
    "png": "image/png",
}


def content_disposition(name: str, fallback: str) -> str:
    """``attachment`` with an ASCII ``filename`` for old clients and the real (Chinese) name per RFC 5987."""
    ascii_name = name if name.isascii() else fallback
    ascii_name = ascii_name.replace("\\", "_").replace('"', "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def evidence_response(evidence: Evidence) -> HttpResponse:
    """The file as an attachment; its type is the checked kind, never sniffed by the browser."""
    response = FileResponse(evidence.file.open("rb"),
                            content_type=CONTENT_TYPES.get(evidence.kind, "application/octet-stream"))
    response["Content-Disposition"] = content_disposition(evidence.original_name,
                                                          f"evidence-{evidence.id}.{evidence.kind}")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@page
def download(request: HttpRequest, evidence_id: int) -> HttpResponse:
    return evidence_response(access_evidence(request.user, evidence_id))
