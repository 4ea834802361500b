"""HTML pages for programs: thin — fetch-and-authorize, call a selector or a service, render."""

from __future__ import annotations

from collections import OrderedDict

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from apps.accounts.models import Role
from apps.core.downloads import xlsx_response
from apps.core.errors import PermissionDeniedError
from apps.core.web import cleaned, page
from apps.geo.access import (
    access_department,
    access_region,
    can_edit_region_attributes,
    can_see_department,
    visible_departments,
)
from apps.staging.models import StagedImport
from apps.staging.web import StagedImportStep, staged_import_page, when_committed
from calc.targets import unparse

from . import imports, services
from .access import (
    access_program,
    can_manage_program,
    can_manage_region,
    can_open_region,
    manager_posts,
    require_manage,
    visible_programs_q,
)
from .forms import (
    TARGET_LEVEL_FIELDS,
    AssignedTargetForm,
    TargetEditsForm,
    TargetOverrideForm,
)
from .models import Phase, Program, RegionGoal, TargetEdit
from .selectors import (
    assigned_values,
    department_responsibilities,
    program_indicator,
    program_indicators,
    program_regions,
    program_target_edits,
    resolve_targets,
    responsibility_export,
    responsibility_rows,
)
from .target_form import preview_words, target_widget


@page
def home(request: HttpRequest) -> HttpResponse:
    """Land where the first duty works: a reporter on its unit's page, a leader on the cockpit, others on the program."""
    programs = list(Program.objects.filter(visible_programs_q(request.user)).select_related("region"))
    if len(programs) == 1:
        program = programs[0]
        duty = next(iter(request.user.duties_as(program_id=program.id)), None)
        if duty is not None and duty.role == Role.DEPARTMENT_REPORTER:
            return redirect("department", program_id=program.id, department_id=duty.department.id)
        if duty is not None and duty.role == Role.COUNTY_OFFICE:
            return redirect("region", program_id=program.id, region_id=duty.region.id)
        if duty is not None and duty.role == Role.LEADER:
            return redirect("assessment_cockpit", program_id=program.id)
        return redirect("program", program_id=program.id)
    return render(request, "core/home.html", {"programs": programs})


def _phases(program: Program) -> list[Phase]:
    today = timezone.localdate()
    phases = list(Phase.objects.filter(program=program).prefetch_related("milestones"))
    for phase in phases:
        phase.is_current = phase.start <= today <= phase.end
        phase.is_past = phase.end < today
    return phases


#: Counties per page of the overview's target table (the program's own region is always its first column).
OVERVIEW_COUNTIES = 20


@page
def program_overview(request: HttpRequest, program_id: int) -> HttpResponse:
    """The program: its phases, goals and counts, and the target table of its indicators × its regions, 20
    counties a page (a city of 500 counties is 500 columns no one reads, and 20,000 targets to resolve)."""
    program = access_program(request.user, program_id)
    regions = program_regions(program)
    counties = Paginator(regions[1:], OVERVIEW_COUNTIES).get_page(request.GET.get("counties_page"))
    columns = [regions[0], *counties.object_list]
    indicators = program_indicators(program)
    targets = resolve_targets(program, columns, indicators)
    rows = []
    for indicator in indicators:
        cells = [targets.get((region.id, indicator.id)) for region in columns]
        rows.append((indicator, cells))
    grouped: OrderedDict[str, OrderedDict[str, list]] = OrderedDict()
    for indicator, cells in rows:
        grouped.setdefault(indicator.domain, OrderedDict()).setdefault(indicator.task, []).append((indicator, cells))
    leaves = [i for i in indicators if i.scope_levels]
    context = {
        "program": program,
        "regions": regions,
        "columns": columns,
        "counties": counties,
        "grouped": grouped,
        "phases": _phases(program),
        "goals": RegionGoal.objects.filter(program=program).select_related("region"),
        "counts": {
            "indicators": sum(1 for i in indicators if i.parent_id is None),
            "leaves": len(leaves),
            "binding": sum(1 for i in leaves if i.binding),
            "local": sum(1 for i in indicators if i.program_id),
        },
        "can_manage": can_manage_program(request.user, program),
        "open_regions": {r.id for r in regions if can_open_region(request.user, program, r)},
        "attribute_regions": {r.id for r in columns if can_edit_region_attributes(request.user, r)},
    }
    return render(request, "programs/overview.html", context)


@page
def region_page(request: HttpRequest, program_id: int, region_id: int) -> HttpResponse:
    program = access_program(request.user, program_id)
    region = access_region(request.user, region_id)
    if not can_open_region(request.user, program, region):
        raise PermissionDeniedError(_("该区域不在本创建工作范围内。"))
    indicators = program_indicators(program)
    targets = resolve_targets(program, [region], indicators)
    assigned = assigned_values(program, regions=[region])
    year = timezone.localdate().year
    children = list(region.children.order_by("code")) if region.level == "city" else []
    rows = []
    for indicator in indicators:
        resolved = targets.get((region.id, indicator.id))
        current = assigned.get((region.id, indicator.id, year))
        widget = None
        if indicator.scope_levels:
            expression = unparse(resolved.target) if resolved is not None and resolved.target is not None else ""
            words = resolved.text if resolved is not None and resolved.target is not None else ""
            widget = target_widget("target", expression, words=words, unit=indicator.unit)
        rows.append((indicator, resolved, current, widget))
    context = {
        "program": program,
        "region": region,
        "grouped": _grouped_rows(rows),
        "goals": RegionGoal.objects.filter(program=program, region=region),
        "year": year,
        "applicable": sum(1 for _, r, _, _ in rows if r is not None and r.applicable),
        "can_manage": can_manage_region(request.user, program, region),
        "can_manage_program": can_manage_program(request.user, program),
        "can_edit_attributes": can_edit_region_attributes(request.user, region),
        "children": children,
        "open_regions": {c.id for c in children if can_open_region(request.user, program, c)},
    }
    return render(request, "programs/region.html", context)


def _grouped_rows(rows: list[tuple]) -> OrderedDict[str, OrderedDict[str, list[tuple]]]:
    grouped: OrderedDict[str, OrderedDict[str, list[tuple]]] = OrderedDict()
    for row in rows:
        indicator = row[0]
        grouped.setdefault(indicator.domain, OrderedDict()).setdefault(indicator.task, []).append(row)
    return grouped


@require_POST
@page(back="region")
def region_override(request: HttpRequest, program_id: int, region_id: int) -> HttpResponse:
    program = access_program(request.user, program_id)
    region = access_region(request.user, region_id)
    require_manage(request.user, program, _("只有生态办管理员可以调整区域目标。"))
    form = TargetOverrideForm(request.POST)
    data = cleaned(form)
    services.target_override_set(program=program, region=region, indicator=program_indicator(program, data["indicator"]),
                                 actor=request.user, **form.override())
    messages.success(request, _("已保存目标调整。"))
    return redirect("region", program_id=program.id, region_id=region.id)


@require_POST
@page(back="region")
def region_assigned(request: HttpRequest, program_id: int, region_id: int) -> HttpResponse:
    program = access_program(request.user, program_id)
    region = access_region(request.user, region_id)
    if not can_manage_region(request.user, program, region):
        raise PermissionDeniedError(_("只有生态办可以录入上级下达的考核任务。"))
    data = cleaned(AssignedTargetForm(request.POST))
    services.assigned_target_set(
        program=program, region=region, indicator=program_indicator(program, data["indicator"]),
        year=data["year"], value=data["value"], document=data["document"], reason=data["reason"], actor=request.user,
    )
    messages.success(request, _("已录入%(year)s年考核任务。") % {"year": data["year"]})
    return redirect("region", program_id=program.id, region_id=region.id)


@require_POST
@page
def target_words_preview(request: HttpRequest, program_id: int) -> HttpResponse:
    """The target form's live preview: the words of the target being written (HTMX fragment)."""
    program = access_program(request.user, program_id)
    unit, direction = request.POST.get("unit", ""), request.POST.get("direction", "higher")
    if request.POST.get("indicator"):
        indicator = program_indicator(program, request.POST["indicator"])
        unit, direction = indicator.unit, indicator.direction
    field = request.POST.get("field") or "target"
    return HttpResponse(escape(preview_words(request.POST, field, unit=unit, direction=direction)))


@page
def target_edits(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_program(request.user, program_id)
    can_manage = can_manage_program(request.user, program)
    if manager_posts(request, program, _("只有生态办管理员可以调整指标体系。")):
        _target_edit_post(request, program)
        return redirect("target_edits", program_id=program.id)
    indicators = program_indicators(program)
    context = {
        "program": program,
        "edits": TargetEdit.objects.filter(program=program).select_related("indicator", "created_by")
        .order_by("-created_at", "-id"),
        "current": program_target_edits(program),
        "levels": TARGET_LEVEL_FIELDS,
        "local": [(i, [i.printed_target(f.level) for f in TARGET_LEVEL_FIELDS]) for i in indicators if i.program_id],
        "edit_widget": target_widget("target"),
        "level_widgets": [(f, target_widget(f.input_name)) for f in TARGET_LEVEL_FIELDS],
        "leaves": [i for i in indicators if i.scope_levels],
        "can_manage": can_manage,
    }
    return render(request, "programs/target_edits.html", context)


def _target_edit_post(request: HttpRequest, program: Program) -> None:
    form = TargetEditsForm(request.POST)
    data = cleaned(form)
    if form.adds_indicator:
        services.local_indicator_add(program=program, actor=request.user, **form.local_indicator())
        messages.success(request, _("已增设地方指标。"))
        return
    services.target_edit_set(program=program, indicator=program_indicator(program, data["indicator"]),
                             level=data["level"], target=data["target"], reason=data["reason"], actor=request.user)
    messages.success(request, _("已保存地方目标调整。"))


@page
def responsibilities(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_program(request.user, program_id)
    rows = responsibility_rows(program, program_indicators(program))
    context = {
        "program": program,
        "rows": rows,
        "can_manage": can_manage_program(request.user, program),
        "open_departments": {d.id for row in rows for d in row.leads if can_see_department(request.user, d)},
    }
    return render(request, "programs/responsibilities.html", context)


@page
def responsibilities_export(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_program(request.user, program_id)
    return xlsx_response(responsibility_export(program), f"responsibilities-{program.id}.xlsx")


@page
def responsibilities_import(request: HttpRequest, program_id: int) -> HttpResponse:
    """Upload → preview (old → new per indicator whose units change, or row errors) → confirm → commit; the
    confirmed file is the previewed one."""
    program = access_program(request.user, program_id)
    require_manage(request.user, program, _("只有生态办管理员可以导入责任清单。"))

    def committed(staged: StagedImport) -> HttpResponse:
        count = staged.result["indicators"]
        messages.success(request, ngettext("已导入责任清单：%(count)s项指标。", "已导入责任清单：%(count)s项指标。",
                                           count) % {"count": count})
        return redirect("responsibilities", program_id=program.id)

    step = StagedImportStep(kind=imports.RESPONSIBILITIES, program=program, actor=request.user)
    return staged_import_page(request, step, template="programs/responsibilities_import.html",
                              context={"program": program}, done=when_committed(committed))


@page
def department_page(request: HttpRequest, program_id: int, department_id: int) -> HttpResponse:
    program = access_program(request.user, program_id)
    department = access_department(request.user, department_id)
    responsibilities_qs = list(department_responsibilities(program, department))
    indicators = [r.indicator for r in responsibilities_qs]
    regions = program_regions(program)
    targets = resolve_targets(program, [program.region], indicators)
    rows = []
    for resp in responsibilities_qs:
        partners = [r for r in resp.indicator.program_responsibilities if r.department_id != department.id]
        rows.append({
            "responsibility": resp,
            "indicator": resp.indicator,
            "target": targets.get((program.region.id, resp.indicator.id)),
            "leads": [r.department for r in partners if r.role == "lead"],
            "cooperators": [r.department for r in partners if r.role == "cooperate"],
        })
    context = {
        "program": program,
        "department": department,
        "lead_rows": [r for r in rows if r["responsibility"].role == "lead"],
        "cooperate_rows": [r for r in rows if r["responsibility"].role == "cooperate"],
        "county_count": len(regions) - 1,
    }
    return render(request, "programs/department.html", context)


@page
def department_list(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_program(request.user, program_id)
    departments = (
        visible_departments(request.user)
        .filter(region__path__startswith=program.region.path)
        .annotate(
            leads=Count("responsibilities", filter=Q(responsibilities__program=program, responsibilities__role="lead")),
            cooperates=Count(
                "responsibilities", filter=Q(responsibilities__program=program, responsibilities__role="cooperate")
            ),
        )
        .select_related("region")
    )
    return render(request, "programs/departments.html", {"program": program, "departments": departments})

