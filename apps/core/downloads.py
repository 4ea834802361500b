"""One way to answer a file: content type, an attachment name per RFC 5987, no sniffing, no caching."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse
from django.utils.cache import patch_cache_control

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def content_disposition(name: str, fallback: str) -> str:
    """``attachment`` with an ASCII ``filename`` for old clients and the real (Chinese) name per RFC 5987."""
    ascii_name = name if name.isascii() else fallback
    ascii_name = ascii_name.replace("\\", "_").replace('"', "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def _fallback(filename: str) -> str:
    extension = filename.rpartition(".")[2] if "." in filename else ""
    extension = extension if extension.isascii() and extension.isalnum() else ""
    return f"download.{extension}" if extension else "download"


def as_attachment(response: HttpResponse, filename: str, fallback: str | None = None) -> HttpResponse:
    """Mark ``response`` as a private download of ``filename`` (``fallback`` is its ASCII name)."""
    response["Content-Disposition"] = content_disposition(filename, fallback or _fallback(filename))
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, no_store=True)
    return response


def file_response(data: bytes, filename: str, content_type: str, fallback: str | None = None) -> HttpResponse:
    return as_attachment(HttpResponse(data, content_type=content_type), filename, fallback)


def xlsx_response(data: bytes, filename: str, fallback: str | None = None) -> HttpResponse:
    """An Excel workbook as a download named ``filename`` (Chinese is fine)."""
    return file_response(data, filename, XLSX, fallback)


def docx_response(data: bytes, filename: str, fallback: str | None = None) -> HttpResponse:
    """A Word document as a download named ``filename`` (Chinese is fine)."""
    return file_response(data, filename, DOCX, fallback)
