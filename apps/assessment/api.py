"""Attainment as JSON: the matrix, gates, indicator detail and department view; same checks as the pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from ninja import Field, Router, Schema

from . import dashboards
from .access import access_assessment, access_indicator_region, access_leaf_indicator, access_unit
from .selectors import program_assessment

router = Router(tags=["达标评估与可达性"])


class RegionOut(Schema):
    id: int
    name: str
    level: str


class IndicatorOut(Schema):
    id: int
    code: str
    name: str
    binding: bool
    unit: str


class CellOut(Schema):
    region_id: int
    indicator_id: int
    status: str
    reach_status: str | None
    value: Decimal | None
    gap_abs: Decimal | None
    gap_rel: Decimal | None
    target: str


class YearCoverageOut(Schema):
    year: int
    approved: int = Field(description="适用的区域×指标中有经审核数值或状态的项数")
    applicable: int = Field(description="适用的区域×指标项数")
    percent: int | None = Field(description="已审核比例（%，向下取整）")
    default: bool = Field(description="是否为默认年度")


class CoverageOut(Schema):
    default_year: int = Field(description="默认年度：已审核比例达到阈值的最近年度，否则比例最高的年度，否则有数据的最近年度")
    threshold: int = Field(description="默认年度的已审核比例阈值（%）")
    years: list[YearCoverageOut]


class RegionSummaryOut(Schema):
    region_id: int
    attained: int
    not_attained: int
    no_data: int
    not_applicable: int
    binding_attained: int
    binding_applicable: int
    passed: bool


class DomainOut(Schema):
    name: str
    span: int = Field(description="该领域连续的指标列数")


class MatrixOut(Schema):
    year: int
    years: list[int]
    coverage: CoverageOut
    only: str = Field(description="all 全部指标 / binding 仅约束性")
    sort: str = Field(description="order 默认顺序 / name 按名称 / attained 按达标数")
    regions: list[RegionOut]
    region_summaries: list[RegionSummaryOut]
    domains: list[DomainOut]
    indicators: list[IndicatorOut]
    cells: list[CellOut]


class BlockerOut(Schema):
    code: str
    name: str
    status: str
    reason: str


class GroupItemOut(Schema):
    code: str
    name: str
    indicator_id: int | None
    reason: str


class BlockerGroupOut(Schema):
    status: str
    label: str
    count: int
    items: list[GroupItemOut]


class GateOut(Schema):
    passed: bool
    headline: str = Field(description="一句话摘要：约束性达标数与阻碍项数、参考性达标率")
    explanation: str
    binding_applicable: int
    binding_attained: int
    reference_applicable: int
    reference_attained: int
    reference_share: Decimal | None
    counts: dict[str, int]
    blockers: list[BlockerOut]
    groups: list[BlockerGroupOut] = Field(description="阻碍项按状态分组：未达标（按差距从大到小）在前，无数据在后")


class RegionGateOut(Schema):
    region_id: int
    name: str
    passed: bool
    binding_applicable: int
    binding_attained: int
    reference_applicable: int
    reference_attained: int
    counts: dict[str, int]
    blocker_count: int
    goal: str
    deadline: int


class CountyBlockOut(Schema):
    region: str
    region_id: int | None
    title: str
    year: int
    explanation: str
    not_attained: int
    no_data: int


class CityGateOut(Schema):
    passed: bool
    all_clear: bool
    headline: str
    explanation: str
    counties_blocked: list[CountyBlockOut]
    counties_pending: list[str]
    counties_passed: list[str]


class GatesOut(Schema):
    year: int
    coverage: CoverageOut
    focus_region_id: int
    gate: GateOut
    city_gate: CityGateOut | None
    regions: list[RegionGateOut]


class PointOut(Schema):
    year: int
    value: str | None


class QualitativeOut(Schema):
    year: int
    status: str
    label: str


class ReachOut(Schema):
    status: str
    label: str
    sentence: str
    observed_rate: str | None
    required_rate: str | None
    ratio: str | None
    years_needed: int | None
    expected_year: int | None
    goal: str | None


class UnitOut(Schema):
    id: int
    name: str


class EvidenceOut(Schema):
    id: int
    value_id: int
    year: int
    name: str
    url: str


class PerRegionOut(Schema):
    region_id: int
    name: str
    target: str
    status: str
    value: str | None
    gap_abs: str | None
    reach_status: str | None
    deadline: int


class LatestReportOut(Schema):
    year: int
    status: str
    status_label: str
    round_id: int | None
    round_name: str


class IndicatorDetailOut(Schema):
    year: int
    coverage: CoverageOut
    has_data: bool = Field(description="截至评估年度是否有经审核的数值或状态")
    latest_report: LatestReportOut | None = Field(description="无经审核数据时：最近一次填报（任何状态）")
    region_id: int
    indicator: IndicatorOut
    target: str
    deadline: int
    status: str
    sentence: str
    gap_abs: str | None
    bound: str | None
    reach: ReachOut | None
    series: list[PointOut]
    qualitative: list[QualitativeOut]
    projection: list[PointOut]
    leads: list[UnitOut]
    cooperators: list[UnitOut]
    evidence: list[EvidenceOut]
    per_region: list[PerRegionOut]


class DepartmentRowOut(Schema):
    indicator: IndicatorOut
    role: str
    region_id: int
    target: str
    status: str
    sentence: str
    value: str | None
    reach_status: str
    reach_sentence: str


class DepartmentOut(Schema):
    year: int
    coverage: CoverageOut
    department: UnitOut
    rows: list[DepartmentRowOut]


def _indicator(i) -> dict:  # noqa: ANN001
    return {"id": i.id, "code": i.code, "name": i.full_name, "binding": bool(i.binding), "unit": i.unit}


def _coverage(info: dict) -> dict:
    return {"default_year": info["default_year"], "threshold": info["threshold"], "years": info["years"]}


@router.get("/programs/{program_id}/assessment/matrix", response=MatrixOut, summary="达标矩阵（区域×指标）")
def matrix(request, program_id: int, year: int | None = None,  # noqa: ANN001, ANN201
           only: Literal["all", "binding"] = "all", sort: Literal["order", "name", "attained"] = "order"):
    """每个可见区域×考核指标一格；``only=binding`` 仅约束性指标，``sort`` 区域排序；不传 ``year`` 时为默认年度。"""
    scope = access_assessment(request.user, program_id)
    data = dashboards.matrix(program_assessment(scope.program, year=year), scope, only=only, sort=sort)
    return {
        "year": data["year"], "years": data["years"], "coverage": _coverage(data["coverage"]),
        "only": data["only"], "sort": data["sort"], "domains": data["domains"],
        "regions": [{"id": r["region"].id, "name": r["region"].name, "level": r["region"].level}
                    for r in data["rows"]],
        "region_summaries": [{"region_id": r["region"].id, **r["summary"]["counts"],
                              "binding_attained": r["summary"]["binding_attained"],
                              "binding_applicable": r["summary"]["binding_applicable"],
                              "passed": r["summary"]["passed"]} for r in data["rows"]],
        "indicators": [_indicator(i) for i in data["indicators"]],
        "cells": [{"region_id": r["region"].id, **{k: c[k] for k in ("indicator_id", "status", "reach_status", "value",
                                                                       "gap_abs", "gap_rel", "target")}}
                  for r in data["rows"] for c in r["cells"]],
    }


@router.get("/programs/{program_id}/assessment/gates", response=GatesOut, summary="申报条件与县区创建目标")
def gates(request, program_id: int, year: int | None = None):  # noqa: ANN001, ANN201
    """当前区域的申报条件（摘要、分组的阻碍项）、市级用户的县区创建目标，以及各区域汇总。"""
    scope = access_assessment(request.user, program_id)
    assessment = program_assessment(scope.program, year=year)
    city = dashboards.city_gate_data(assessment) if scope.focus_id == scope.program.region_id else None
    return {
        "year": assessment.year, "focus_region_id": scope.focus_id,
        "coverage": _coverage(dashboards.coverage_info(assessment, scope.region_ids)),
        "gate": dashboards.region_gate_data(assessment, scope.focus_id),
        "city_gate": city,
        "regions": dashboards.region_counts(assessment, scope),
    }


@router.get("/programs/{program_id}/assessment/indicators/{indicator_id}", response=IndicatorDetailOut,
            summary="指标达标详情")
def indicator(request, program_id: int, indicator_id: int, region: int | None = None,  # noqa: ANN001, ANN201
              year: int | None = None):
    """序列、预测、判定与可达性说明、责任单位、佐证材料和各区域情况；无数据时给出最近一次填报。"""
    from django.urls import reverse

    scope, region_id = access_indicator_region(request.user, program_id, indicator_id, region)
    item = access_leaf_indicator(scope.program, indicator_id)
    data = dashboards.indicator_detail(program_assessment(scope.program, year=year), scope, item, region_id)
    return {
        **{k: data[k] for k in ("year", "region_id", "target", "deadline", "status", "sentence", "gap_abs", "bound",
                                "reach", "series", "qualitative", "projection", "per_region", "has_data",
                                "latest_report")},
        "coverage": _coverage(data["coverage"]),
        "indicator": _indicator(item),
        "leads": [{"id": d.id, "name": d.name} for d in data["leads"]],
        "cooperators": [{"id": d.id, "name": d.name} for d in data["cooperators"]],
        "evidence": [{**e, "url": reverse("evidence_download", args=[e["id"]])} for e in data["evidence"]],
    }


@router.get("/programs/{program_id}/assessment/departments/{department_id}", response=DepartmentOut,
            summary="本单位指标达标情况")
def department(request, program_id: int, department_id: int, year: int | None = None):  # noqa: ANN001, ANN201
    """单位牵头或配合的指标在其负责区域的判定与可达性。"""
    program, unit = access_unit(request.user, program_id, department_id)
    assessment = program_assessment(program, year=year)
    rows = dashboards.department_rows(assessment, unit)
    region_id = dashboards.department_region(assessment, unit)
    return {"year": assessment.year, "department": {"id": unit.id, "name": unit.name},
            "coverage": _coverage(dashboards.coverage_info(assessment, [region_id])),
            "rows": [{**r, "indicator": _indicator(r["indicator"])} for r in rows]}
