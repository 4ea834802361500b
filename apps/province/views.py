"""The province's pages (thin: access → selector or service → render)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.downloads import xlsx_response
from apps.core.errors import DomainError, PermissionDeniedError
from apps.core.web import cleaned, page, query_int
from apps.programs.access import access_program
from apps.staging.models import StagedImport
from apps.staging.selectors import staged_import_for_confirm
from apps.staging.services import staged_import_upload
from apps.staging.web import StagedImportStep, staged_import_page, when_committed

from . import imports, services, sheet
from .access import access_province, province_ids
from .forms import ProvinceTargetForm
from .selectors import province_cockpit, province_target_rows


def year_param(request: HttpRequest) -> int:
    return query_int(request, "year", low=1901, high=2199) or sheet.default_year(timezone.localdate())


@page
def cockpit(request: HttpRequest, region_id: int) -> HttpResponse:
    scope = access_province(request.user, region_id)
    data = province_cockpit(scope.province, manages=scope.manages, page=query_int(request, "page", low=1) or 1,
                            today=timezone.localdate())
    return render(request, "province/cockpit.html", {"data": data, "province": scope.province})


@page
def for_program(request: HttpRequest, program_id: int) -> HttpResponse:
    """The menu's 全省驾驶舱 on a program's pages: the cockpit of the user's province."""
    access_program(request.user, program_id)
    ids = province_ids(request.user)
    if not ids:
        raise PermissionDeniedError(_("只有省级生态办或省级领导可以查看全省驾驶舱。"))
    scope = access_province(request.user, ids[0])
    return redirect("province_cockpit", region_id=scope.province.id)


@page(back="province_targets")
def targets(request: HttpRequest, region_id: int) -> HttpResponse:
    scope = access_province(request.user, region_id, manage=request.method == "POST")
    if request.method == "POST":
        data = cleaned(ProvinceTargetForm(request.POST))
        services.province_target_save(scope=scope, indicator_id=data["indicator"], level=data["level"],
                                      target=data["target"], reason=data["reason"], actor=request.user)
        messages.success(request, _("已保存省级目标。"))
        return redirect("province_targets", region_id=scope.province.id)
    return render(request, "province/targets.html", {"province": scope.province, "manages": scope.manages,
                                                     "rows": province_target_rows(scope.province)})


@page
def sheet_download(request: HttpRequest, region_id: int) -> HttpResponse:
    scope = access_province(request.user, region_id, manage=True)
    return xlsx_response(*sheet.sheet_download(scope.province, year_param(request)))


@page
def sheet_import(request: HttpRequest, region_id: int) -> HttpResponse:
    """Upload → preview (old → new per row, or row errors) → confirm → commit, all or nothing."""
    scope = access_province(request.user, region_id, manage=True)
    options = {"province": scope.province.id}

    def find(token: str) -> StagedImport:
        staged = staged_import_for_confirm(actor=request.user, kind=imports.ASSIGNED, staged_id=token)
        if staged.options.get("province") != scope.province.id:
            raise DomainError(_("预览已失效，请重新上传文件。"))
        return staged

    def committed(staged: StagedImport) -> HttpResponse:
        messages.success(request, _("已写入全省考核任务：%(count)s个数值。") % {"count": staged.result["numbers"]})
        return redirect("province_cockpit", region_id=scope.province.id)

    step = StagedImportStep(
        kind=imports.ASSIGNED, program=None, actor=request.user, find=find,
        upload=lambda checked: staged_import_upload(kind=imports.ASSIGNED, actor=request.user, checked=checked,
                                                    options=options))
    return staged_import_page(request, step, template="province/sheet_import.html",
                              context={"province": scope.province, "year": year_param(request)},
                              done=when_committed(committed))
