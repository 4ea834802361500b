"""Checked uploads of monitoring files (CSV, xlsx, Parquet), reusing the helpers of apps.core.uploads.

xlsx goes through :func:`apps.core.uploads.check_upload` unchanged; CSV and Parquet, which the shared
content sniffer does not know, are checked here by content: Parquet by its ``PAR1`` magic at both ends,
CSV as text (UTF-8 or GB18030, no NUL bytes). Size limit, safe name and SHA-256 are the same as elsewhere.
"""

from __future__ import annotations

import hashlib
import os

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from apps.core.errors import DomainError
from apps.core.uploads import CheckedUpload, check_upload, safe_filename

EXTENSIONS = {"csv": {"csv", "txt"}, "xlsx": {"xlsx"}, "parquet": {"parquet", "pq"}}


def _is_text(data: bytes) -> bool:
    if b"\x00" in data[:65536]:
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def check_monitoring_upload(upload: UploadedFile | None) -> CheckedUpload:
    """A monitoring file, checked by content; ``kind`` is its format (csv / xlsx / parquet)."""
    if upload is None:
        raise DomainError("请选择要上传的文件。")
    name = safe_filename(upload.name or "")
    extension = os.path.splitext(name)[1].lstrip(".").lower()
    if extension in EXTENSIONS["xlsx"]:
        return check_upload(upload, allowed={"xlsx"})
    limit = settings.ECOCIV_MAX_UPLOAD_BYTES
    if upload.size is not None and upload.size > limit:
        raise DomainError(f"文件过大（{upload.size / 1048576:.1f} MB），上限为 {limit / 1048576:.0f} MB。")
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise DomainError(f"文件过大，上限为 {limit / 1048576:.0f} MB。")
    if not data:
        raise DomainError("文件为空。")
    if extension in EXTENSIONS["parquet"]:
        if not (len(data) >= 12 and data[:4] == b"PAR1" and data[-4:] == b"PAR1"):
            raise DomainError(f"文件「{name}」的内容不是 Parquet 格式。")
        kind = "parquet"
    elif extension in EXTENSIONS["csv"]:
        if not _is_text(data):
            raise DomainError(f"文件「{name}」的内容不是 CSV 文本（请保存为 UTF-8 或 GBK 编码）。")
        kind = "csv"
    else:
        raise DomainError(f"文件「{name}」的类型不受支持（允许 .csv、.xlsx、.parquet）。")
    return CheckedUpload(name=name, kind=kind, size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data)
