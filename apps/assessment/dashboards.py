"""What the dashboards show, as frozen dataclasses shared by the pages and the API (no rendering here).

Each function takes a :class:`~apps.assessment.selectors.ProgramAssessment` (bulk frames) and a
:class:`~apps.assessment.access.Scope`; sentences come from the scalar functions for the rows shown only.
The shapes are declared in :mod:`apps.assessment.data`; ``schemas.py`` reads their attributes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal

import polars as pl
from django.db.models import F
from django.utils.translation import get_language, gettext, gettext_lazy

from apps.core.errors import NotFoundError
from apps.evidence.models import Evidence
from apps.geo.models import Department, Region
from apps.indicators.models import Indicator
from apps.programs.models import Phase, Program, Responsibility
from apps.reporting.models import IndicatorValue, PeriodType, QualitativeStatus
from apps.reporting.validation import is_change, plausible_range
from calc.attainment import EvaluationStatus, GateResult, ReachabilityStatus, fmt_number, pace_details

from .access import Scope
from .charts import MatrixHeat, MatrixHeatText
from .data import (
    BlockerGroup,
    BlockerItem,
    CellState,
    CityGate,
    Cockpit,
    CountyBlocked,
    CountyBlocker,
    Coverage,
    DepartmentRow,
    DepartmentView,
    DomainGroup,
    EvidenceItem,
    Gate,
    GateBlocker,
    Gates,
    IndicatorDetail,
    LatestReport,
    Matrix,
    MatrixCell,
    MatrixColumn,
    MatrixRow,
    Milestone,
    PerRegionRow,
    PhaseBar,
    Point,
    QualitativePoint,
    ReachDetail,
    RegionSummary,
    Sparkline,
    TargetPoint,
    Timeline,
    WeakSpot,
    WeakSpots,
    YearCoverage,
    YearMark,
)
from .selectors import COVERAGE_THRESHOLD, STATUS_ORDER, ProgramAssessment, year_coverage

WEAK_SPOTS = 10
SPARKLINES = 8

# calc.attainment says its statuses in Chinese; the pages say them in the interface language. In Chinese these
# are exactly calc's words (tests/i18n checks it), so the API and the Chinese pages read the same as before.
S, R = EvaluationStatus, ReachabilityStatus
STATUS_TEXT = {S.ATTAINED: gettext_lazy("达标"), S.NOT_ATTAINED: gettext_lazy("未达标"),
               S.NO_DATA: gettext_lazy("无数据"), S.NOT_APPLICABLE: gettext_lazy("不适用")}
REACH_TEXT = {R.ATTAINED: gettext_lazy("已达标"), R.ON_TRACK: gettext_lazy("可按期达标"),
              R.ACCELERATE: gettext_lazy("需加快"), R.OFF_TRACK: gettext_lazy("难以按期达标"),
              R.INSUFFICIENT_DATA: gettext_lazy("数据不足")}
#: Blockers are grouped in this order: 未达标 first, then 无数据.
BLOCKING = (S.NOT_ATTAINED, S.NO_DATA)
GATE_TEXT = {True: gettext_lazy("约束性指标全部达标"), False: gettext_lazy("约束性指标未全部达标")}


def status_label(status: str) -> str:
    return str(STATUS_TEXT[status])


def reach_label(status: str | None) -> str:
    return str(REACH_TEXT[status]) if status else ""


def reach_status(value: str | None) -> ReachabilityStatus | None:
    """A reachability status read from a frame (null where the pair has none)."""
    return R(value) if value else None


def cell_state(status: str, reach: str | None) -> CellState:
    """What a region × indicator shows in the evaluated year: the one place that decides it.

    The reachability is shown only beside 未达标, where it says whether the gap will close in time. Beside 达标
    it repeats the status; beside 无数据 it would describe an earlier year (the latest with data), so a year
    without data could read "无数据 · 已达标"; 不适用 has none.
    """
    key = (status, reach, get_language())
    state = _CELL_STATES.get(key)
    if state is None:  # a handful of states per language: the heat map asks for one per region × indicator
        shown = reach_status(reach) if status == S.NOT_ATTAINED else None
        state = _CELL_STATES[key] = CellState(status=S(status), label=status_label(status), reach=shown,
                                              reach_label=reach_label(shown))
    return state


_CELL_STATES: dict[tuple[str, str | None, str | None], CellState] = {}


def number(value: Decimal | None) -> str | None:
    return None if value is None else fmt_number(value)


def percent_floor(part: int, whole: int) -> int | None:
    """Whole percent, rounded down so that 59.6 % never reads as the 60 % threshold."""
    return None if not whole else part * 100 // whole


def year_options(assessment: ProgramAssessment, region_ids: Iterable[int] | None) -> tuple[YearCoverage, ...]:
    """Each selectable year with the approved coverage of the given regions (all when None)."""
    totals = year_coverage(assessment.coverage, region_ids)
    return tuple(YearCoverage(year=y, approved=a, applicable=n, percent=percent_floor(a, n),
                              default=y == assessment.default_year) for y, (a, n) in totals.items())


def coverage_info(assessment: ProgramAssessment, region_ids: Iterable[int] | None) -> Coverage:
    """What the year selector and the page's subtitle show: the options and the evaluated year's coverage."""
    options = year_options(assessment, region_ids)
    current = next((o for o in options if o.year == assessment.year),
                   YearCoverage(year=assessment.year, approved=0, applicable=0, percent=None, default=False))
    return Coverage(years=options, current=current, default_year=assessment.default_year,
                    threshold=int(COVERAGE_THRESHOLD * 100))


def gate_headline(gate: GateResult) -> str:
    """A short line for a gate: binding attained a/b with the blocking counts, and the reference share."""
    counts = dict.fromkeys(BLOCKING, 0)
    for b in gate.blockers:
        counts[b.status] = counts.get(b.status, 0) + 1
    args = {"a": gate.binding_attained, "b": gate.binding_applicable, "x": counts[S.NOT_ATTAINED],
            "y": counts[S.NO_DATA]}
    if gate.binding_applicable == 0:
        text = gettext("没有适用的约束性指标")
    elif gate.passed:
        text = gettext("约束性指标 %(a)s/%(b)s 全部达标") % args
    else:
        parts = []
        if counts[S.NOT_ATTAINED]:
            parts.append(gettext("%(x)s项未达标") % args)
        if counts[S.NO_DATA]:
            parts.append(gettext("%(y)s项无数据") % args)
        text = gettext("约束性指标 %(a)s/%(b)s 达标：") % args + gettext("、").join(parts)
    if gate.reference_share is not None:
        text += gettext("；参考性指标达标率 %(p)s%%") % {"p": fmt_number(gate.reference_share * 100, places=1)}
    return text


def blocker_groups(gate: GateResult, indicators: dict[str, Indicator],
                   gaps: dict[str, Decimal | None] | None = None) -> tuple[BlockerGroup, ...]:
    """Blockers grouped by status, 未达标 first (largest relative gap first when known), then 无数据."""
    gaps = gaps or {}
    groups = []
    for status in BLOCKING:
        items = [b for b in gate.blockers if b.status == status]
        if status == S.NOT_ATTAINED:
            items.sort(key=lambda b: -(gaps.get(b.code) or Decimal(0)))
        if items:
            groups.append(BlockerGroup(status=status, label=status_label(status), count=len(items), items=tuple(
                BlockerItem(code=b.code, name=b.name, status=b.status, label=status_label(b.status), reason=b.reason,
                            indicator_id=indicators[b.code].id if b.code in indicators else None,
                            full_name=indicators[b.code].full_name if b.code in indicators else b.name)
                for b in items)))
    return tuple(groups)


def gate_data(gate: GateResult, indicators: dict[str, Indicator] | None = None,
              gaps: dict[str, Decimal | None] | None = None) -> Gate:
    return Gate(
        passed=gate.passed,
        label=str(GATE_TEXT[gate.passed]),
        explanation=gate.explanation,
        binding_applicable=gate.binding_applicable,
        binding_attained=gate.binding_attained,
        reference_applicable=gate.reference_applicable,
        reference_attained=gate.reference_attained,
        reference_share=gate.reference_share,
        reference_percent=None if gate.reference_share is None else fmt_number(gate.reference_share * 100,
                                                                                 places=1),
        counts=dict(gate.counts),
        blockers=tuple(GateBlocker(code=b.code, name=b.name, status=b.status, label=status_label(b.status),
                                   reason=b.reason) for b in gate.blockers),
        headline=gate_headline(gate),
        groups=blocker_groups(gate, indicators or {}, gaps),
    )


def region_gate_data(assessment: ProgramAssessment, region_id: int) -> Gate:
    """:func:`gate_data` of a region, with links to the indicators and not-attained blockers by gap."""
    gate = assessment.region_gate(region_id)
    codes = {i.code: i for i in assessment.indicators}
    scalar = assessment.scalar([(region_id, codes[b.code].id) for b in gate.blockers if b.code in codes])
    gaps = {b.code: scalar[(region_id, codes[b.code].id)][0].gap_rel for b in gate.blockers if b.code in codes}
    return gate_data(gate, codes, gaps)


def city_gate_data(assessment: ProgramAssessment) -> CityGate:
    """The counties' own goals next to the city's gate, with a short headline and grouped blockers."""
    city = assessment.city_gate()
    codes = {i.code: i for i in assessment.indicators}
    ids = {r.name: r.id for r in assessment.regions}
    blocked = []
    for b in city.counties_blocked:
        groups = {s: [x for x in b.blockers if x.status == s] for s in BLOCKING}
        blocked.append(CountyBlocked(
            region=b.region, region_id=ids.get(b.region), title=b.title, year=b.year,
            explanation=b.explanation, not_attained=len(groups[S.NOT_ATTAINED]), no_data=len(groups[S.NO_DATA]),
            blockers=tuple(CountyBlocker(code=x.code, name=x.name, status=x.status, label=status_label(x.status),
                                         indicator_id=codes[x.code].id if x.code in codes else None)
                           for s in BLOCKING for x in groups[s]),
        ))
    args = {"b": len(city.counties_blocked), "p": len(city.counties_pending), "ok": len(city.counties_passed)}
    parts = []
    if args["b"]:
        parts.append(gettext("%(b)s个县区到期未达到各自创建目标") % args)
    if args["p"]:
        parts.append(gettext("%(p)s个目标年未到") % args)
    if args["ok"]:
        parts.append(gettext("%(ok)s个已达到申报条件") % args)
    return CityGate(
        passed=city.passed, all_clear=city.all_clear, explanation=city.explanation,
        headline=gettext("，").join(parts) if parts else gettext("没有设定创建目标的县区"),
        counties_blocked=tuple(blocked),
        counties_pending=tuple(city.counties_pending),
        counties_passed=tuple(city.counties_passed),
    )


def gates(assessment: ProgramAssessment, scope: Scope) -> Gates:
    """The focus region's gate, the counties' goals (city users only) and every visible region's summary."""
    city = city_gate_data(assessment) if scope.focus_id == scope.program.region_id else None
    return Gates(year=assessment.year, focus_region_id=scope.focus_id,
                 coverage=coverage_info(assessment, scope.region_ids),
                 gate=region_gate_data(assessment, scope.focus_id), city_gate=city,
                 regions=region_counts(assessment, scope))


def region_counts(assessment: ProgramAssessment, scope: Scope) -> tuple[RegionSummary, ...]:
    """Status counts and gate summary per visible region (bulk), city first."""
    rows = {r["region_id"]: r for r in assessment.gates.iter_rows(named=True)}
    result = []
    for region in scope.visible(assessment.regions):
        row = rows.get(region.id)
        if row is None:
            continue
        goal = assessment.goals.get(region.id)
        result.append(RegionSummary(
            region_id=region.id, name=region.name, level=region.level,
            counts={s: row[s] for s in STATUS_ORDER},
            passed=row["passed"],
            binding_applicable=row["binding_applicable"], binding_attained=row["binding_attained"],
            reference_applicable=row["reference_applicable"], reference_attained=row["reference_attained"],
            blocker_count=len(row["blockers"]),
            goal=f"{goal.target_year}年创建{goal.get_title_sought_display()}" if goal else "",
            deadline=assessment.deadlines[region.id],
        ))
    return tuple(result)


def weak_spots(assessment: ProgramAssessment, region_id: int) -> WeakSpots:
    """Not attained with the largest relative gap (binding first), and reachability 难以按期达标/需加快."""
    binding = {i.id: bool(i.binding) for i in assessment.indicators}
    year_rows = assessment.year_grid().filter((pl.col("region_id") == region_id)
                                              & (pl.col("status") == S.NOT_ATTAINED))
    gaps = sorted(year_rows.iter_rows(named=True),
                  key=lambda r: (not binding[r["indicator_id"]], -(r["gap_rel"] or Decimal(0))))[:WEAK_SPOTS]
    order = {R.OFF_TRACK: 0, R.ACCELERATE: 1}
    year_status = {r["indicator_id"]: r["status"] for r in assessment.year_grid().filter(
        pl.col("region_id") == region_id).select("indicator_id", "status").iter_rows(named=True)}
    reach_rows = [r for r in assessment.reach.filter((pl.col("region_id") == region_id)
                                                     & pl.col("status").is_in(list(order))).iter_rows(named=True)
                  if cell_state(year_status.get(r["indicator_id"], S.NO_DATA), r["status"]).reach is not None]
    paces = sorted(reach_rows,
                   key=lambda r: (order[r["status"]], not binding[r["indicator_id"]],
                                  r["ratio"] if r["ratio"] is not None else Decimal(-10**9)))[:WEAK_SPOTS]
    scalar = assessment.scalar([(region_id, r["indicator_id"]) for r in [*gaps, *paces]])
    indicators = assessment.indicator_by_id

    def item(row: dict, *, reach: bool) -> WeakSpot:
        evaluation, reachability = scalar[(region_id, row["indicator_id"])]
        indicator = indicators[row["indicator_id"]]
        return WeakSpot(
            indicator_id=indicator.id, code=indicator.code, name=indicator.full_name,
            binding=bool(indicator.binding),
            status=reachability.status if reach else evaluation.status,
            label=reach_label(reachability.status) if reach else status_label(evaluation.status),
            gap_rel=row.get("gap_rel") if not reach else evaluation.gap_rel,
            sentence=reachability.explanation if reach else evaluation.explanation,
        )

    return WeakSpots(gaps=tuple(item(r, reach=False) for r in gaps), paces=tuple(item(r, reach=True) for r in paces))


def sparklines(assessment: ProgramAssessment, region_id: int) -> tuple[Sparkline, ...]:
    """Series of the key indicators (binding, numeric, with data) of the region, for small charts.

    Each carries its latest value (printed beside the chart) and the evaluated year's numeric target.
    """
    values = assessment.frames.values.filter(pl.col("region_id") == region_id)
    by_indicator: dict[int, list[tuple[int, str]]] = {}
    for _, iid, year, value in values.sort("year").iter_rows():
        if year <= assessment.year:
            by_indicator.setdefault(iid, []).append((year, value))
    rows = {r["indicator_id"]: r for r in assessment.year_grid().filter(
        pl.col("region_id") == region_id).iter_rows(named=True)}
    chosen = [i for i in assessment.indicators if i.binding and len(by_indicator.get(i.id, [])) >= 2]
    chosen += [i for i in assessment.indicators if not i.binding and len(by_indicator.get(i.id, [])) >= 2]
    result = []
    for i in chosen[:SPARKLINES]:
        points = tuple(Point(year=y, value=number(Decimal(v))) for y, v in by_indicator[i.id])
        row = rows.get(i.id, {})
        status = row.get("status", S.NO_DATA)
        result.append(Sparkline(
            indicator_id=i.id, name=i.full_name, unit=i.unit, status=S(status), label=status_label(status),
            points=points, latest=points[-1], target=number(row.get("bound")), ceiling=number(ceiling(i)),
        ))
    return tuple(result)


def timeline(program: Program, today: dt.date) -> Timeline:
    """Phases as percentages of the campaign's span, with today's position."""
    phases = list(Phase.objects.filter(program=program).prefetch_related("milestones").order_by("order", "start"))
    if not phases:
        return Timeline(phases=(), today_left=None, today=today, years=())
    start = min(p.start for p in phases)
    end = max(p.end for p in phases)
    span = max((end - start).days, 1)

    def left(day: dt.date) -> float:
        return round((day - start).days * 100 / span, 2)

    rows = tuple(PhaseBar(
        name=p.name, start=p.start, end=p.end, left=left(p.start),
        width=max(round((p.end - p.start).days * 100 / span, 2), 0.5),
        state="current" if p.start <= today <= p.end else ("past" if p.end < today else "future"),
        milestones=tuple(Milestone(title=m.title, due=m.due, left=left(m.due)) for m in p.milestones.all()),
    ) for p in phases)
    years = tuple(YearMark(year=y, left=left(dt.date(y, 1, 1))) for y in range(start.year + 1, end.year + 1))
    return Timeline(phases=rows, today=today, years=years, today_left=left(today) if start <= today <= end else None)


def focus_figures(assessment: ProgramAssessment, focus: int
                  ) -> tuple[Gate, CityGate | None, WeakSpots, tuple[Sparkline, ...]]:
    """The cockpit's figures of its region, which only the data decides: the gate, the counties' goals (for the
    program's region), the weak spots and the key indicators' series. A snapshot per data version, region and
    language (the labels are in the interface language), so a warm cockpit computes none of them; after a data
    change that touched neither the region nor (for the program's region) a county with a goal, the previous
    snapshot is kept."""
    def build() -> tuple[Gate, CityGate | None, WeakSpots, tuple[Sparkline, ...]]:
        return (region_gate_data(assessment, focus),
                None if focus != assessment.program.region_id else city_gate_data(assessment),
                weak_spots(assessment, focus), sparklines(assessment, focus))

    reads = assessment.gate_regions() if focus == assessment.program.region_id else [focus]
    return assessment.snapshot(f"cockpit:{focus}:{get_language()}", build, regions=reads)


def cockpit(assessment: ProgramAssessment, scope: Scope, today: dt.date) -> Cockpit:
    focus = scope.focus_id
    regions = region_counts(assessment, scope)
    gate, city, weak, series = focus_figures(assessment, focus)
    return Cockpit(
        year=assessment.year,
        years=tuple(assessment.years),
        coverage=coverage_info(assessment, scope.region_ids),
        focus=next(r for r in regions if r.region_id == focus),
        regions=regions,
        gate=gate,
        city_gate=city,
        weak=weak,
        sparklines=series,
        timeline=timeline(assessment.program, today),  # the program's phases: not part of the data version
        status_labels={s: status_label(s) for s in STATUS_TEXT},
    )


#: Matrix query parameters: ``?only=`` (which indicators) and ``?sort=`` (order of the regions).
MATRIX_ONLY = {"all": gettext_lazy("全部指标"), "binding": gettext_lazy("仅约束性")}
MATRIX_SORT = {"order": gettext_lazy("默认顺序"), "name": gettext_lazy("按名称"), "attained": gettext_lazy("按达标数")}
SHORT_NAME = 9


def short_name(indicator: Indicator, limit: int = SHORT_NAME) -> str:
    """A column header: the name without parenthesised asides, cut to ``limit`` characters."""
    name = re.sub(r"[（(][^）)]*[）)]", "", indicator.name).strip() or indicator.name
    return name if len(name) <= limit else name[:limit - 1] + "…"


def name_key(name: str) -> bytes:
    """Sort key for Chinese names: GB2312 orders its common characters by pinyin."""
    return name.encode("gb18030", errors="replace")


def domain_groups(indicators: list[Indicator]) -> tuple[DomainGroup, ...]:
    """Consecutive indicators of the same domain (生态制度, 生态安全, …) as one header cell each."""
    groups: list[DomainGroup] = []
    for indicator in indicators:
        if groups and groups[-1].name == indicator.domain:
            groups[-1] = DomainGroup(name=indicator.domain, span=groups[-1].span + 1)
        else:
            groups.append(DomainGroup(name=indicator.domain, span=1))
    return tuple(groups)


def matrix_order(assessment: ProgramAssessment, scope: Scope, only: str, sort: str
                 ) -> tuple[list[Indicator], list[Region], dict[int, RegionSummary]]:
    """The matrix's columns, its rows (visible regions in the asked order) and each row's summary.

    ``only="binding"`` keeps the binding indicators; ``sort`` orders the regions by program order,
    name (pinyin) or attained count (most first; binding attained, then name, break ties).
    """
    indicators = [i for i in assessment.indicators if i.binding] if only == "binding" else assessment.indicators
    regions = scope.visible(assessment.regions)
    summaries = {r.region_id: r for r in region_counts(assessment, scope)}
    if sort == "name":
        regions = sorted(regions, key=lambda r: name_key(r.name))
    elif sort == "attained":
        regions = sorted(regions, key=lambda r: (-summaries[r.id].counts[S.ATTAINED],
                                                 -summaries[r.id].binding_attained, name_key(r.name)))
    return indicators, regions, summaries


def matrix(assessment: ProgramAssessment, scope: Scope, *, only: str = "all", sort: str = "order",
           page: int | None = None) -> Matrix:
    """One cell per visible region × leaf indicator, from the bulk frames (no scalar calls).

    See :func:`matrix_order` for ``only`` and ``sort``. With ``page`` only that page of
    :data:`MATRIX_PAGE_ROWS` regions has rows (the page's table; :func:`matrix_heat` draws them all).
    """
    only, sort = matrix_choices(only, sort)
    indicators, regions, summaries = matrix_order(assessment, scope, only, sort)
    total, pages = len(regions), matrix_page_count(len(regions))
    if page is not None:
        page = min(max(page, 1), pages)
        regions = regions[(page - 1) * MATRIX_PAGE_ROWS:page * MATRIX_PAGE_ROWS]
    cells = assessment.status_map(region_ids=[r.id for r in regions] if page is not None else None)
    words = matrix_words()  # translated once, not once per cell
    labels = {s: status_label(s) for s in STATUS_TEXT}
    states: dict[tuple[str, str | None], CellState] = {}
    rows = []
    for region in regions:
        row = []
        for indicator in indicators:
            cell = cells[(region.id, indicator.id)]
            found = assessment.resolved.shared((region.id, indicator.id))  # its target, text and reason
            status = cell["status"]
            key = (status, cell["reach_status"])
            state = states.get(key) or states.setdefault(key, cell_state(*key))
            title = words.cell % {"region": region.name, "number": indicator.number_label,
                                  "name": indicator.full_name, "status": labels[status]}
            if status != S.NOT_APPLICABLE:
                title += words.target % {"target": found.text}
                if cell["value"] is not None:
                    title += words.value % {"year": assessment.year, "value": fmt_number(cell["value"]),
                                            "unit": indicator.unit}
                if cell["gap_abs"] is not None and status == S.NOT_ATTAINED:
                    title += words.gap % {"gap": fmt_number(cell["gap_abs"])}
                if state.reach:
                    title += words.reach % {"reach": state.reach_label}
            elif found.reason:
                title += words.reason % {"reason": found.reason}
            row.append(MatrixCell(region_id=region.id, indicator_id=indicator.id, status=S(status),
                                  reach_status=state.reach, value=cell["value"], gap_abs=cell["gap_abs"],
                                  gap_rel=cell["gap_rel"], target=found.text, title=title))
        rows.append(MatrixRow(region=region, summary=summaries[region.id], cells=tuple(row)))
    return Matrix(year=assessment.year, years=tuple(assessment.years), indicators=tuple(indicators), rows=tuple(rows),
                  columns=tuple(MatrixColumn(indicator=i, short=short_name(i)) for i in indicators),
                  domains=domain_groups(indicators), only=only, sort=sort,
                  keep=tuple((k, v) for k, v in (("only", only), ("sort", sort)) if v not in ("all", "order")),
                  only_options=MATRIX_ONLY, sort_options=MATRIX_SORT,
                  binding_total=sum(1 for i in assessment.indicators if i.binding),
                  coverage=coverage_info(assessment, scope.region_ids),
                  status_labels={s: status_label(s) for s in STATUS_TEXT},
                  page=page or 1, pages=pages if page is not None else 1, region_total=total)


def matrix_words() -> MatrixHeatText:
    """The words of a matrix cell's title, in the interface language: the table's titles and the heat map's
    tooltips (put together in the browser) say the same."""
    return MatrixHeatText(cell=gettext("%(region)s · %(number)s %(name)s：%(status)s"),
                          target=gettext("；目标%(target)s"), value=gettext("；%(year)s年%(value)s%(unit)s"),
                          gap=gettext("，差%(gap)s"), reach=gettext("；%(reach)s"), reason=gettext("（%(reason)s）"))


#: Regions per page of the matrix's table (the heat map above it draws every region).
MATRIX_PAGE_ROWS = 20
#: A status as one letter of :class:`~.charts.MatrixHeat`'s rows, and a reachability as its mark.
STATUS_CODE = {S.ATTAINED: "a", S.NOT_ATTAINED: "n", S.NO_DATA: "d", S.NOT_APPLICABLE: "x"}
REACH_MARK = {R.OFF_TRACK: "!", R.ACCELERATE: "↑"}


def matrix_heat(assessment: ProgramAssessment, scope: Scope, *, only: str = "all", sort: str = "order",
                detail_url: str = "") -> MatrixHeat:
    """Every visible region × indicator of the matrix as compact data for the heat map and its tooltips.

    One letter per cell for the status and one mark for the reachability (as the table's cells show it), the
    value and gap as printed, and the target as an index into the distinct target texts: the page embeds
    this (tens of KB for 200 regions × 40 indicators) instead of one table cell per pair.
    """
    only, sort = matrix_choices(only, sort)
    return replace(_matrix_heat(assessment, scope, only, sort), detail_url=detail_url)


def matrix_choices(only: str, sort: str) -> tuple[str, str]:
    """``?only=`` and ``?sort=`` as the matrix reads them: an unknown choice is the default one."""
    return only if only in MATRIX_ONLY else "all", sort if sort in MATRIX_SORT else "order"


def scope_digest(scope: Scope) -> str:
    """A short name of the regions a user sees, for the names of snapshots that show only those."""
    seen = "all" if scope.region_ids is None else ",".join(map(str, sorted(scope.region_ids)))
    return hashlib.sha256(seen.encode()).hexdigest()[:16]


def matrix_page_count(regions: int) -> int:
    """Pages of :data:`MATRIX_PAGE_ROWS` regions in the matrix's table (at least one)."""
    return max(1, -(-regions // MATRIX_PAGE_ROWS))


def matrix_page_name(scope: Scope, *, only: str, sort: str, page: int) -> str:
    """The snapshot name of one presented page of the matrix's table (:func:`apps.assessment.views.matrix`), for
    these regions, choices and interface language."""
    return f"matrix-page:{only}:{sort}:{page}:{MATRIX_PAGE_ROWS}:{get_language()}:{scope_digest(scope)}"


def matrix_heat_name(scope: Scope, *, only: str, sort: str) -> str:
    """The snapshot name of the matrix's heat map as the page embeds it: one for every page of the table."""
    return f"heat:{only}:{sort}:{get_language()}:{scope_digest(scope)}"


def _matrix_heat(assessment: ProgramAssessment, scope: Scope, only: str, sort: str) -> MatrixHeat:
    indicators, regions, _ = matrix_order(assessment, scope, only, sort)
    cells = assessment.status_map()
    states: dict[tuple[str, str | None], CellState] = {}  # as the table: a handful, not one per cell
    texts: dict[str, int] = {}
    statuses, marks, values, gaps, targets = [], [], [], [], []
    for region in regions:
        row_status, row_mark, row_values, row_gaps, row_targets = [], [], [], [], []
        for indicator in indicators:
            pair = (region.id, indicator.id)
            cell = cells[pair]
            status = cell["status"]
            found = assessment.resolved.shared(pair)
            row_status.append(STATUS_CODE[status])
            key = (status, cell["reach_status"])
            state = states.get(key) or states.setdefault(key, cell_state(*key))
            row_mark.append(REACH_MARK.get(state.reach, " "))
            row_values.append(None if cell["value"] is None else fmt_number(cell["value"]))
            row_gaps.append(fmt_number(cell["gap_abs"]) if cell["gap_abs"] is not None and status == S.NOT_ATTAINED
                            else None)
            text = found.text if status != S.NOT_APPLICABLE else found.reason
            row_targets.append(texts.setdefault(text, len(texts)))
        statuses.append("".join(row_status))
        marks.append("".join(row_mark))
        values.append(tuple(row_values))
        gaps.append(tuple(row_gaps))
        targets.append(tuple(row_targets))
    return MatrixHeat(
        year=assessment.year, regions=tuple(r.name for r in regions), region_ids=tuple(r.id for r in regions),
        indicators=tuple(f"{i.number_label} {short_name(i)}" for i in indicators),
        names=tuple(f"{i.number_label} {i.full_name}" for i in indicators),
        indicator_ids=tuple(i.id for i in indicators), units=tuple(i.unit for i in indicators),
        statuses=tuple(statuses), marks=tuple(marks), values=tuple(values), gaps=tuple(gaps),
        targets=tuple(targets), target_texts=tuple(texts),
        labels={code: status_label(status) for status, code in STATUS_CODE.items()},
        reach_labels={mark: reach_label(status) for status, mark in REACH_MARK.items()},
        text=matrix_words(),
        detail_url="",
    )


def responsible_units(program: Program, indicator_ids: list[int]) -> dict[int, dict[str, list[Department]]]:
    units: dict[int, dict[str, list[Department]]] = {i: {"lead": [], "cooperate": []} for i in indicator_ids}
    for resp in (Responsibility.objects.filter(program=program, indicator_id__in=indicator_ids)
                 .select_related("department__region").order_by("order", "id")):
        units[resp.indicator_id][resp.role].append(resp.department)
    return units


def indicator_detail(assessment: ProgramAssessment, scope: Scope, indicator: Indicator,
                     region_id: int) -> IndicatorDetail:
    """Series, target line, projection, sentences, units, evidence and the per-region table of one indicator."""
    program = assessment.program
    if region_id not in assessment.region_by_id:
        raise NotFoundError("该区域不属于本创建工作。")
    pair = (region_id, indicator.id)
    evaluation, reach = assessment.scalar([pair])[pair]
    found = assessment.resolved[pair]
    values = assessment.frames.values.filter((pl.col("region_id") == region_id)
                                             & (pl.col("indicator_id") == indicator.id)).sort("year")
    statuses = assessment.frames.statuses.filter((pl.col("region_id") == region_id)
                                                 & (pl.col("indicator_id") == indicator.id)).sort("year")
    # Up to the evaluated year: the pace and the projection are measured from there.
    series = tuple(Point(year=y, value=number(Decimal(v))) for *_, y, v in values.iter_rows()
                   if y <= assessment.year)
    labels = {key: str(label) for key, label in QualitativeStatus.choices}  # plain text: the API reads str
    qualitative = tuple(QualitativePoint(year=y, status=s, label=labels.get(s, s)) for *_, y, s in statuses.iter_rows()
                        if y <= assessment.year)
    projection = tuple(Point(year=y, value=number(within_range(v, indicator)))
                       for y, v in sorted((reach.projection if reach else {}).items()))
    drawn = [p.year for p in series] + [p.year for p in projection]
    chart_years = range(min(drawn, default=assessment.year), max([*drawn, assessment.deadlines[region_id]]) + 1)
    targets = tuple(TargetPoint(year=t.year, comparison=t.comparison, value=number(t.bound))
                    for t in assessment.target_line(pair, chart_years))
    state = cell_state(evaluation.status, reach.status if reach else None)
    bound = evaluation.bound
    units = responsible_units(program, [indicator.id])[indicator.id]
    evidence = list(
        Evidence.objects.filter(indicator_value__program=program, indicator_value__region_id=region_id,
                                indicator_value__indicator=indicator, indicator_value__period_type=PeriodType.YEAR,
                                indicator_value__approved_revision__isnull=False)
        .annotate(year=F("indicator_value__year")).order_by("-year", "id")
    )
    latest_report = None
    if not series and not qualitative:  # the empty state says what is in the pipeline (one query)
        found_value = (IndicatorValue.objects.filter(program=program, region_id=region_id, indicator=indicator,
                                                     period_type=PeriodType.YEAR)
                       .select_related("round").order_by("-year", "-id").first())
        if found_value is not None:
            latest_report = LatestReport(year=found_value.year, status=found_value.status,
                                         status_label=found_value.get_status_display(),
                                         round_id=found_value.round_id,
                                         round_name=found_value.round.name if found_value.round else "")
    per_region = []
    cells = assessment.status_map(indicator_ids=[indicator.id])
    for region in scope.visible(assessment.regions):
        cell = cells[(region.id, indicator.id)]
        shown = cell_state(cell["status"], cell["reach_status"])
        per_region.append(PerRegionRow(
            region_id=region.id, name=region.name, target=assessment.resolved[(region.id, indicator.id)].text,
            status=shown.status, label=shown.label,
            value=number(cell["value"]), gap_abs=number(cell["gap_abs"]),
            reach_status=shown.reach, reach_label=shown.reach_label,
            deadline=assessment.deadlines[region.id],
        ))
    return IndicatorDetail(
        year=assessment.year, years=tuple(assessment.years), region_id=region_id, keep=(("region", region_id),),
        region_name=assessment.region_by_id[region_id].name,
        indicator=indicator, target=found.text, target_source=found.source_label,
        deadline=assessment.deadlines[region_id],
        status=evaluation.status, label=status_label(evaluation.status), sentence=evaluation.explanation,
        gap_abs=number(evaluation.gap_abs), gap_rel=evaluation.gap_rel,
        bound=number(bound), comparison=evaluation.comparison,
        reach=None if reach is None or state.reach is None else ReachDetail(
            status=reach.status, label=reach_label(reach.status), sentence=reach.explanation,
            details=pace_details(reach),
            observed_rate=number(reach.observed_rate), required_rate=number(reach.required_rate),
            ratio=number(reach.ratio), years_needed=reach.years_needed, expected_year=reach.expected_year,
            goal=number(reach.goal), latest_year=reach.latest_year, latest_value=number(reach.latest_value),
        ),
        series=series, qualitative=qualitative, projection=projection, targets=targets,
        ceiling=number(ceiling(indicator)),
        has_data=bool(series or qualitative), latest_report=latest_report,
        coverage=coverage_info(assessment, scope.region_ids),
        leads=tuple(units["lead"]), cooperators=tuple(units["cooperate"]),
        evidence=tuple(EvidenceItem(id=e.id, value_id=e.object_id, year=e.year, name=e.original_name,
                                    kind=e.kind, size=e.size, checklist_item=e.checklist_item,
                                    url=e.download_url)
                       for e in evidence),
        per_region=tuple(per_region),
    )


def department_region(assessment: ProgramAssessment, department: Department) -> int:
    """The region a unit answers for: the county it governs, else the program's region."""
    return department.governs_id if department.governs_id in assessment.region_by_id else (
        assessment.program.region_id)


def department_rows(assessment: ProgramAssessment, department: Department) -> tuple[DepartmentRow, ...]:
    """The unit's own indicators (lead or cooperate) with status and reachability, for the region it answers for."""
    region_id = department_region(assessment, department)
    duties = list(Responsibility.objects.filter(program=assessment.program, department=department)
                  .order_by("indicator__order", "id").values_list("indicator_id", "role"))
    leaf = assessment.indicator_by_id
    pairs = [(region_id, iid) for iid, _ in duties if iid in leaf]
    scalar = assessment.scalar(pairs)
    rows = []
    for iid, role in duties:
        if iid not in leaf:
            continue
        evaluation, found_reach = scalar[(region_id, iid)]
        state = cell_state(evaluation.status, found_reach.status if found_reach else None)
        reach = found_reach if state.reach else None
        rows.append(DepartmentRow(
            indicator=leaf[iid], role=role, role_label=gettext("牵头") if role == "lead" else gettext("配合"),
            region_id=region_id, target=assessment.resolved[(region_id, iid)].text,
            status=evaluation.status, label=status_label(evaluation.status), sentence=evaluation.explanation,
            value=number(evaluation.value),
            reach_status=reach.status if reach else "", reach_label=reach_label(reach.status) if reach else "",
            reach_sentence=reach.explanation if reach else "",
        ))
    return tuple(rows)


def department_view(assessment: ProgramAssessment, department: Department) -> DepartmentView:
    """A unit's page: its own indicators in the region it answers for, with that region's coverage."""
    region_id = department_region(assessment, department)
    return DepartmentView(year=assessment.year, years=tuple(assessment.years),
                          coverage=coverage_info(assessment, [region_id]), department=department,
                          region_id=region_id, rows=department_rows(assessment, department))


__all__ = ["cockpit", "coverage_info", "department_rows", "department_view", "gates", "indicator_detail", "matrix",
           "matrix_choices", "matrix_heat", "matrix_heat_name", "matrix_page_count", "matrix_page_name", "region_counts", "scope_digest"]


def ceiling(indicator: Indicator) -> Decimal | None:
    """The largest value the indicator's quantity can take (100 for a rate), or None: a chart's axis stops there."""
    return plausible_range(indicator.unit, change=is_change(indicator.name))[1]


def within_range(value: Decimal, indicator: Indicator) -> Decimal:
    """A projected value held inside the range the quantity can take (a rate stops at 100 %).

    The pace behind it is unchanged; only the drawn line is kept from promising 109 % 优良天数比例.
    """
    low, high = plausible_range(indicator.unit, change=is_change(indicator.name))
    if high is not None and value > high:
        return high
    if low is not None and value < low:
        return low
    return value
