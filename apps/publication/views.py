"""The office's publication page (发布) and the public portal (/public/<program>/, no login).

The portal's pages read only :func:`apps.publication.selectors.portal` (published snapshots, cached) and render in
Simplified Chinese with their own light layout: no menu, no link into the authenticated app, no evidence.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.core.downloads import as_attachment, file_response, xlsx_response
from apps.core.errors import NotFoundError
from apps.core.uploads import check_upload
from apps.core.web import page, public_page, submit

from . import exports, services
from .access import access_publication, access_publications
from .forms import PortalSettingForm, PublicationForm, PublicationStepForm
from .models import PortalSetting, PortalStatus
from .selectors import Portal, portal, project_rows, publications, published_file, region_indicators
from .workflow import PUBLICATION_WORKFLOW, PublicationStatus

# --- the office's page ---------------------------------------------------------------------------------


@page
def manage(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_publications(request.user, program_id)
    form = PublicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        def create(data: dict[str, Any]) -> object:
            upload = check_upload(data["file"], allowed=services.PLAN_FILE_KINDS) if data.get("file") else None
            return services.publication_create(program=program, actor=request.user, kind=data["kind"],  # type: ignore[arg-type]
                                               title=data["title"], year=data.get("year"), body=data.get("body", ""),
                                               doc_number=data.get("doc_number", ""), upload=upload)
        if submit(form, create) is not None:
            messages.success(request, _("已保存为草稿；发布后才会在门户上公开。"))
            return redirect("publications", program_id=program.id)
    setting = PortalSetting.objects.filter(program=program).first()
    setting_form = PortalSettingForm(initial={"status": setting.status if setting else PortalStatus.CREATING,
                                              "intro": setting.intro if setting else ""})
    rows = list(publications(program))
    return render(request, "publication/manage.html", {
        "program": program, "form": form, "setting_form": setting_form, "rows": rows,
        "actions": {row.id: PUBLICATION_WORKFLOW.allowed_actions(row.status) for row in rows},
        "has_published": any(row.status == PublicationStatus.PUBLISHED for row in rows),
    })


def _back(program_id: int, **_kwargs: object) -> str:
    return reverse("publications", kwargs={"program_id": program_id})


@page(back=_back)
@require_POST
def step(request: HttpRequest, program_id: int, publication_id: int) -> HttpResponse:
    publication = access_publication(request.user, program_id, publication_id)
    form = PublicationStepForm(request.POST)
    form.is_valid()
    services.publication_transition(publication=publication, action=form.cleaned_data.get("action") or "",
                                    actor=request.user, reason=form.cleaned_data.get("reason") or "",  # type: ignore[arg-type]
                                    expected_version=form.cleaned_data.get("version"))
    messages.success(request, _("「%(title)s」：%(status)s。") % {
        "title": publication.title, "status": PUBLICATION_WORKFLOW.status_label(publication.status)})
    return redirect("publications", program_id=program_id)


@page(back="publications")
@require_POST
def setting(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_publications(request.user, program_id)
    form = PortalSettingForm(request.POST)
    if form.is_valid():
        services.portal_setting_set(program=program, actor=request.user, status=form.cleaned_data["status"],  # type: ignore[arg-type]
                                    intro=form.cleaned_data["intro"])
        messages.success(request, _("门户设置已保存。"))
    else:
        messages.error(request, _("请选择创建状态。"))
    return redirect("publications", program_id=program_id)


# --- the public portal -----------------------------------------------------------------------------------

PublicView = Callable[..., HttpResponse]


def public(view: PublicView) -> PublicView:
    """A portal page: GET only, Simplified Chinese whatever the visitor's cookie, a missing thing a plain 404."""
    return require_GET(public_page(view, not_found="publication/public_404.html"))


def _chart(data: Portal) -> dict[str, Any] | None:
    """The home chart's data (status counts per region), for the page's script (the table below repeats it)."""
    if data.attainment is None:
        return None
    labels = data.attainment["status_labels"]
    statuses = [s for s in ("attained", "not_attained", "no_data") if s in labels]
    regions = data.attainment["regions"]
    return {"categories": [r["name"] for r in regions],
            "series": [{"name": labels[s], "key": s, "data": [r["counts"][s] for r in regions]} for s in statuses]}


@public
def home(request: HttpRequest, program_id: int) -> HttpResponse:
    data = portal(program_id)
    city = region_indicators(data.indicators, data.region_code) if data.indicators else None
    return render(request, "publication/portal_home.html", {
        "portal": data, "program_id": program_id, "city": city, "chart": _chart(data),
        "projects": project_rows(data.projects),
        "counties": [r for r in (data.indicators or {}).get("regions", []) if r["code"] != data.region_code],
    })


REGION_CODE = re.compile(r"[0-9]{6,12}")


@public
def county(request: HttpRequest, program_id: int, code: str) -> HttpResponse:
    data = portal(program_id)
    region = region_indicators(data.indicators, code) if data.indicators and REGION_CODE.fullmatch(code) else None
    if region is None:
        raise NotFoundError("没有该区域的公开数据。")
    summary = next((r for r in (data.attainment or {}).get("regions", []) if r["code"] == code), None)
    chart = {"categories": [label for _s, label, _n in region.counts], "keys": [s for s, _label, _n in region.counts],
             "data": [n for _s, _label, n in region.counts]}
    projects = project_rows(data.projects, code)
    return render(request, "publication/portal_county.html", {
        "portal": data, "program_id": program_id, "region": region, "summary": summary, "chart": chart,
        "projects": projects})


def _indicator_download(data: Portal) -> tuple[list[list[object]], str]:
    if data.indicators is None:
        raise NotFoundError("尚未公开指标数值。")
    return exports.indicator_rows(data.indicators), f"{data.program_name}{data.indicators['year']}年指标数值"


@public
def download_csv(request: HttpRequest, program_id: int) -> HttpResponse:  # noqa: ARG001 - a view's signature
    data = portal(program_id)
    rows, name = _indicator_download(data)
    return file_response(exports.render_csv(exports.INDICATOR_HEADERS, rows), f"{name}.csv",
                         "text/csv; charset=utf-8", "indicators.csv")


@public
def download_xlsx(request: HttpRequest, program_id: int) -> HttpResponse:  # noqa: ARG001 - a view's signature
    data = portal(program_id)
    rows, name = _indicator_download(data)
    tables = [exports.indicator_table(name, rows)]
    if data.projects is not None:
        tables.append(exports.project_table(f"{data.program_name}重点项目进展", exports.project_rows(data.projects)))
    return xlsx_response(exports.render_xlsx(tables), f"{name}.xlsx", "indicators.xlsx")


SHA256 = re.compile(r"[0-9a-f]{64}")


@public
def document(request: HttpRequest, program_id: int, sha256: str) -> HttpResponse:  # noqa: ARG001 - a view's signature
    if not SHA256.fullmatch(sha256):
        raise NotFoundError("文件不存在。")
    row = published_file(program_id, sha256)
    response = FileResponse(row.file.open("rb"), content_type="application/octet-stream")
    return as_attachment(response, row.file_name, f"document.{row.file.name.rsplit('.', 1)[-1]}")
