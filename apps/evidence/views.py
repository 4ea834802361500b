"""The one evidence download: fetch, ask the subject, and send the file under its original name."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse

from apps.core.downloads import DOCX, XLSX, as_attachment
from apps.core.errors import GoneError
from apps.core.web import page

from .access import access_evidence
from .models import Evidence

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": DOCX,
    "xlsx": XLSX,
    "jpg": "image/jpeg",
    "png": "image/png",
}


def evidence_response(evidence: Evidence) -> HttpResponse:
    """The file as an attachment; its type is the checked kind, never sniffed by the browser. A record whose file
    is missing from storage answers 410 with a message, never a server error."""
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:  # ValueError: the record names no file at all
        raise GoneError(f"佐证材料「{evidence.original_name}」的文件已丢失，请联系生态办重新上传。") from exc
    response = FileResponse(handle, content_type=CONTENT_TYPES.get(evidence.kind, "application/octet-stream"))
    return as_attachment(response, evidence.original_name, f"evidence-{evidence.id}.{evidence.kind}")


@page
def download(request: HttpRequest, evidence_id: int) -> HttpResponse:
    return evidence_response(access_evidence(request.user, evidence_id))
