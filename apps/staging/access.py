"""Who may see a staged import: its uploader, while the import's kind still lets them import there."""

from __future__ import annotations

from typing import Any

from apps.core.errors import NotFoundError

from .models import StagedImport
from .registry import import_kind


def access_staged_import(actor: Any, import_id: int) -> StagedImport:
    """The staged import ``import_id`` if ``actor`` uploaded it ("not found" for anyone else), and only while
    the kind's permission still holds (a refused actor gets the kind's 403)."""
    staged = StagedImport.objects.select_related("program").defer("plan").filter(pk=import_id,
                                                                                   created_by=actor).first()
    if staged is None or not actor.is_active:
        raise NotFoundError("没有找到该导入。")
    import_kind(staged.kind).authorize(actor, staged.program, staged.options)
    return staged
