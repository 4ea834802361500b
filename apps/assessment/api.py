"""Attainment as JSON: the matrix, gates, indicator detail and department view; same checks as the pages."""

from __future__ import annotations

from decimal import Decimal

from ninja import Router, Schema

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


class MatrixOut(Schema):
    year: int
    years: list[int]
    regions: list[RegionOut]
    indicators: list[IndicatorOut]
    cells: list[CellOut]


class BlockerOut(Schema):
    code: str
    name: str
    status: str
    reason: str


class GateOut(Schema):
    passed: bool
    explanation: str
    binding_applicable: int
    binding_attained: int
    reference_applicable: int
    reference_attained: int
    reference_share: Decimal | None
    counts: dict[str, int]
    blockers: list[BlockerOut]


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
    title: str
    year: int
    explanation: str


class CityGateOut(Schema):
    passed: bool
    all_clear: bool
    explanation: str
    counties_blocked: list[CountyBlockOut]
    counties_pending: list[str]
    counties_passed: list[str]


class GatesOut(Schema):
    year: int
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


class IndicatorDetailOut(Schema):
    year: int
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
    department: UnitOut
    rows: list[DepartmentRowOut]


def _indicator(i) -> dict:  # noqa: ANN001
    return {"id": i.id, "code": i.code, "name": i.full_name, "binding": bool(i.binding), "unit": i.unit}


@router.get("/programs/{program_id}/assessment/matrix", response=MatrixOut)
def matrix(request, program_id: int, year: int | None = None):  # noqa: ANN001, ANN201
    scope = access_assessment(request.user, program_id)
    data = dashboards.matrix(program_assessment(scope.program, year=year), scope)
    return {
        "year": data["year"], "years": data["years"],
        "regions": [{"id": r["region"].id, "name": r["region"].name, "level": r["region"].level}
                    for r in data["rows"]],
        "indicators": [_indicator(i) for i in data["indicators"]],
        "cells": [{"region_id": r["region"].id, **{k: c[k] for k in ("indicator_id", "status", "reach_status", "value",
                                                                       "gap_abs", "gap_rel", "target")}}
                  for r in data["rows"] for c in r["cells"]],
    }


@router.get("/programs/{program_id}/assessment/gates", response=GatesOut)
def gates(request, program_id: int, year: int | None = None):  # noqa: ANN001, ANN201
    scope = access_assessment(request.user, program_id)
    assessment = program_assessment(scope.program, year=year)
    city = assessment.city_gate() if scope.focus_id == scope.program.region_id else None
    return {
        "year": assessment.year, "focus_region_id": scope.focus_id,
        "gate": dashboards.gate_data(assessment.region_gate(scope.focus_id)),
        "city_gate": None if city is None else {
            "passed": city.passed, "all_clear": city.all_clear, "explanation": city.explanation,
            "counties_blocked": [{"region": b.region, "title": b.title, "year": b.year, "explanation": b.explanation}
                                 for b in city.counties_blocked],
            "counties_pending": list(city.counties_pending), "counties_passed": list(city.counties_passed),
        },
        "regions": dashboards.region_counts(assessment, scope),
    }


@router.get("/programs/{program_id}/assessment/indicators/{indicator_id}", response=IndicatorDetailOut)
def indicator(request, program_id: int, indicator_id: int, region: int | None = None,  # noqa: ANN001, ANN201
              year: int | None = None):
    from django.urls import reverse

    scope, region_id = access_indicator_region(request.user, program_id, indicator_id, region)
    item = access_leaf_indicator(scope.program, indicator_id)
    data = dashboards.indicator_detail(program_assessment(scope.program, year=year), scope, item, region_id)
    return {
        **{k: data[k] for k in ("year", "region_id", "target", "deadline", "status", "sentence", "gap_abs", "bound",
                                "reach", "series", "qualitative", "projection", "per_region")},
        "indicator": _indicator(item),
        "leads": [{"id": d.id, "name": d.name} for d in data["leads"]],
        "cooperators": [{"id": d.id, "name": d.name} for d in data["cooperators"]],
        "evidence": [{**e, "url": reverse("reporting_evidence_download",
                                          args=[program_id, e["value_id"], e["id"]])} for e in data["evidence"]],
    }


@router.get("/programs/{program_id}/assessment/departments/{department_id}", response=DepartmentOut)
def department(request, program_id: int, department_id: int, year: int | None = None):  # noqa: ANN001, ANN201
    program, unit = access_unit(request.user, program_id, department_id)
    assessment = program_assessment(program, year=year)
    rows = dashboards.department_rows(assessment, unit)
    return {"year": assessment.year, "department": {"id": unit.id, "name": unit.name},
            "rows": [{**r, "indicator": _indicator(r["indicator"])} for r in rows]}
