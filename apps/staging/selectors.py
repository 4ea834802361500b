"""Reads of staged imports, and fetch-and-authorize for the one a user previewed."""

from __future__ import annotations

from typing import Any

from apps.core.errors import DomainError

from .models import StagedImport, StagedStatus


def staged_import_for_confirm(*, actor: Any, kind: str, staged_id: object, program: Any = None) -> StagedImport:
    """The previewed import ``staged_id`` of ``kind`` that ``actor`` uploaded, or "the preview has expired"."""
    try:
        pk = int(str(staged_id))
    except ValueError:
        pk = 0
    staged = StagedImport.objects.filter(pk=pk, kind=kind, created_by=actor, program=program,
                                         status=StagedStatus.PREVIEWED).first()
    if staged is None:
        raise DomainError("预览已失效，请重新上传文件。")
    return staged
