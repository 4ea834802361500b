"""The reports page (报告): the drafts and stored files the user may read, the draft button, progress, download."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.downloads import docx_response
from apps.core.errors import DomainError
from apps.core.web import page
from apps.programs.access import access_program

from . import services
from .access import access_report_file, access_report_target, generate_options, readable_files
from .forms import ReportForm
from .models import ReportKind


def _default_year(program) -> int:  # type: ignore[no-untyped-def]
    """Last year: reports are written early in the next year about the one before."""
    return min(max(timezone.localdate().year - 1, program.base_year), program.target_year)


@page
def home(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_program(request.user, program_id)
    years = list(range(program.base_year, program.target_year + 1))
    context = {"program": program, "files": readable_files(request.user, program),
               "options": generate_options(request.user, program), "years": years,
               "default_year": _default_year(program), "kinds": ReportKind}
    return render(request, "reports/home.html", context)


@page(back="reports_home")
@require_POST
def generate(request: HttpRequest, program_id: int) -> HttpResponse:
    form = ReportForm(request.POST)
    if not form.is_valid():
        raise DomainError(_("请选择报告类型、年度和范围。"))
    data = form.cleaned_data
    target = access_report_target(request.user, program_id, data["kind"], data["year"], region_id=data["region"],
                                  department_id=data["unit"], generate=True)
    report, queued = services.report_request(target=target, actor=request.user)
    if queued:
        messages.success(request, _("已开始生成报告，完成后可在下方下载。"))
    elif report.ready:
        messages.info(request, _("数据自上次生成以来没有变化，已为您保留之前生成的文件。"))
    else:
        messages.info(request, _("该报告正在生成中。"))
    return redirect(f"{reverse('reports_home', args=[program_id])}#report-{report.id}")


@page
def progress(request: HttpRequest, program_id: int, report_id: int) -> HttpResponse:
    report = access_report_file(request.user, program_id, report_id)
    return render(request, "reports/_row.html", {"program": report.program, "f": report})


@page
def download(request: HttpRequest, program_id: int, report_id: int) -> HttpResponse:
    report = access_report_file(request.user, program_id, report_id)
    if not report.ready:
        raise DomainError(_("报告尚未生成完成。"))
    with report.file.open("rb") as handle:
        data = handle.read()
    return docx_response(data, f"{report.title}.docx", f"report-{report.id}.docx")
