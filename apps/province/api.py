"""The province's API: the cockpit, its targets and the sheet of 完成上级规定的考核任务 numbers (same checks as
the pages)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import File, Form, Router
from ninja.files import UploadedFile

from apps.core.downloads import xlsx_response
from apps.core.errors import DomainError
from apps.core.uploads import check_upload
from apps.staging.models import StagedImport
from apps.staging.schemas import StagedImportOut
from apps.staging.selectors import staged_import_for_confirm
from apps.staging.services import (
    SMALL_INLINE,
    raise_outcome,
    staged_import_authorize,
    staged_import_commit,
    staged_import_upload,
)

from . import imports, services, sheet
from .access import access_province
from .data import ProvinceCockpit, ProvinceTargets
from .schemas import ProvinceCockpitOut, ProvinceTargetIn, ProvinceTargetsOut
from .selectors import province_cockpit, province_targets_page

router = Router(tags=["全省驾驶舱"])


@router.get("/provinces/{region_id}/cockpit", response=ProvinceCockpitOut, summary="全省驾驶舱（省级生态办、省级领导）")
def cockpit(request: HttpRequest, region_id: int, page: int = 1) -> ProvinceCockpit:
    scope = access_province(request.user, region_id)
    return province_cockpit(scope.province, manages=scope.manages, page=max(1, min(page, 10**6)),
                            today=timezone.localdate())


@router.get("/provinces/{region_id}/targets", response=ProvinceTargetsOut, summary="省级目标（国家指标×市、县层级）")
def targets(request: HttpRequest, region_id: int) -> ProvinceTargets:
    scope = access_province(request.user, region_id)
    return province_targets_page(scope.province, manages=scope.manages)


@router.post("/provinces/{region_id}/targets", response=ProvinceTargetsOut,
             summary="设置或撤销（target 留空）一项省级目标（仅省级生态办）；答复全部省级目标")
def target_set(request: HttpRequest, region_id: int, payload: ProvinceTargetIn) -> ProvinceTargets:
    scope = access_province(request.user, region_id, manage=True)
    services.province_target_save(scope=scope, indicator_id=payload.indicator_id, level=payload.level,
                                  target=payload.target, reason=payload.reason, actor=request.user)
    return province_targets_page(scope.province, manages=True)


@router.get("/provinces/{region_id}/assigned.xlsx", summary="下载全省考核任务表（各市×需录入考核任务值的指标，仅省级生态办）")
def sheet_download(request: HttpRequest, region_id: int, year: int | None = None) -> HttpResponse:
    scope = access_province(request.user, region_id, manage=True)
    chosen = year if year is not None and 1901 <= year <= 2199 else sheet.default_year(timezone.localdate())
    return xlsx_response(*sheet.sheet_download(scope.province, chosen))


@router.post("/provinces/{region_id}/assigned/import", response=StagedImportOut,
             summary="上传全省考核任务表并预览（每行原值 → 新值）；确认用 …/import/{import_id}/commit；"
                     "commit=true 时一步写入。任一行有错误则不写入（400）")
def sheet_upload(request: HttpRequest, region_id: int, file: File[UploadedFile],
                 commit: Form[bool] = False) -> StagedImport:
    scope = access_province(request.user, region_id, manage=True)
    options = {"province": scope.province.id}
    staged_import_authorize(kind=imports.ASSIGNED, actor=request.user, options=options)
    checked = check_upload(file, allowed={"xlsx"})
    staged = staged_import_upload(kind=imports.ASSIGNED, actor=request.user, checked=checked, options=options)
    raise_outcome(staged)
    return staged_import_commit(staged=staged, actor=request.user, backend=SMALL_INLINE) if commit else staged


@router.post("/provinces/{region_id}/assigned/import/{import_id}/commit", response=StagedImportOut,
             summary="确认写入已预览的全省考核任务表（仅上传者）；预览后数据有变化则不写入并重新预览（400）")
def sheet_commit(request: HttpRequest, region_id: int, import_id: int) -> StagedImport:
    scope = access_province(request.user, region_id, manage=True)
    staged = staged_import_for_confirm(actor=request.user, kind=imports.ASSIGNED, staged_id=import_id)
    if staged.options.get("province") != scope.province.id:
        raise DomainError("预览已失效，请重新上传文件。")
    return staged_import_commit(staged=staged, actor=request.user, backend=SMALL_INLINE)
