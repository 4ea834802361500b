"""The one API answer of every staged import (responsibilities, tasks, projects, values): what it will change
(old → new per field), how many rows change nothing, its warnings and row errors, and how far it is."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema

from apps.core.schemas import RowErrorOut

from .models import StagedImport, StagedStatus
from .selectors import staged_import_preview


class FieldChangeOut(Schema):
    field: str
    label: str
    old: str
    new: str


class RowChangeOut(Schema):
    """One sheet row that creates (``created``) or changes a stored row: its changed fields, old → new."""

    row: int
    name: str
    created: bool
    changes: list[FieldChangeOut]


class StagedImportOut(Schema):
    """A :class:`~apps.staging.models.StagedImport`: previewed (confirm it with ``…/commit``), committing (poll
    it), committed (``result`` counts what was written), rejected (``errors``) or failed. ``changes`` and
    ``unchanged`` are its preview: an import of an unchanged export has no changes."""

    import_id: int
    kind: str
    status: str = Field(alias="display_status")  # "interrupted" when a running one has stopped moving
    finished: bool
    committed: bool
    progress: int
    rows: int
    unchanged: int
    changes: list[RowChangeOut]
    warnings: list[RowErrorOut]
    errors: list[RowErrorOut]
    message: str
    result: dict[str, Any]

    @staticmethod
    def resolve_import_id(obj: StagedImport) -> int:
        return obj.pk

    @staticmethod
    def resolve_committed(obj: StagedImport) -> bool:
        return obj.status == StagedStatus.COMMITTED

    @staticmethod
    def resolve_unchanged(obj: StagedImport) -> int:
        return _preview(obj).unchanged

    @staticmethod
    def resolve_changes(obj: StagedImport) -> list[Any]:
        return list(_preview(obj).changes)

    @staticmethod
    def resolve_warnings(obj: StagedImport) -> list[Any]:
        return list(_preview(obj).warnings)

    @staticmethod
    def resolve_errors(obj: StagedImport) -> list[Any]:
        return list(_preview(obj).errors)

    @staticmethod
    def resolve_message(obj: StagedImport) -> str:
        return _preview(obj).message


def _preview(obj: StagedImport) -> Any:
    """The preview, read once per answer from the stored plan."""
    if getattr(obj, "_preview", None) is None:
        obj._preview = staged_import_preview(obj)  # type: ignore[attr-defined]
    return obj._preview  # type: ignore[attr-defined]
