"""The province's API: the cockpit, its targets and the sheet of 完成上级规定的考核任务 numbers (same checks as
the pages)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router

from apps.accounts.models import User
from apps.core.downloads import xlsx_response
from apps.staging.web import ImportPlace, staged_import_routes

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


def _assigned_place(user: User, region_id: int) -> ImportPlace:
    """The province's sheet of assigned numbers: its office's, kept with the province (no program)."""
    return ImportPlace(options={"province": access_province(user, region_id, manage=True).province.id})


staged_import_routes(router, "/provinces/{region_id}/assigned/import", kind=imports.ASSIGNED, access=_assigned_place,
                     summaries=("上传全省考核任务表并预览（每行原值 → 新值）；确认用 …/import/{import_id}/commit；"
                                "commit=true 时一步写入。任一行有错误则不写入（400）",
                                "本人上传的全省考核任务表导入：预览、进度或结果",
                                "确认写入已预览的全省考核任务表（仅上传者）；预览后数据有变化则不写入并重新预览（400）"))
