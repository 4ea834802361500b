"""What the dashboards hand to the pages and the API: frozen dataclasses, built by :mod:`.dashboards`.

Templates read them by attribute as they read dicts; ``schemas.py`` reads the same attributes, so a field is
named once, here. A chart is built by ``chart()`` on the object that owns the data, as the typed dataclasses of
:mod:`.charts`, and serialised at the edge by :func:`.charts.chart_json`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext

from apps.geo.models import Department, Region
from apps.indicators.models import Indicator
from calc.attainment import EvaluationStatus, ReachabilityStatus, fmt_number

from .charts import (
    AxisBounds,
    CockpitChart,
    CockpitText,
    IndicatorChart,
    LineSeries,
    QualitativeMark,
    SparkChart,
    StatusCount,
    axis_bounds,
    bar_axis,
)

__all__ = [
    "BlockerGroup",
    "BlockerItem",
    "CellState",
    "CityGate",
    "Cockpit",
    "CountyBlocked",
    "CountyBlocker",
    "Coverage",
    "DepartmentRow",
    "DepartmentView",
    "DomainGroup",
    "EvidenceItem",
    "Gate",
    "GateBlocker",
    "Gates",
    "IndicatorDetail",
    "LatestReport",
    "Matrix",
    "MatrixCell",
    "MatrixColumn",
    "MatrixRow",
    "Milestone",
    "PerRegionRow",
    "PhaseBar",
    "Point",
    "QualitativePoint",
    "ReachDetail",
    "RegionSummary",
    "Sparkline",
    "TargetPoint",
    "Timeline",
    "WeakSpot",
    "WeakSpots",
    "YearCoverage",
    "YearMark",
]


@dataclass(frozen=True, slots=True)
class CellState:
    """What one region × indicator shows: its status, and the reachability only where it adds to it.

    Built by :func:`apps.assessment.dashboards.cell_state`, the one place that decides it (never "无数据" next to
    "已达标").
    """

    status: EvaluationStatus
    label: str
    reach: ReachabilityStatus | None
    reach_label: str


@dataclass(frozen=True, slots=True)
class YearCoverage:
    """One selectable year with the approved share of its applicable region × indicator pairs."""

    year: int
    approved: int
    applicable: int
    percent: int | None
    default: bool


@dataclass(frozen=True, slots=True)
class Coverage:
    """The year selector and the page subtitle: the options and the evaluated year's coverage."""

    years: tuple[YearCoverage, ...]
    current: YearCoverage
    default_year: int
    threshold: int


@dataclass(frozen=True, slots=True)
class GateBlocker:
    code: str
    name: str
    status: EvaluationStatus
    label: str
    reason: str


@dataclass(frozen=True, slots=True)
class BlockerItem:
    code: str
    name: str
    status: EvaluationStatus
    label: str
    reason: str
    indicator_id: int | None
    full_name: str


@dataclass(frozen=True, slots=True)
class BlockerGroup:
    status: EvaluationStatus
    label: str
    count: int
    items: tuple[BlockerItem, ...]


@dataclass(frozen=True, slots=True)
class Gate:
    """A region's certification gate (申报条件) with a headline and grouped blockers."""

    passed: bool
    label: str
    explanation: str
    binding_applicable: int
    binding_attained: int
    reference_applicable: int
    reference_attained: int
    reference_share: Decimal | None
    reference_percent: str | None
    counts: Mapping[str, int]
    blockers: tuple[GateBlocker, ...]
    headline: str
    groups: tuple[BlockerGroup, ...]


@dataclass(frozen=True, slots=True)
class CountyBlocker:
    code: str
    name: str
    status: EvaluationStatus
    label: str
    indicator_id: int | None


@dataclass(frozen=True, slots=True)
class CountyBlocked:
    region: str
    region_id: int | None
    title: str
    year: int
    explanation: str
    not_attained: int
    no_data: int
    blockers: tuple[CountyBlocker, ...]


@dataclass(frozen=True, slots=True)
class CityGate:
    """The counties' own goals next to the city's gate."""

    passed: bool
    all_clear: bool
    explanation: str
    headline: str
    counties_blocked: tuple[CountyBlocked, ...]
    counties_pending: tuple[str, ...]
    counties_passed: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RegionSummary:
    """Status counts and the gate summary of one region."""

    region_id: int
    name: str
    level: str
    counts: Mapping[str, int]
    passed: bool
    binding_applicable: int
    binding_attained: int
    reference_applicable: int
    reference_attained: int
    blocker_count: int
    goal: str
    deadline: int


@dataclass(frozen=True, slots=True)
class Gates:
    """The gates view of the API: the focus region's gate, the counties' goals and every region's summary."""

    year: int
    coverage: Coverage
    focus_region_id: int
    gate: Gate
    city_gate: CityGate | None
    regions: tuple[RegionSummary, ...]


@dataclass(frozen=True, slots=True)
class WeakSpot:
    indicator_id: int
    code: str
    name: str
    binding: bool
    status: str  # an EvaluationStatus (gaps) or a ReachabilityStatus (paces)
    label: str
    gap_rel: Decimal | None
    sentence: str


@dataclass(frozen=True, slots=True)
class WeakSpots:
    gaps: tuple[WeakSpot, ...]
    paces: tuple[WeakSpot, ...]


@dataclass(frozen=True, slots=True)
class Point:
    year: int
    value: str | None


@dataclass(frozen=True, slots=True)
class Sparkline:
    indicator_id: int
    name: str
    unit: str
    status: EvaluationStatus
    label: str
    points: tuple[Point, ...]
    latest: Point  # the last approved value drawn, printed beside the chart
    target: str | None  # the evaluated year's numeric target (bound), drawn as a thin line
    ceiling: str | None  # the largest value the quantity can take (100 for a rate), for the axis

    def chart(self) -> SparkChart:
        values = tuple(_decimal(p.value) for p in self.points)
        target = _decimal(self.target)
        latest = _decimal(self.latest.value)
        assert latest is not None
        return SparkChart(id=f"spark-{self.indicator_id}", name=self.name, unit=self.unit, status=self.status,
                          years=tuple(p.year for p in self.points), values=values, target=target,
                          axis=axis_bounds([*values, target], ceiling=_decimal(self.ceiling)),
                          latest_year=self.latest.year, latest_value=latest)


@dataclass(frozen=True, slots=True)
class Milestone:
    title: str
    due: dt.date
    left: float


@dataclass(frozen=True, slots=True)
class PhaseBar:
    name: str
    start: dt.date
    end: dt.date
    left: float
    width: float
    state: str  # past / current / future
    milestones: tuple[Milestone, ...]


@dataclass(frozen=True, slots=True)
class YearMark:
    year: int
    left: float


@dataclass(frozen=True, slots=True)
class Timeline:
    """Phases as percentages of the campaign's span, with today's position."""

    phases: tuple[PhaseBar, ...]
    today: dt.date
    years: tuple[YearMark, ...]
    today_left: float | None


@dataclass(frozen=True, slots=True)
class Cockpit:
    year: int
    years: tuple[int, ...]
    coverage: Coverage
    focus: RegionSummary
    regions: tuple[RegionSummary, ...]
    gate: Gate
    city_gate: CityGate | None
    weak: WeakSpots
    sparklines: tuple[Sparkline, ...]
    timeline: Timeline
    status_labels: Mapping[str, str]

    def chart(self) -> CockpitChart:
        """The cockpit's charts (drawn by static/assessment/assessment.js from :func:`.charts.chart_json`)."""
        return CockpitChart(
            statuses=tuple(StatusCount(key=s, label=self.status_labels[s], focus=self.focus.counts[s],
                                       per_region=tuple(r.counts[s] for r in self.regions))
                           for s in EvaluationStatus),
            regions=tuple(r.name for r in self.regions),
            bar_axis=bar_axis(),
            sparklines=tuple(s.chart() for s in self.sparklines),
            text=CockpitText(pie_tooltip=gettext("{b}：{c}项（{d}%）"), count_axis=gettext("项"),
                             spark_tooltip=gettext("{year}年：{value}{unit}"), target=gettext("目标值")),
        )


@dataclass(frozen=True, slots=True)
class MatrixCell:
    region_id: int
    indicator_id: int
    status: EvaluationStatus
    reach_status: ReachabilityStatus | None
    value: Decimal | None
    gap_abs: Decimal | None
    gap_rel: Decimal | None
    target: str
    title: str


@dataclass(frozen=True, slots=True)
class MatrixRow:
    region: Region
    summary: RegionSummary
    cells: tuple[MatrixCell, ...]


@dataclass(frozen=True, slots=True)
class MatrixColumn:
    indicator: Indicator
    short: str


@dataclass(frozen=True, slots=True)
class DomainGroup:
    """Consecutive indicators of one domain (生态制度, 生态安全, …) as one header cell."""

    name: str
    span: int


@dataclass(frozen=True, slots=True)
class Matrix:
    """One cell per visible region × leaf indicator."""

    year: int
    years: tuple[int, ...]
    indicators: tuple[Indicator, ...]
    rows: tuple[MatrixRow, ...]
    columns: tuple[MatrixColumn, ...]
    domains: tuple[DomainGroup, ...]
    only: str
    sort: str
    keep: tuple[tuple[str, str], ...]
    only_options: Mapping[str, str]
    sort_options: Mapping[str, str]
    binding_total: int
    coverage: Coverage
    status_labels: Mapping[str, str]
    page: int = 1  # the page of regions in ``rows`` (the page's table shows MATRIX_PAGE_ROWS at a time)
    pages: int = 1
    region_total: int = 0  # visible regions on every page

    @property
    def regions(self) -> tuple[Region, ...]:
        return tuple(row.region for row in self.rows)

    @property
    def region_summaries(self) -> tuple[RegionSummary, ...]:
        return tuple(row.summary for row in self.rows)

    @property
    def cells(self) -> tuple[MatrixCell, ...]:
        return tuple(cell for row in self.rows for cell in row.cells)


@dataclass(frozen=True, slots=True)
class QualitativePoint:
    year: int
    status: str
    label: str


@dataclass(frozen=True, slots=True)
class ReachDetail:
    status: ReachabilityStatus
    label: str
    sentence: str
    details: tuple[str, ...]  # the numbers below said in sentences (calc.attainment.pace_details)
    observed_rate: str | None
    required_rate: str | None
    ratio: str | None
    years_needed: int | None
    expected_year: int | None
    goal: str | None
    latest_year: int | None
    latest_value: str | None


@dataclass(frozen=True, slots=True)
class TargetPoint:
    """The numeric target of one year (``value <comparison> bound``), as that year's evaluation compares it."""

    year: int
    comparison: str | None
    value: str | None


@dataclass(frozen=True, slots=True)
class LatestReport:
    """The latest report of any status, shown when no approved data exists yet."""

    year: int
    status: str
    status_label: str
    round_id: int | None
    round_name: str


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    id: int
    value_id: int
    year: int
    name: str
    kind: str
    size: int
    checklist_item: str
    url: str


@dataclass(frozen=True, slots=True)
class PerRegionRow:
    region_id: int
    name: str
    target: str
    status: EvaluationStatus
    label: str
    value: str | None
    gap_abs: str | None
    reach_status: ReachabilityStatus | None
    reach_label: str
    deadline: int


@dataclass(frozen=True, slots=True)
class IndicatorDetail:
    """Series, target line, projection, sentences, units, evidence and the per-region table of one indicator."""

    year: int
    years: tuple[int, ...]
    region_id: int
    keep: tuple[tuple[str, int], ...]
    region_name: str
    indicator: Indicator
    target: str
    target_source: str
    deadline: int
    status: EvaluationStatus
    label: str
    sentence: str
    gap_abs: str | None
    gap_rel: Decimal | None
    bound: str | None
    comparison: str | None
    reach: ReachDetail | None  # None where the status says it all (cell_state): 达标, 无数据, 不适用
    series: tuple[Point, ...]
    qualitative: tuple[QualitativePoint, ...]
    projection: tuple[Point, ...]
    targets: tuple[TargetPoint, ...]  # every year of the chart, from the first value to the deadline
    ceiling: str | None  # the largest value the quantity can take (100 for a rate), for the axis
    has_data: bool
    latest_report: LatestReport | None
    coverage: Coverage
    leads: tuple[Department, ...]
    cooperators: tuple[Department, ...]
    evidence: tuple[EvidenceItem, ...]
    per_region: tuple[PerRegionRow, ...]

    def chart(self) -> IndicatorChart:
        """The indicator's chart: approved values, the dashed projection and the target of every year as steps."""
        years = sorted({p.year for p in self.series} | {p.year for p in self.projection}
                       | {t.year for t in self.targets})
        if self.deadline and years and self.deadline > years[-1]:
            years += list(range(years[-1] + 1, self.deadline + 1))
        observed = {p.year: _decimal(p.value) for p in self.series}
        projected = {p.year: _decimal(p.value) for p in self.projection}
        targets = {t.year: _decimal(t.value) for t in self.targets}
        if self.projection and self.series:  # the dashed line starts at the latest value
            projected.setdefault(self.series[-1].year, _decimal(self.series[-1].value))
        series = [LineSeries("observed", gettext("已审核值"), tuple(observed.get(y) for y in years)),
                  LineSeries("projection", gettext("线性预测"), tuple(projected.get(y) for y in years))]
        if any(v is not None for v in targets.values()):
            series.append(LineSeries("target", gettext("目标值"), tuple(targets.get(y) for y in years)))
        axis = axis_bounds([v for line in series for v in line.values], ceiling=_decimal(self.ceiling))
        return IndicatorChart(
            name=self.indicator.full_name, unit=self.indicator.unit, years=tuple(years), series=tuple(series),
            axis=axis, axis_note=axis_note(axis), deadline=self.deadline,
            qualitative=tuple(QualitativeMark(q.year, q.status, q.label) for q in self.qualitative),
        )


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def axis_note(axis: AxisBounds) -> str:
    """What a chart says when its value axis does not start at zero ("" when it does)."""
    return "" if axis.from_zero else gettext("注意：纵轴从 %(min)s 起，未从 0 开始") % {"min": fmt_number(axis.min)}


@dataclass(frozen=True, slots=True)
class DepartmentRow:
    """One of a unit's own indicators (lead or cooperate) in the region it answers for."""

    indicator: Indicator
    role: str
    role_label: str
    region_id: int
    target: str
    status: EvaluationStatus
    label: str
    sentence: str
    value: str | None
    reach_status: ReachabilityStatus | str  # "" when there is no reachability
    reach_label: str
    reach_sentence: str


@dataclass(frozen=True, slots=True)
class DepartmentView:
    year: int
    years: tuple[int, ...]
    coverage: Coverage
    department: Department
    region_id: int
    rows: tuple[DepartmentRow, ...]
