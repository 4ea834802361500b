"""Reads of staged imports, and fetch-and-authorize for the one a user previewed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from apps.core.errors import DomainError, RowError, found

from .diff import RowChange
from .models import StagedImport, StagedStatus
from .registry import import_kind


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


def staged_import_own(*, actor: Any, kind: str, staged_id: object, program: Any = None) -> StagedImport:
    """The staged import ``staged_id`` of ``kind`` that ``actor`` uploaded (any status), or not found."""
    try:
        pk = int(str(staged_id))
    except ValueError:
        pk = 0
    return found(StagedImport.objects.filter(pk=pk, kind=kind, created_by=actor, program=program).first(),
                 "没有找到该导入。")


@dataclass(frozen=True)
class StagedPreview:
    """What the preview page and the API show of a staged import of any kind: the rows it changes (old → new
    per field), how many rows change nothing, its warnings, and its row errors when it was refused."""

    changes: list[RowChange]
    unchanged: int
    warnings: list[RowError]
    errors: list[RowError]
    message: str  # why a confirm was not carried out (the import is previewed again), or why it failed

    @property
    def ok(self) -> bool:
        return not self.errors


def staged_import_preview(staged: StagedImport) -> StagedPreview:
    """The preview of ``staged`` from its stored plan (changes, warnings) and stored row errors."""
    spec = import_kind(staged.kind)
    plan = staged.plan or {}
    stored = sorted((RowError.from_dict(e) for e in staged.errors or []), key=lambda e: e.row)
    refused = staged.status in (StagedStatus.REJECTED, StagedStatus.FAILED)
    message = staged.summary if staged.status == StagedStatus.FAILED else (stored[0].message if stored else "")
    return StagedPreview(spec.changes(plan) if plan else [], int(plan.get("unchanged", 0)),
                         spec.warnings(plan) if plan else [], stored if refused else [],
                         "" if staged.status == StagedStatus.REJECTED else message)
