"""The one place uploads are checked: size, type by content (not by name), a safe name, and for a workbook
how far it would unpack (its zip directory, before any parser sees it).

Whoever may not import must be refused before this runs: the import edges ask the kind's permission first
(:func:`apps.staging.services.staged_import_authorize`), then call :func:`check_upload`.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from docimport.xlsx import SheetError, SheetLimits, check_workbook

from .errors import DomainError

#: Allowed kinds → (extensions accepted in the name, MIME types recognised from the content).
KINDS: dict[str, tuple[set[str], set[str]]] = {
    "pdf": ({"pdf"}, {"application/pdf"}),
    "docx": ({"docx"}, {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/zip"}),
    "xlsx": ({"xlsx"}, {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/zip"}),
    "jpg": ({"jpg", "jpeg"}, {"image/jpeg"}),
    "png": ({"png"}, {"image/png"}),
    # plain text and web pages have no magic number: recognised as UTF-8 text without NUL bytes (text_kind)
    "txt": ({"txt"}, set()),
    "html": ({"html", "htm"}, set()),
}
_OOXML_MARKERS = {"docx": b"word/", "xlsx": b"xl/"}


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    kind: str
    size: int
    sha256: str
    data: bytes


def safe_filename(name: str) -> str:
    """Keep the user's (Chinese) name readable but harmless: no directories, no control characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").split("/")[-1]
    name = re.sub(r"[\x00-\x1f\x7f<>:\"|?*]", "", name).strip().lstrip(".")
    stem, ext = os.path.splitext(name)
    stem = stem[:100] or "file"
    return f"{stem}{ext.lower()[:10]}"


def detect_kind(data: bytes) -> str | None:
    guess = filetype.guess(data[:8192])
    if guess is None:
        return None
    for kind, (_, mimes) in KINDS.items():
        if guess.mime in mimes:
            if guess.mime == "application/zip" or kind in _OOXML_MARKERS:
                for ooxml, marker in _OOXML_MARKERS.items():
                    if marker in data[:65536] or marker in data[-65536:]:
                        return ooxml
                return None
            return kind
    return None


def text_kind(data: bytes, extension: str) -> str | None:
    """``txt`` or ``html`` (by the name's extension) for text: UTF-16 with its BOM, or without NUL bytes in UTF-8
    or GB18030 (as Chinese government sites still publish); None for anything else."""
    kind = next((k for k in ("txt", "html") if extension in KINDS[k][0]), None)
    if kind is not None and data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 with its BOM (Notepad's "Unicode")
        try:
            data.decode("utf-16")
        except UnicodeDecodeError:
            return None
        return kind
    if kind is None or b"\x00" in data:
        return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return kind
    return None


def sheet_limits() -> SheetLimits:
    """The bounds of every sheet import (``ECOCIV_MAX_SHEET_UNPACKED_MB``, ``…_RATIO``, ``ECOCIV_MAX_IMPORT_ROWS``)."""
    return SheetLimits(max_unpacked=settings.ECOCIV_MAX_SHEET_UNPACKED_BYTES, max_ratio=settings.ECOCIV_MAX_SHEET_RATIO,
                       max_rows=settings.ECOCIV_MAX_IMPORT_ROWS)


T = TypeVar("T")


def parse_sheet(parse: Callable[..., T], data: bytes) -> T:
    """``parse(data, limits=sheet_limits())`` for a docimport sheet parser; a sheet it cannot read at all (a
    :class:`~docimport.xlsx.SheetError`) is a :class:`DomainError` with its message."""
    try:
        return parse(data, limits=sheet_limits())
    except SheetError as exc:
        raise DomainError(str(exc)) from exc


def check_upload(upload: UploadedFile | None, *, allowed: set[str], max_bytes: int | None = None) -> CheckedUpload:
    if upload is None:
        raise DomainError("请选择要上传的文件。")
    limit = max_bytes or settings.ECOCIV_MAX_UPLOAD_BYTES
    if upload.size is not None and upload.size > limit:
        raise DomainError(f"文件过大（{upload.size / 1048576:.1f} MB），上限为 {limit / 1048576:.0f} MB。")
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise DomainError(f"文件过大，上限为 {limit / 1048576:.0f} MB。")
    if not data:
        raise DomainError("文件为空。")
    name = safe_filename(upload.name or "")
    extension = os.path.splitext(name)[1].lstrip(".").lower()
    kind = detect_kind(data) or text_kind(data, extension)
    if kind is None or kind not in allowed:
        allowed_text = "、".join(sorted(allowed))
        raise DomainError(f"文件「{name}」的内容不是允许的类型（{allowed_text}）。")
    if extension not in KINDS[kind][0]:
        raise DomainError(f"文件「{name}」的扩展名与内容（{kind}）不符。")
    if kind == "xlsx":
        try:
            check_workbook(data, sheet_limits())
        except SheetError as exc:
            raise DomainError(f"文件「{name}」：{exc}") from exc
    return CheckedUpload(name=name, kind=kind, size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data)
