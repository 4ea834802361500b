"""The office's publication page (发布) and the public portal (/public/<program>/, no login).

The portal's pages read only :func:`apps.publication.selectors.portal` (published snapshots, cached) and render in
Simplified Chinese with their own light layout: no menu, no link into the authenticated app, no evidence.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.audit.services import client_ip
from apps.core.downloads import as_attachment, file_response, xlsx_response
from apps.core.errors import DomainError, NotFoundError, found
from apps.core.uploads import check_upload
from apps.core.web import back_to, cleaned, page, public_page, step_page, submit
from docimport.geojson import MAX_BYTES

from . import exports, services, spam
from .access import access_notice, access_notice_comment, access_publication, access_publications
from .forms import (
    CommentForm,
    DisclosureItemForm,
    MapForm,
    NoticeForm,
    NoticeStepForm,
    PortalSettingForm,
    PublicationForm,
    PublicationStepForm,
    ReplyForm,
    YearForm,
    parse_list,
)
from .models import PortalSetting, PortalStatus
from .selectors import (
    CACHE_SECONDS,
    CACHE_SHAPE,
    DISCLOSURE_KINDS,
    Portal,
    PublicNotice,
    current_map,
    disclosure,
    notice_comments,
    notices,
    open_notice,
    portal,
    project_rows,
    publications,
    published_file,
    region_indicators,
)
from .workflow import NOTICE_WORKFLOW, PUBLICATION_WORKFLOW, NoticeStatus, PublicationStatus

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
                                              "intro": setting.intro if setting else "",
                                              "slug": setting.slug if setting else ""})
    rows = list(publications(program))
    return render(request, "publication/manage.html", {
        "program": program, "form": form, "setting_form": setting_form, "rows": rows,
        "portal_key": setting.slug if setting and setting.slug else program.id,
        "map_form": MapForm(), "map": current_map(program),
        "actions": {row.id: PUBLICATION_WORKFLOW.allowed_actions(row.status) for row in rows},
        "has_published": any(row.status == PublicationStatus.PUBLISHED for row in rows),
    })


_back = back_to("publications", "program_id")

step = step_page(access=access_publication, form=PublicationStepForm, workflow=PUBLICATION_WORKFLOW, to=_back,
                 transition=lambda publication, **move: services.publication_transition(publication=publication,
                                                                                        **move))


@page(back="publications")
@require_POST
def setting(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_publications(request.user, program_id)
    form = PortalSettingForm(request.POST)
    if form.is_valid():
        services.portal_setting_set(program=program, actor=request.user, status=form.cleaned_data["status"],  # type: ignore[arg-type]
                                    intro=form.cleaned_data["intro"], slug=form.cleaned_data["slug"])
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


def _shares(data: Portal) -> dict[str, str]:
    """Each region's attainment share (attained ÷ attained, not attained and without data), as percent text."""
    shares = {}
    for r in (data.attainment or {}).get("regions", []):
        counted = sum(r["counts"].get(s, 0) for s in ("attained", "not_attained", "no_data"))
        if counted:
            shares[r["code"]] = f"{100 * r['counts'].get('attained', 0) / counted:.1f}"
    return shares


def _map(data: Portal, shares: dict[str, str]) -> dict[str, Any] | None:
    """The county map's data for the page's script: the snapshot's GeoJSON and each county's share and page."""
    county_map = (data.attainment or {}).get("map")
    if not county_map:
        return None
    pages = {r["code"] for r in (data.indicators or {}).get("regions", [])}
    counties = [{"code": f["properties"]["code"], "name": f["properties"]["name"],
                 "share": float(shares[f["properties"]["code"]]) if f["properties"]["code"] in shares else None,
                 "url": reverse("portal_county", args=[data.key, f["properties"]["code"]])
                 if f["properties"]["code"] in pages else None}
                for f in county_map["geojson"]["features"]]
    return {"name": county_map["name"], "schematic": county_map["source"] == "builtin", "geojson": county_map["geojson"],
            "counties": counties}


def _rendered(request: HttpRequest, data: Portal, page_key: str, template: str,
              context: Callable[[], dict[str, Any]]) -> HttpResponse:
    """A portal page without a form, rendered once per program generation and day (the day decides whether a
    notice is open) and then served from the cache: the page that the public and the press hit costs one query."""
    today = timezone.localdate()
    key = f"portal-page:{CACHE_SHAPE}:{data.key}:{data.generation}:{today.isoformat()}:{page_key}"
    html = cache.get(key)
    if html is None:
        html = render_to_string(template, {**context(), "portal": data, "program_id": data.key, "today": today},
                                request=request)
        cache.set(key, html, CACHE_SECONDS)
    return HttpResponse(html)


@public
def home(request: HttpRequest, program_key: str) -> HttpResponse:
    data = portal(program_key)

    def context() -> dict[str, Any]:
        shares = _shares(data)
        return {"city": region_indicators(data.indicators, data.region_code) if data.indicators else None,
                "chart": _chart(data), "map": _map(data, shares), "shares": shares,
                "projects": project_rows(data.projects),
                "counties": [r for r in (data.indicators or {}).get("regions", []) if r["code"] != data.region_code]}

    return _rendered(request, data, "home", "publication/portal_home.html", context)


REGION_CODE = re.compile(r"[0-9]{6,12}")


@public
def county(request: HttpRequest, program_key: str, code: str) -> HttpResponse:
    data = portal(program_key)
    if not (data.indicators and REGION_CODE.fullmatch(code) and data.county(code)):
        raise NotFoundError("没有该区域的公开数据。")

    def context() -> dict[str, Any]:
        region = region_indicators(data.indicators or {}, code)
        assert region is not None  # data.county(code) found it
        summary = next((r for r in (data.attainment or {}).get("regions", []) if r["code"] == code), None)
        chart = {"categories": [label for _s, label, _n in region.counts],
                 "keys": [s for s, _label, _n in region.counts], "data": [n for _s, _label, n in region.counts]}
        return {"region": region, "summary": summary, "chart": chart, "projects": project_rows(data.projects, code)}

    return _rendered(request, data, f"county:{code}", "publication/portal_county.html", context)


def _indicator_download(data: Portal) -> tuple[list[list[object]], str]:
    if data.indicators is None:
        raise NotFoundError("尚未公开指标数值。")
    return exports.indicator_rows(data.indicators), f"{data.program_name}{data.indicators['year']}年指标数值"


@public
def download_csv(request: HttpRequest, program_key: str) -> HttpResponse:  # noqa: ARG001 - a view's signature
    data = portal(program_key)
    rows, name = _indicator_download(data)
    return file_response(exports.render_csv(exports.INDICATOR_HEADERS, rows), f"{name}.csv",
                         "text/csv; charset=utf-8", "indicators.csv")


@public
def download_xlsx(request: HttpRequest, program_key: str) -> HttpResponse:  # noqa: ARG001 - a view's signature
    data = portal(program_key)
    rows, name = _indicator_download(data)
    tables = [exports.indicator_table(name, rows)]
    if data.projects is not None:
        tables.append(exports.project_table(f"{data.program_name}重点项目进展", exports.project_rows(data.projects)))
    return xlsx_response(exports.render_xlsx(tables), f"{name}.xlsx", "indicators.xlsx")


SHA256 = re.compile(r"[0-9a-f]{64}")


@public
def document(request: HttpRequest, program_key: str, sha256: str) -> HttpResponse:  # noqa: ARG001 - a view's signature
    if not SHA256.fullmatch(sha256):
        raise NotFoundError("文件不存在。")
    row = published_file(program_key, sha256)
    response = FileResponse(row.file.open("rb"), content_type="application/octet-stream")
    return as_attachment(response, row.file_name, f"document.{row.file.name.rsplit('.', 1)[-1]}")



# --- 公示 notices: the public page and its comment form -------------------------------------------------------


def _public_notice(program_key: str, number: int) -> tuple[Portal, PublicNotice]:
    data = portal(program_key)
    notice = found(data.notice(number), "公示不存在或已撤回。")
    return data, notice


def _notice_page(request: HttpRequest, data: Portal, notice: PublicNotice, form: CommentForm | None = None,
                 status: int = 200, sent: bool = False) -> HttpResponse:
    today = timezone.localdate()
    is_open = notice.is_open(today)
    return render(request, "publication/portal_notice.html", {
        "portal": data, "program_id": data.key, "notice": notice, "is_open": is_open, "today": today,
        "form": (form or CommentForm()) if is_open else None, "sent": sent, "ended": today > notice.end,
        "stamp": spam.form_stamp(_stamp_key(data, notice.number))}, status=status)


def _stamp_key(data: Portal, number: int) -> str:
    """What a form's stamp is signed for: the notice, by the keys of its public URL (the stamp is readable)."""
    return f"{data.key}:{number}"


@public
def public_notice(request: HttpRequest, program_key: str, number: int) -> HttpResponse:
    data, notice = _public_notice(program_key, number)
    return _notice_page(request, data, notice, sent=request.GET.get("sent") == "1")


@require_POST
def public_comment(request: HttpRequest, program_key: str, number: int) -> HttpResponse:
    """A comment on an open notice (the only anonymous POST of the portal): spam checks, then stored for the
    office; the page is shown again with the reason when refused."""
    with translation.override("zh-hans"):
        try:
            data, shown = _public_notice(program_key, number)
        except NotFoundError as exc:
            return render(request, "publication/public_404.html", {"message": str(exc)}, status=404)
        form = CommentForm(request.POST)
        status = 400
        if form.is_valid():
            notice = open_notice(program_key, number)
            try:
                if notice is None:
                    raise DomainError("该公示不在公示期内，不再接收意见。")
                services.notice_comment_add(
                    notice=notice, body=form.cleaned_data["body"], name=form.cleaned_data["name"],
                    contact=form.cleaned_data["contact"], honeypot=form.cleaned_data["website"],
                    stamp=form.cleaned_data["stamp"], stamp_key=_stamp_key(data, number), ip=client_ip(request))
            except DomainError as exc:
                form.add_error(None, str(exc))
                status = exc.status_code if exc.status_code in (400, 429) else 400
            else:
                return redirect(reverse("portal_notice", args=[data.key, number]) + "?sent=1#comment")
        response = _notice_page(request, data, shown, form=form, status=status)
        response.headers["Content-Language"] = "zh-Hans"
        return response


# --- the office's notices -----------------------------------------------------------------------------------


@page
def notice_list(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_publications(request.user, program_id)
    form = NoticeForm(request.POST or None, initial={"days": 7, "issuer": f"{program.region.name}生态文明建设示范区创建工作领导小组办公室"})
    if request.method == "POST":
        def create(data: dict[str, Any]) -> object:
            columns, rows = parse_list(data.get("list_text", ""))
            return services.notice_create(
                program=program, actor=request.user, title=data["title"], scope=data["scope"],  # type: ignore[arg-type]
                legal_basis=data.get("legal_basis", ""), columns=columns, rows=rows, start=data["start"],
                days=data["days"], phone=data.get("phone", ""), email=data.get("email", ""),
                address=data.get("address", ""), issuer=data["issuer"])
        notice = submit(form, create)
        if notice is not None:
            messages.success(request, _("公示草稿已保存；发布后才会在门户上公开。"))
            return redirect("public_notice", program_id=program.id, notice_id=notice.pk)  # type: ignore[attr-defined]
    return render(request, "publication/notices.html", {
        "program": program, "form": form, "rows": list(notices(program)), "today": timezone.localdate()})


@page
def notice_detail(request: HttpRequest, program_id: int, notice_id: int) -> HttpResponse:
    notice = access_notice(request.user, program_id, notice_id)
    setting = PortalSetting.objects.filter(program=notice.program).first()
    return render(request, "publication/notice.html", {
        "program": notice.program, "notice": notice, "comments": notice_comments(notice),
        "actions": NOTICE_WORKFLOW.allowed_actions(notice.status), "today": timezone.localdate(),
        "portal_key": setting.slug if setting and setting.slug else notice.program.id,
        "can_reply": notice.status == NoticeStatus.PUBLISHED})


_notice_back = back_to("public_notice", "program_id", "notice_id")

notice_step = step_page(access=access_notice, form=NoticeStepForm, workflow=NOTICE_WORKFLOW, to=_notice_back,
                        transition=lambda notice, **move: services.notice_transition(notice=notice, **move))


@page(back=_notice_back)
@require_POST
def comment_reply(request: HttpRequest, program_id: int, notice_id: int, comment_id: int) -> HttpResponse:
    comment = access_notice_comment(request.user, program_id, notice_id, comment_id)
    data = cleaned(ReplyForm(request.POST), _("答复须为 1 至 2000 字。"))
    services.notice_comment_reply(comment=comment, actor=request.user, reply=data["reply"])  # type: ignore[arg-type]
    messages.success(request, _("答复已保存。"))
    return redirect("public_notice", program_id=program_id, notice_id=notice_id)


@page(back="publications")
@require_POST
def map_upload(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_publications(request.user, program_id)
    data = cleaned(MapForm(request.POST, request.FILES), _("请选择 GeoJSON 文件。"))
    upload = data["file"]
    if upload.size > MAX_BYTES:
        raise DomainError(_("地图文件过大。"))
    layer = services.map_layer_upload(program=program, actor=request.user, data=upload.read(),  # type: ignore[arg-type]
                                      name=data["name"])
    messages.success(request, _("地图「%(name)s」已上传，下次发布达标情况时使用。") % {"name": layer.name})
    return redirect("publications", program_id=program_id)


# --- the disclosure list ----------------------------------------------------------------------------------


def _year(request: HttpRequest, program_year: int) -> int:
    form = YearForm(request.GET or request.POST)
    return form.cleaned_data["year"] if form.is_valid() else program_year


@page
def disclosure_page(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_publications(request.user, program_id)
    today = timezone.localdate()
    year = _year(request, min(max(today.year - 1, program.base_year), program.target_year))
    form = DisclosureItemForm(request.POST or None, kinds=DISCLOSURE_KINDS, initial={"year": year})
    if request.method == "POST":
        def add(data: dict[str, Any]) -> object:
            return services.disclosure_item_add(program=program, actor=request.user, name=data["name"],  # type: ignore[arg-type]
                                                kind=data["kind"], year=data["year"], due=data["due"])
        item = submit(form, add)
        if item is not None:
            messages.success(request, _("公开事项已添加。"))
            return redirect(reverse("disclosure", kwargs={"program_id": program.id}) + f"?year={item.year}")  # type: ignore[attr-defined]
    return render(request, "publication/disclosure.html", {
        "program": program, "form": form, "year": year, "today": today, "result": disclosure(program, year, today),
        "years": range(program.base_year, program.target_year + 1)})


@page(back="disclosure")
@require_POST
def disclosure_submit(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_publications(request.user, program_id)
    year = cleaned(YearForm(request.POST), _("请选择年度。"))["year"]
    value = services.disclosure_value_submit(program=program, actor=request.user, year=year)  # type: ignore[arg-type]
    messages.success(request, _("%(year)s年生态环境信息公开率%(rate)s%%已提交审核。") % {
        "year": value.year, "rate": value.current_revision.number})  # type: ignore[union-attr]
    return redirect(reverse("disclosure", kwargs={"program_id": program.id}) + f"?year={value.year}")
