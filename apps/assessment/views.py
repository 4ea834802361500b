"""HTML pages of this app (thin: fetch-and-authorize, call a selector, render)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, json_script
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from apps.core.downloads import xlsx_response
from apps.core.web import page, query_int
from apps.geo.access import home_department

from . import dashboards, exports
from .access import (
    Scope,
    access_assessment,
    access_indicator_region,
    access_leaf_indicator,
    access_unit,
    can_open_unit,
    can_see_attainment,
)
from .charts import chart_json
from .data import Matrix
from .selectors import ProgramAssessment, assessment_key, program_assessment, stored_snapshots


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
    """The heat map of every visible region × indicator (drawn from data) above the table, one page of regions.

    Both are presented once per data version and kept as snapshots (the page's table rows as markup, the heat
    map's JSON as the page embeds it, one for every page): a warm request checks the version and reads the two
    in one cache read, without the program's frames."""
    scope = access_assessment(request.user, program_id)
    year = year_param(request)
    only, sort = dashboards.matrix_choices(request.GET.get("only", "all"), request.GET.get("sort", "order"))
    where = assessment_key(scope.program, year=year)
    page_number = min(query_int(request, "page", low=1) or 1,
                      dashboards.matrix_page_count(len(scope.visible(where.regions))))
    page_name = dashboards.matrix_page_name(scope, only=only, sort=sort, page=page_number)
    heat_name = dashboards.matrix_heat_name(scope, only=only, sort=sort)
    stored = stored_snapshots(where, page_name, heat_name)
    if len(stored) < 2:
        assessment = program_assessment(scope.program, year=year)
        stored = {page_name: assessment.snapshot(page_name, lambda: matrix_table(assessment, scope, only, sort,
                                                                                 page_number)),
                  heat_name: assessment.snapshot(heat_name, lambda: matrix_heat_json(assessment, scope, only, sort))}
    table: MatrixTable = stored[page_name]
    return render(request, "assessment/matrix.html", {"program": scope.program, "data": table.data, "table": table,
                                                      "heat": stored[heat_name]})


@dataclass(frozen=True)
class MatrixTable:
    """One page of the matrix's table as presented: the matrix without its rows, and the rows as markup."""

    data: Matrix  # rows=(): the page's rows are in ``body``
    rows: int  # regions in ``body``
    body: str  # the table's <tbody> (matrix_rows_html)


def indicator_url(program_id: int) -> str:
    """The indicator detail's address without the indicator's id (the matrix adds it)."""
    return reverse("assessment_indicator", args=[program_id, 1]).removesuffix("1/")


def matrix_table(assessment: ProgramAssessment, scope: Scope, only: str, sort: str, page_number: int) -> MatrixTable:
    """Present one page of the matrix's table for :func:`matrix`'s snapshot."""
    data = dashboards.matrix(assessment, scope, only=only, sort=sort, page=page_number)
    body = matrix_rows_html(data, indicator_url(scope.program.id))
    return MatrixTable(data=replace(data, rows=()), rows=len(data.rows), body=body)


#: What a cell's link shows besides its title: "!" beside 未达标 that will not close in time, "↑" where it must hurry
#: (不适用 shows "–").
_REACH_GLYPHS = {"off_track": "!", "accelerate": "↑"}


def matrix_rows_html(data: Matrix, detail: str) -> SafeString:
    """The table's <tbody> for one page of rows, joined in Python: 800 cells without a template node each.

    The markup is exactly ``templates/assessment/_matrix_rows.html``'s (tests/assessment/test_matrix_snapshot.py
    compares the two, in Chinese and in English); every variable part is escaped as the template escapes it, and
    ids, years and counts are plain digits as under ``{% localize off %}`` there."""
    counts_text = gettext("达标%(a)s项、未达标%(x)s项、无数据%(y)s项")
    binding_text = gettext("约束性指标 %(a)s/%(b)s 达标")
    detail, year = escape(detail), f"&amp;year={escape(data.year)}"
    parts = ["<tbody>"]
    for row in data.rows:
        name, summary = escape(row.region.name), row.summary
        counts = summary.counts
        attained = counts.get("attained", "")
        counts_title = counts_text % {"a": attained, "x": counts.get("not_attained", ""),
                                      "y": counts.get("no_data", "")}
        a, b = summary.binding_attained, summary.binding_applicable
        binding_title = binding_text % {"a": a, "b": b}
        passed = " ok" if summary.passed else ""
        parts.append(f'<tr><th class="reg" scope="row" title="{name}">{name}</th>'
                     f'<td class="sum1" title="{counts_title}">{attained}</td>'
                     f'<td class="sum2{passed}" title="{binding_title}">{a}/{b}</td>')
        region_id = row.region.id
        for c in row.cells:
            title = escape(c.title)
            glyph = "–" if c.status == "not_applicable" else _REACH_GLYPHS.get(c.reach_status or "", "")
            href = f"{detail}{c.indicator_id}/?region={region_id}{year}"
            parts.append(f'<td class="{escape(c.status)}" title="{title}"><a href="{href}" aria-label="{title}">'
                         f'{glyph}</a></td>')
        parts.append("</tr>")
    parts.append("</tbody>\n")  # the template's last line ends with one
    return SafeString("".join(parts))


def matrix_heat_json(assessment: ProgramAssessment, scope: Scope, only: str, sort: str) -> str:
    """The heat map's data as the JSON <script> the page embeds, or "" for one region (the table says it all)."""
    if len(scope.visible(assessment.regions)) < 2:
        return ""
    detail = f"{indicator_url(scope.program.id)}{{indicator}}/?region={{region}}&year={assessment.year}"
    return json_script(dashboards.matrix_heat(assessment, scope, only=only, sort=sort, detail_url=detail).as_json(),
                       "matrix-data")


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
