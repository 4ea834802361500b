"""Attainment as JSON: the matrix, gates, indicator detail and department view; same checks as the pages.

Each endpoint returns the dashboards' dataclass; the schemas in :mod:`.schemas` read it by attribute.
"""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Router

from apps.core.downloads import xlsx_response

from . import dashboards, exports
from .access import access_assessment, access_indicator_region, access_leaf_indicator, access_unit
from .data import DepartmentView, Gates, IndicatorDetail, Matrix
from .schemas import GatesOut, IndicatorDetailOut, MatrixOut, UnitDashboardOut
from .selectors import program_assessment

router = Router(tags=["达标评估与可达性"])


@router.get("/programs/{program_id}/assessment/matrix", response=MatrixOut, summary="达标矩阵（区域×指标）")
def matrix(request: HttpRequest, program_id: int, year: int | None = None,
           only: Literal["all", "binding"] = "all", sort: Literal["order", "name", "attained"] = "order") -> Matrix:
    """每个可见区域×考核指标一格；``only=binding`` 仅约束性指标，``sort`` 区域排序；不传 ``year`` 时为默认年度。"""
    scope = access_assessment(request.user, program_id)
    return dashboards.matrix(program_assessment(scope.program, year=year), scope, only=only, sort=sort)


@router.get("/programs/{program_id}/assessment/matrix.xlsx", summary="导出达标矩阵 xlsx")
def matrix_export(request: HttpRequest, program_id: int, year: int | None = None,
                  only: Literal["all", "binding"] = "all",
                  sort: Literal["order", "name", "attained"] = "order") -> HttpResponse:
    """达标矩阵（区域×指标的判定）和明细（目标文字、数值、差距、可达性）；范围与页面相同。"""
    scope = access_assessment(request.user, program_id)
    return xlsx_response(*exports.matrix_download(scope, year, only=only, sort=sort))


@router.get("/programs/{program_id}/assessment/cockpit.xlsx", summary="导出驾驶舱 xlsx")
def cockpit_export(request: HttpRequest, program_id: int, year: int | None = None) -> HttpResponse:
    """各区域达标情况、申报条件阻碍项、短板与可达性、县区创建目标；范围与驾驶舱页面相同。"""
    scope = access_assessment(request.user, program_id)
    return xlsx_response(*exports.cockpit_download(scope, year))


@router.get("/programs/{program_id}/assessment/gates", response=GatesOut, summary="申报条件与县区创建目标")
def gates(request: HttpRequest, program_id: int, year: int | None = None) -> Gates:
    """当前区域的申报条件（摘要、分组的阻碍项）、市级用户的县区创建目标，以及各区域汇总。"""
    scope = access_assessment(request.user, program_id)
    return dashboards.gates(program_assessment(scope.program, year=year), scope)


@router.get("/programs/{program_id}/assessment/indicators/{indicator_id}", response=IndicatorDetailOut,
            summary="指标达标详情")
def indicator(request: HttpRequest, program_id: int, indicator_id: int, region: int | None = None,
              year: int | None = None) -> IndicatorDetail:
    """序列、预测、判定与可达性说明、责任单位、佐证材料和各区域情况；无数据时给出最近一次填报。"""
    scope, region_id = access_indicator_region(request.user, program_id, indicator_id, region)
    item = access_leaf_indicator(scope.program, indicator_id)
    return dashboards.indicator_detail(program_assessment(scope.program, year=year), scope, item, region_id)


@router.get("/programs/{program_id}/assessment/departments/{department_id}", response=UnitDashboardOut,
            summary="本单位指标达标情况")
def department(request: HttpRequest, program_id: int, department_id: int,
               year: int | None = None) -> DepartmentView:
    """单位牵头或配合的指标在其负责区域的判定与可达性。"""
    program, unit = access_unit(request.user, program_id, department_id)
    return dashboards.department_view(program_assessment(program, year=year), unit)
