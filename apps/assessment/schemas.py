"""API schemas of attainment, read by attribute from the frozen dataclasses of :mod:`apps.assessment.data`.

How every app's ``schemas.py`` is built: a response schema is read by attribute (ninja's ``from_attributes``)
from the object a selector or presenter returns, a frozen dataclass or a model. It lists the public subset of
that object's fields, with their descriptions, under the same names; ``api.py`` returns the object and never
rebuilds it as a dict. A schema of a dataclass is derived from it (:func:`apps.core.schemas.schema_of`): it
names the public fields and takes their types from the dataclass, so a field's type is written once; a nested
dataclass is served by the schema named for it. A schema of a model, or one with a field that the API shapes
differently from the object (a flattened list, an indicator's full name), is a class with a ``resolve_<field>``
static method next to its declaration. ``tests/assessment/test_schemas.py`` checks that every other field exists
on the dataclass it reads.
"""

from __future__ import annotations

from ninja import Field, Schema

from apps.core.schemas import schema_of
from calc.attainment import EvaluationStatus

from . import data


class MatrixRegionOut(Schema):
    id: int
    name: str
    level: str


class MatrixIndicatorOut(Schema):
    """An indicator as the API names it: ``name`` is the full name (with its sub-item)."""

    id: int
    code: str
    name: str = Field(alias="full_name")
    binding: bool
    unit: str

    resolve_binding = staticmethod(lambda obj: bool(obj.binding))


class DashboardUnitOut(Schema):
    id: int
    name: str


CellOut = schema_of("CellOut", data.MatrixCell, "region_id indicator_id status reach_status value gap_abs gap_rel target")

YearCoverageOut = schema_of(
    "YearCoverageOut", data.YearCoverage, "year approved applicable percent default",
    approved=Field(description="适用的区域×指标中有经审核数值或状态的项数"),
    applicable=Field(description="适用的区域×指标项数"),
    percent=Field(description="已审核比例（%，向下取整）"),
    default=Field(description="是否为默认年度"),
)

CoverageOut = schema_of(
    "CoverageOut", data.Coverage, "default_year threshold years",
    default_year=Field(description="默认年度：有经审核数据的最近年度（不晚于今年）；无数据时为今年（不晚于目标年）"),
    threshold=Field(description="默认年度的已审核比例阈值（%）"),
    years=list[YearCoverageOut],
)


class RegionSummaryOut(Schema):
    """A row of the matrix's summary: the status counts flattened next to the binding counts."""

    region_id: int
    attained: int
    not_attained: int
    no_data: int
    not_applicable: int
    binding_attained: int
    binding_applicable: int
    passed: bool

    resolve_attained = staticmethod(lambda obj: obj.counts[EvaluationStatus.ATTAINED])
    resolve_not_attained = staticmethod(lambda obj: obj.counts[EvaluationStatus.NOT_ATTAINED])
    resolve_no_data = staticmethod(lambda obj: obj.counts[EvaluationStatus.NO_DATA])
    resolve_not_applicable = staticmethod(lambda obj: obj.counts[EvaluationStatus.NOT_APPLICABLE])


DomainOut = schema_of("DomainOut", data.DomainGroup, "name span", span=Field(description="该领域连续的指标列数"))

MatrixOut = schema_of(
    "MatrixOut", data.Matrix, "year years coverage only sort regions region_summaries domains indicators cells",
    coverage=CoverageOut,
    only=Field(description="all 全部指标 / binding 仅约束性"),
    sort=Field(description="order 默认顺序 / name 按名称 / attained 按达标数"),
    regions=list[MatrixRegionOut],
    region_summaries=list[RegionSummaryOut],
    domains=list[DomainOut],
    indicators=list[MatrixIndicatorOut],
    cells=list[CellOut],
)

BlockerOut = schema_of("BlockerOut", data.GateBlocker, "code name status reason")

GroupItemOut = schema_of("GroupItemOut", data.BlockerItem, "code name indicator_id reason")

BlockerGroupOut = schema_of("BlockerGroupOut", data.BlockerGroup, "status label count items", items=list[GroupItemOut])

GateOut = schema_of(
    "GateOut", data.Gate,
    "passed headline explanation binding_applicable binding_attained reference_applicable reference_attained"
    " reference_share counts blockers groups",
    headline=Field(description="一句话摘要：约束性达标数与阻碍项数、参考性达标率"),
    blockers=list[BlockerOut],
    groups=(list[BlockerGroupOut], Field(description="阻碍项按状态分组：未达标（按差距从大到小）在前，无数据在后")),
)

RegionGateOut = schema_of(
    "RegionGateOut", data.RegionSummary,
    "region_id name passed binding_applicable binding_attained reference_applicable reference_attained counts"
    " blocker_count goal deadline",
)

CountyBlockOut = schema_of(
    "CountyBlockOut", data.CountyBlocked, "region region_id title year explanation not_attained no_data",
)

CityGateOut = schema_of(
    "CityGateOut", data.CityGate,
    "passed all_clear headline explanation counties_blocked counties_pending counties_passed",
    counties_blocked=list[CountyBlockOut],
)

GatesOut = schema_of(
    "GatesOut", data.Gates, "year coverage focus_region_id gate city_gate regions",
    coverage=CoverageOut, gate=GateOut, city_gate=CityGateOut | None, regions=list[RegionGateOut],
)

PointOut = schema_of("PointOut", data.Point, "year value")

QualitativeOut = schema_of("QualitativeOut", data.QualitativePoint, "year status label")

ReachOut = schema_of(
    "ReachOut", data.ReachDetail,
    "status label sentence details observed_rate required_rate ratio years_needed expected_year goal",
    details=(list[str], Field(description="测算依据：实际进度、所需进度、两者之比和按此速度的达标年份，逐句说明")),
)

TargetPointOut = schema_of("TargetPointOut", data.TargetPoint, "year comparison value")

DashboardEvidenceOut = schema_of("DashboardEvidenceOut", data.EvidenceItem, "id value_id year name url")

PerRegionOut = schema_of(
    "PerRegionOut", data.PerRegionRow, "region_id name target status value gap_abs reach_status deadline",
)

LatestReportOut = schema_of("LatestReportOut", data.LatestReport, "year status status_label round_id round_name")

IndicatorDetailOut = schema_of(
    "IndicatorDetailOut", data.IndicatorDetail,
    "year coverage has_data latest_report region_id indicator target deadline status sentence gap_abs bound reach"
    " series qualitative projection targets leads cooperators evidence per_region",
    coverage=CoverageOut,
    has_data=Field(description="截至评估年度是否有经审核的数值或状态"),
    latest_report=(LatestReportOut | None, Field(description="无经审核数据时：最近一次填报（任何状态）")),
    indicator=MatrixIndicatorOut,
    reach=(ReachOut | None, Field(description="可达性分析；仅在未达标时给出（达标、无数据、不适用时为空）")),
    series=list[PointOut],
    qualitative=list[QualitativeOut],
    projection=list[PointOut],
    targets=(list[TargetPointOut], Field(description="逐年目标：从第一个数据年度到期限，每年与之比较的数值（无数值目标时为空）")),
    leads=list[DashboardUnitOut],
    cooperators=list[DashboardUnitOut],
    evidence=list[DashboardEvidenceOut],
    per_region=list[PerRegionOut],
)

DepartmentRowOut = schema_of(
    "DepartmentRowOut", data.DepartmentRow,
    "indicator role region_id target status sentence value reach_status reach_sentence",
    indicator=MatrixIndicatorOut,
    reach_status=(str, Field(description="可达性状态；无可达性分析时为空字符串")),
)

UnitDashboardOut = schema_of(
    "UnitDashboardOut", data.DepartmentView, "year coverage department rows",
    coverage=CoverageOut, department=DashboardUnitOut, rows=list[DepartmentRowOut],
)
