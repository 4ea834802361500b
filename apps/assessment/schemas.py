"""API schemas of attainment, read by attribute from the frozen dataclasses of :mod:`apps.assessment.data`.

How every app's ``schemas.py`` is built: a response schema is read by attribute (ninja's ``from_attributes``)
from the object a selector or presenter returns, a frozen dataclass or a model. It lists the public subset of
that object's fields, with their descriptions, under the same names; ``api.py`` returns the object and never
rebuilds it as a dict. A field that the API shapes differently from the object (a flattened list, an
indicator's full name) is a ``resolve_<field>`` static method here, next to its declaration.
``tests/assessment/test_schemas.py`` checks that every other field exists on the dataclass it reads.
"""

from __future__ import annotations

from decimal import Decimal

from ninja import Field, Schema

from apps.indicators.models import Indicator
from calc.attainment import EvaluationStatus, ReachabilityStatus

from .data import Matrix, RegionSummary


class MatrixRegionOut(Schema):
    id: int
    name: str
    level: str


class MatrixIndicatorOut(Schema):
    """An indicator as the API names it: ``name`` is the full name (with its sub-item)."""

    id: int
    code: str
    name: str
    binding: bool
    unit: str

    @staticmethod
    def resolve_name(obj: Indicator) -> str:
        return obj.full_name

    @staticmethod
    def resolve_binding(obj: Indicator) -> bool:
        return bool(obj.binding)


class CellOut(Schema):
    region_id: int
    indicator_id: int
    status: EvaluationStatus
    reach_status: ReachabilityStatus | None
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
    """A row of the matrix's summary: the status counts flattened next to the binding counts."""

    region_id: int
    attained: int
    not_attained: int
    no_data: int
    not_applicable: int
    binding_attained: int
    binding_applicable: int
    passed: bool

    @staticmethod
    def resolve_attained(obj: RegionSummary) -> int:
        return obj.counts[EvaluationStatus.ATTAINED]

    @staticmethod
    def resolve_not_attained(obj: RegionSummary) -> int:
        return obj.counts[EvaluationStatus.NOT_ATTAINED]

    @staticmethod
    def resolve_no_data(obj: RegionSummary) -> int:
        return obj.counts[EvaluationStatus.NO_DATA]

    @staticmethod
    def resolve_not_applicable(obj: RegionSummary) -> int:
        return obj.counts[EvaluationStatus.NOT_APPLICABLE]


class DomainOut(Schema):
    name: str
    span: int = Field(description="该领域连续的指标列数")


class MatrixOut(Schema):
    year: int
    years: list[int]
    coverage: CoverageOut
    only: str = Field(description="all 全部指标 / binding 仅约束性")
    sort: str = Field(description="order 默认顺序 / name 按名称 / attained 按达标数")
    regions: list[MatrixRegionOut]
    region_summaries: list[RegionSummaryOut]
    domains: list[DomainOut]
    indicators: list[MatrixIndicatorOut]
    cells: list[CellOut]

    @staticmethod
    def resolve_regions(obj: Matrix) -> list:
        return list(obj.regions)

    @staticmethod
    def resolve_region_summaries(obj: Matrix) -> list:
        return list(obj.region_summaries)

    @staticmethod
    def resolve_cells(obj: Matrix) -> list:
        return list(obj.cells)


class BlockerOut(Schema):
    code: str
    name: str
    status: EvaluationStatus
    reason: str


class GroupItemOut(Schema):
    code: str
    name: str
    indicator_id: int | None
    reason: str


class BlockerGroupOut(Schema):
    status: EvaluationStatus
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
    status: ReachabilityStatus
    label: str
    sentence: str
    observed_rate: str | None
    required_rate: str | None
    ratio: str | None
    years_needed: int | None
    expected_year: int | None
    goal: str | None


class DashboardUnitOut(Schema):
    id: int
    name: str


class DashboardEvidenceOut(Schema):
    id: int
    value_id: int
    year: int
    name: str
    url: str


class PerRegionOut(Schema):
    region_id: int
    name: str
    target: str
    status: EvaluationStatus
    value: str | None
    gap_abs: str | None
    reach_status: ReachabilityStatus | None
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
    indicator: MatrixIndicatorOut
    target: str
    deadline: int
    status: EvaluationStatus
    sentence: str
    gap_abs: str | None
    bound: str | None
    reach: ReachOut | None
    series: list[PointOut]
    qualitative: list[QualitativeOut]
    projection: list[PointOut]
    leads: list[DashboardUnitOut]
    cooperators: list[DashboardUnitOut]
    evidence: list[DashboardEvidenceOut]
    per_region: list[PerRegionOut]


class DepartmentRowOut(Schema):
    indicator: MatrixIndicatorOut
    role: str
    region_id: int
    target: str
    status: EvaluationStatus
    sentence: str
    value: str | None
    reach_status: str = Field(description="可达性状态；无可达性分析时为空字符串")
    reach_sentence: str


class UnitDashboardOut(Schema):
    year: int
    coverage: CoverageOut
    department: DashboardUnitOut
    rows: list[DepartmentRowOut]
