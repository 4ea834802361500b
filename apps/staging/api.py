"""``GET /api/imports/{id}``: any staged import's status for its uploader (a large commit answers "committing": poll it here)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from .access import access_staged_import
from .models import StagedImport
from .schemas import StagedImportOut
from .services import staged_import_recover

router = Router(tags=["导入"])


@router.get("/imports/{import_id}", response=StagedImportOut, summary="导入的状态与进度（仅上传者）")
def import_status(request: HttpRequest, import_id: int) -> StagedImport:
    return staged_import_recover(staged=access_staged_import(request.user, import_id))
