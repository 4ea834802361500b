"""Checked uploads of monitoring files (CSV, xlsx, Parquet), reusing the helpers of apps.core.uploads.

Monitoring files have their own size limit, ``settings.ECOCIV_MAX_MONITORING_UPLOAD_BYTES``
(``ECOCIV_MAX_MONITORING_UPLOAD_MB``, default 200): a city's year of hourly data is 10–30 MB, far above the
evidence limit. Uploads above ``FILE_UPLOAD_MAX_MEMORY_SIZE`` arrive as temporary files; CSV and Parquet are
checked by reading them in chunks (text check and SHA-256 as a stream, Parquet's ``PAR1`` magic at both ends
by seeking) and are copied to storage in chunks, so a large file is never held in memory by the upload step.
xlsx goes through :func:`apps.core.uploads.check_upload` (a workbook is parsed in memory anyway).
"""

from __future__ import annotations

import codecs
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile, SimpleUploadedFile, UploadedFile

from apps.core.errors import DomainError
from apps.core.uploads import CheckedUpload, check_upload, safe_filename
from docimport.monitoring import detect_format

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class CheckedMonitoringUpload(CheckedUpload):
    """A checked monitoring file; ``data`` is empty when the content stays in ``source`` (a temporary file)."""

    source: UploadedFile | None = None


def max_bytes() -> int:
    return getattr(settings, "ECOCIV_MAX_MONITORING_UPLOAD_BYTES", 200 * 1024 * 1024)


def _too_large(size: float, limit: int) -> DomainError:
    return DomainError(f"监测数据文件过大（{size / 1048576:.1f} MB），上限为 {limit / 1048576:.0f} MB"
                       "（由 ECOCIV_MAX_MONITORING_UPLOAD_MB 设置）；请按年度或区域拆分后分别上传。")


def _is_text(upload: UploadedFile) -> bool:
    """UTF-8 or GB18030 text without NUL bytes, decoded incrementally chunk by chunk."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for chunk in _chunks(upload):
                if b"\x00" in chunk:
                    return False
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return True
    return False


def _chunks(upload: UploadedFile) -> Iterator[bytes]:
    upload.seek(0)
    yield from upload.chunks(CHUNK)


def _is_parquet(upload: UploadedFile, size: int) -> bool:
    if size < 12:
        return False
    upload.seek(0)
    head = upload.read(4)
    upload.seek(size - 4)
    tail = upload.read(4)
    upload.seek(0)
    return head == b"PAR1" and tail == b"PAR1"


def check_monitoring_upload(upload: UploadedFile | None) -> CheckedMonitoringUpload:
    """A monitoring file, checked by content; ``kind`` is its format (csv / xlsx / parquet)."""
    if upload is None:
        raise DomainError("请选择要上传的文件。")
    limit = max_bytes()
    name = safe_filename(upload.name or "")
    fmt = detect_format(name)
    if upload.size is not None and upload.size > limit:
        raise _too_large(upload.size, limit)
    if fmt == "xlsx":
        checked = check_upload(upload, allowed={"xlsx"}, max_bytes=limit)
        return CheckedMonitoringUpload(name=checked.name, kind=checked.kind, size=checked.size,
                                       sha256=checked.sha256, data=checked.data)
    if fmt is None:
        raise DomainError(f"文件「{name}」的类型不受支持（允许 .csv、.xlsx、.parquet）。")
    digest, size = hashlib.sha256(), 0
    for chunk in _chunks(upload):  # the size as read, not as declared
        size += len(chunk)
        if size > limit:
            raise _too_large(size, limit)
        digest.update(chunk)
    if not size:
        raise DomainError("文件为空。")
    if fmt == "parquet":
        if not _is_parquet(upload, size):
            raise DomainError(f"文件「{name}」的内容不是 Parquet 格式。")
        kind = "parquet"
    else:
        if not _is_text(upload):
            raise DomainError(f"文件「{name}」的内容不是 CSV 文本（请保存为 UTF-8 或 GBK 编码）。")
        kind = "csv"
    upload.seek(0)
    in_memory = isinstance(upload, InMemoryUploadedFile | SimpleUploadedFile)
    data = upload.read() if in_memory else b""  # already in memory: keep it; on disk: copied in chunks later
    upload.seek(0)
    return CheckedMonitoringUpload(name=name, kind=kind, size=size, sha256=digest.hexdigest(), data=data,
                                   source=None if in_memory else upload)
