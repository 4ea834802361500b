"""The reports page (报告): the drafts and stored files the user may read, the draft button, progress, download."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.errors import DomainError
from apps.core.web import cleaned, page, query_int
from apps.programs.access import access_program, can_manage_program

from . import services
from .access import access_report_file, access_report_target, access_veto, generate_options, readable_files
from .exports import report_response
from .forms import ReportForm, VetoForm
from .models import ReportKind
from .selectors import default_year
from .self_assessment import veto_checklist, veto_years


@page
def home(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_program(request.user, program_id)
    years = list(range(program.base_year, program.target_year + 1))
    context = {"program": program, "files": readable_files(request.user, program),
               "options": generate_options(request.user, program), "years": years,
               "default_year": default_year(program), "kinds": ReportKind}
    return render(request, "reports/home.html", context)


@page(back="reports_home")
@require_POST
def generate(request: HttpRequest, program_id: int) -> HttpResponse:
    data = cleaned(ReportForm(request.POST), _("请选择报告类型、年度和范围。"))
    target = access_report_target(request.user, program_id, data["kind"], data["year"], region_id=data["region"],
                                  department_id=data["unit"], indicator_set=data["indicator_set"] or "",
                                  generate=True)
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
    return report_response(report)


@page
def veto(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_veto(request.user, program_id)
    year = query_int(request, "year") or default_year(program)
    context = {"program": program, "year": year, "answers": veto_checklist(program, year),
               "years": veto_years(year), "manage": can_manage_program(request.user, program),
               "year_options": list(range(program.base_year, program.target_year + 1))}
    return render(request, "reports/veto.html", context)


@page(back="reports_veto")
@require_POST
def veto_record(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_veto(request.user, program_id, manage=True)
    data = cleaned(VetoForm(request.POST, request.FILES), _("请选择否决事项、年度和有无。"))
    services.veto_entry_record(program=program, condition=data["condition"], year=data["year"],
                               occurred=data["occurred"], note=data["note"], documents=data["documents"],
                               upload=data["file"], actor=request.user)
    messages.success(request, _("已保存否决事项自查。"))
    return redirect(f"{reverse('reports_veto', args=[program_id])}?year={request.GET.get('year', data['year'])}")
