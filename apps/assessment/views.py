"""HTML pages of this app (thin: fetch-and-authorize, call a selector, render)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from apps.core.downloads import xlsx_response
from apps.core.web import page, query_int
from apps.geo.access import home_department

from . import dashboards, exports
from .access import (
    access_assessment,
    access_indicator_region,
    access_leaf_indicator,
    access_unit,
    can_open_unit,
    can_see_attainment,
)
from .charts import chart_json
from .selectors import program_assessment


def year_param(request: HttpRequest) -> int | None:
    """``?year=`` when it is a plausible year; anything else means the default year."""
    return query_int(request, "year", low=1901, high=2199)


def region_param(request: HttpRequest) -> int | None:
    return query_int(request, "region", low=1)


@page
def cockpit(request: HttpRequest, program_id: int) -> HttpResponse:
    scope = access_assessment(request.user, program_id)
    today = timezone.localdate()
    assessment = program_assessment(scope.program, year=year_param(request), today=today)
    data = dashboards.cockpit(assessment, scope, today)
    return render(request, "assessment/cockpit.html", {"program": scope.program, "data": data,
                                                       "chart": chart_json(data.chart()),
                                                       "year_chosen": year_param(request) is not None})


@page
def matrix(request: HttpRequest, program_id: int) -> HttpResponse:
    """The heat map of every visible region × indicator (drawn from data) above the table, one page of regions."""
    scope = access_assessment(request.user, program_id)
    assessment = program_assessment(scope.program, year=year_param(request))
    only, sort = request.GET.get("only", "all"), request.GET.get("sort", "order")
    data = dashboards.matrix(assessment, scope, only=only, sort=sort, page=query_int(request, "page", low=1) or 1)
    detail = reverse("assessment_indicator", args=[scope.program.id, 1]).removesuffix("1/")
    heat = dashboards.matrix_heat(assessment, scope, only=only, sort=sort,
                                  detail_url=f"{detail}{{indicator}}/?region={{region}}&year={data.year}")
    return render(request, "assessment/matrix.html", {"program": scope.program, "data": data, "detail": detail,
                                                      "heat": heat.as_json()})


@page
def cockpit_export(request: HttpRequest, program_id: int) -> HttpResponse:
    """The cockpit as xlsx, for the same regions and year as the page."""
    scope = access_assessment(request.user, program_id)
    return xlsx_response(*exports.cockpit_download(scope, year_param(request)))


@page
def matrix_export(request: HttpRequest, program_id: int) -> HttpResponse:
    """The matrix as xlsx, with the page's regions, year, indicator filter and order."""
    scope = access_assessment(request.user, program_id)
    return xlsx_response(*exports.matrix_download(scope, year_param(request), only=request.GET.get("only", "all"),
                                                  sort=request.GET.get("sort", "order")))


@page
def indicator(request: HttpRequest, program_id: int, indicator_id: int) -> HttpResponse:
    scope, region_id = access_indicator_region(request.user, program_id, indicator_id, region_param(request))
    item = access_leaf_indicator(scope.program, indicator_id)
    assessment = program_assessment(scope.program, year=year_param(request))
    data = dashboards.indicator_detail(assessment, scope, item, region_id)
    user, program = request.user, scope.program
    return render(request, "assessment/indicator.html", {
        "program": program, "data": data, "chart": chart_json(data.chart()),
        "sees_attainment": can_see_attainment(user, program),
        "open_units": {d.id for d in (*data.leads, *data.cooperators) if can_open_unit(user, program, d)},
    })


@page
def department(request: HttpRequest, program_id: int, department_id: int) -> HttpResponse:
    program, unit = access_unit(request.user, program_id, department_id)
    data = dashboards.department_view(program_assessment(program, year=year_param(request)), unit)
    return render(request, "assessment/department.html", {
        "program": program, "department": data.department, "year": data.year, "years": data.years,
        "coverage": data.coverage, "rows": data.rows,
    })


@page
def my_department(request: HttpRequest, program_id: int) -> HttpResponse:
    department = home_department(request.user, program_id)
    if department is None:
        return redirect("assessment_cockpit", program_id=program_id)
    return redirect("assessment_department", program_id=program_id, department_id=department.id)
