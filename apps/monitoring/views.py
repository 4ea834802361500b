"""HTML pages of this app (thin: fetch-and-authorize, call a selector or service, render)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.downloads import XLSX, file_response
from apps.core.errors import NotFoundError
from apps.core.web import cleaned, page, query_int
from apps.programs.access import can_manage_program
from apps.programs.selectors import program_regions

from . import samples, selectors, services
from .access import access_batch, access_monitoring
from .compute import measures
from .forms import BaseValueForm, BatchUploadForm
from .models import BASE_MEASURES, BatchStatus, ImportKind
from .uploads import max_bytes

FORMAT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": XLSX,
    "parquet": "application/vnd.apache.parquet",
}


@page
def home(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_monitoring(request.user, program_id)
    batches, batch_count = selectors.recent_batches(program)
    can_manage = can_manage_program(request.user, program)
    context = {
        "program": program, "can_manage": can_manage, "table": selectors.results_table(program, year=query_int(request, "year")),
        "batches": batches, "batch_count": batch_count, "site_counts": selectors.site_counts(program),
        "bases": selectors.base_entries(program), "base_measures": [measures()[k] for k in BASE_MEASURES],
        "regions": program_regions(program) if can_manage else [],
        "kinds": ImportKind.choices, "formats": list(FORMAT_TYPES),
        "max_mb": max_bytes() // 1048576,
    }
    return render(request, "monitoring/home.html", context)


@page
def batches_page(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_monitoring(request.user, program_id)
    batches = Paginator(selectors.program_batches(program), 25).get_page(request.GET.get("page"))
    return render(request, "monitoring/batches.html", {"program": program, "page": batches})


@page
def sites_page(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_monitoring(request.user, program_id)
    context = {"program": program, "site_counts": selectors.site_counts(program),
               "stations": selectors.program_stations(program), "sections": selectors.program_sections(program)}
    return render(request, "monitoring/sites.html", context)


@page(back="monitoring_home#bases")
@require_POST
def base_value_add(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_monitoring(request.user, program_id, manage=True)
    data = cleaned(BaseValueForm(request.POST, regions=program_regions(program)))
    services.base_value_add(program=program, actor=request.user, year=program.base_year, **data)
    messages.success(request, _("已录入基准年数值（原记录保留）。之后的导入在缺少导入的基准年结果时使用它。"))
    return redirect(f"{reverse('monitoring_home', args=[program.id])}#bases")


@page(back="monitoring_home")
@require_POST
def upload(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_monitoring(request.user, program_id, manage=True)
    data = cleaned(BatchUploadForm(request.POST, request.FILES))
    batch = services.import_batch_create(program=program, actor=request.user, kind=data["kind"],
                                         checked=data["file"], options=data["options"])
    services.import_batch_start(batch=batch)
    return redirect("monitoring_batch", program_id=program.id, batch_id=batch.id)


@page
def batch_page(request: HttpRequest, program_id: int, batch_id: int) -> HttpResponse:
    program = access_monitoring(request.user, program_id)
    batch = access_batch(program, batch_id)
    plan = selectors.batch_plan(batch)
    context = {
        "program": batch.program, "batch": batch, "can_manage": can_manage_program(request.user, batch.program),
        "writes": plan.writes, "results": plan.results, "sites": plan.sites, "to_write": plan.to_write,
    }
    return render(request, "monitoring/batch.html", context)


@page
def batch_progress(request: HttpRequest, program_id: int, batch_id: int) -> HttpResponse:
    program = access_monitoring(request.user, program_id)
    batch = access_batch(program, batch_id)
    response = render(request, "monitoring/_progress.html", {
        "program": batch.program, "batch": batch, "can_manage": can_manage_program(request.user, batch.program)})
    if batch.finished and request.headers.get("HX-Request") and request.GET.get("polling"):
        response["HX-Refresh"] = "true"  # show the preview or the errors
    return response


@page(back="monitoring_batch")
@require_POST
def batch_recheck(request: HttpRequest, program_id: int, batch_id: int) -> HttpResponse:
    program = access_monitoring(request.user, program_id, manage=True)
    services.import_batch_recheck(batch=access_batch(program, batch_id), actor=request.user)
    return redirect("monitoring_batch", program_id=program_id, batch_id=batch_id)


@page(back="monitoring_batch")
@require_POST
def batch_commit(request: HttpRequest, program_id: int, batch_id: int) -> HttpResponse:
    program = access_monitoring(request.user, program_id, manage=True)
    batch = services.import_batch_commit(batch=access_batch(program, batch_id), actor=request.user)
    if batch.status == BatchStatus.COMMITTING:  # a background job (thread backend): the page polls it
        messages.info(request, _("正在写入，完成后本页自动刷新。"))
    else:
        messages.success(request, batch.summary)
    return redirect("monitoring_batch", program_id=program_id, batch_id=batch_id)


@page
def template_download(request: HttpRequest, program_id: int, kind: str, fmt: str) -> HttpResponse:
    access_monitoring(request.user, program_id)
    if kind not in ImportKind.values or fmt not in FORMAT_TYPES:
        raise NotFoundError("没有这种模板。")
    data = samples.to_bytes(samples.template_frame(kind), fmt)
    return file_response(data, f"monitoring-{kind}-sample.{fmt}", FORMAT_TYPES[fmt])


