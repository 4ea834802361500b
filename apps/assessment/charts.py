"""The dashboards' charts as typed data: built on the server, serialised to the JSON that assessment.js draws.

Every number a chart shows is decided here, not in JavaScript: the series, the target of each year and the
value axis. The axis rule (docs/attainment.md, "Charts"):

- bars (counts) start at 0;
- a line's axis starts at 0 unless that would squash the data: it may start higher only when the part of the
  axis it hides (0 … start) is larger than the part it shows, and then the chart says so in words
  (``AxisBounds.from_zero`` is False and the page prints "纵轴从 75 起");
- the visible range is never narrower than :data:`MIN_SPAN_SHARE` of the largest magnitude drawn, so a change of
  1 % of the value never fills more than a few per cent of the chart's height: small changes look small;
- the target of every year is inside the range, with :data:`PAD_SHARE` of padding on each side, and the bounds
  are rounded outwards to a step of 1, 2 or 5 × 10ⁿ; a percentage axis never goes past 100 or below 0.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields, is_dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

__all__ = [
    "MIN_SPAN_SHARE",
    "PAD_SHARE",
    "AxisBounds",
    "CockpitChart",
    "CockpitText",
    "IndicatorChart",
    "LineSeries",
    "MatrixHeat",
    "MatrixHeatText",
    "QualitativeMark",
    "SparkChart",
    "StatusCount",
    "axis_bounds",
    "bar_axis",
    "chart_json",
]

#: The visible range of a line chart is at least this share of the largest magnitude it draws.
MIN_SPAN_SHARE = Decimal("0.25")
#: Padding above and below the data, as a share of the visible range.
PAD_SHARE = Decimal("0.1")
#: How many steps the rounded axis is split into (about).
STEPS = 5


@dataclass(frozen=True, slots=True)
class AxisBounds:
    """A value axis: ``min`` … ``max`` (None: the chart rounds up its largest bar); ``from_zero`` False means the
    chart must say where it starts."""

    min: Decimal
    max: Decimal | None
    from_zero: bool


def _nice_step(span: Decimal) -> Decimal:
    """A round step (1, 2 or 5 × 10ⁿ) that splits ``span`` into about :data:`STEPS` parts."""
    raw = span / STEPS
    exponent = math.floor(math.log10(raw))
    base = Decimal(10) ** exponent
    for factor in (1, 2, 5, 10):
        if raw <= base * factor:
            return base * factor
    return base * 10  # pragma: no cover - the loop ends at 10


def _round_out(low: Decimal, high: Decimal) -> tuple[Decimal, Decimal]:
    step = _nice_step(high - low)
    return ((low / step).to_integral_value(ROUND_FLOOR) * step,
            (high / step).to_integral_value(ROUND_CEILING) * step)


def axis_bounds(numbers: Iterable[Decimal | None], *, ceiling: Decimal | None = None) -> AxisBounds:
    """The value axis of a line chart drawing ``numbers`` (values, projection and targets), by the module's rule.

    ``ceiling`` is the largest value the quantity can take (100 for a percentage): the axis does not go past it.
    """
    drawn = [n for n in numbers if n is not None]
    if not drawn:
        return AxisBounds(Decimal(0), ceiling if ceiling is not None else Decimal(1), True)
    low, high = min(drawn), max(drawn)
    if ceiling is not None and high > ceiling:  # the data say otherwise (a mislabelled unit): draw the data
        ceiling = None
    if high <= 0 and low < 0:  # all negative: the mirror image of all positive
        mirrored = axis_bounds([-n for n in drawn])
        assert mirrored.max is not None
        return AxisBounds(-mirrored.max, -mirrored.min, mirrored.from_zero)
    if low < 0:  # values on both sides of zero: zero is on the axis anyway
        pad = (high - low) * PAD_SHARE
        bottom, top = _round_out(low - pad, high + pad)
        return AxisBounds(bottom, min(top, ceiling) if ceiling is not None else top, True)
    if high == 0:
        return AxisBounds(Decimal(0), Decimal(1), True)
    shown = max(high - low, high * MIN_SPAN_SHARE)
    middle = (low + high) / 2
    bottom = middle - shown / 2 - shown * PAD_SHARE
    top = middle + shown / 2 + shown * PAD_SHARE
    if ceiling is not None and top > ceiling:
        bottom, top = bottom - (top - ceiling), ceiling
    if bottom <= top - bottom:  # the hidden part 0 … bottom is no larger than the part shown: start at zero
        bottom = Decimal(0)
    bottom, top = _round_out(bottom, top)
    if ceiling is not None:
        top = min(top, ceiling)
    bottom = max(bottom, Decimal(0))
    return AxisBounds(bottom, top, bottom == 0)


def bar_axis() -> AxisBounds:
    """Counts are bars, and bars start at zero (the top is left to the chart)."""
    return AxisBounds(Decimal(0), None, True)


@dataclass(frozen=True, slots=True)
class CockpitText:
    """The words the cockpit's charts print, already in the page's language (assessment.js holds none).

    ECharts placeholders: ``{b}`` the status, ``{c}`` the count, ``{d}`` the percent; ``{year}``, ``{value}`` and
    ``{unit}`` are filled by assessment.js.
    """

    pie_tooltip: str
    count_axis: str
    spark_tooltip: str
    target: str


@dataclass(frozen=True, slots=True)
class LineSeries:
    """One line: ``kind`` is ``observed``, ``projection`` or ``target`` (drawn as steps, one per year)."""

    kind: str
    name: str
    values: tuple[Decimal | None, ...]


@dataclass(frozen=True, slots=True)
class QualitativeMark:
    year: int
    status: str
    label: str


@dataclass(frozen=True, slots=True)
class IndicatorChart:
    """The indicator page's chart: approved values, the dashed projection and the target of every year."""

    name: str
    unit: str
    years: tuple[int, ...]
    series: tuple[LineSeries, ...]
    axis: AxisBounds
    axis_note: str  # "" when the axis starts at zero
    deadline: int
    qualitative: tuple[QualitativeMark, ...]


@dataclass(frozen=True, slots=True)
class SparkChart:
    """A small trend chart of the cockpit: the values, the evaluated year's target, and the latest value."""

    id: str
    name: str
    unit: str
    status: str
    years: tuple[int, ...]
    values: tuple[Decimal | None, ...]
    target: Decimal | None
    axis: AxisBounds
    latest_year: int
    latest_value: Decimal


@dataclass(frozen=True, slots=True)
class StatusCount:
    key: str
    label: str
    focus: int
    per_region: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class CockpitChart:
    """The cockpit's charts: the focus region's donut, the stacked bars per region, and the sparklines."""

    statuses: tuple[StatusCount, ...]
    regions: tuple[str, ...]
    bar_axis: AxisBounds
    sparklines: tuple[SparkChart, ...]
    text: CockpitText


def _plain(value: Any) -> Any:
    """JSON-ready: decimals as plain text (no float artefacts), tuples as lists."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value else "0"
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True)
class MatrixHeatText:
    """The words of a heat map cell's tooltip, translated, with ``%(name)s`` slots filled by assessment.js."""

    cell: str
    target: str
    value: str
    gap: str
    reach: str
    reason: str


@dataclass(frozen=True)
class MatrixHeat:
    """The whole matrix as data (:func:`apps.assessment.dashboards.matrix_heat`): one row per region.

    ``statuses[r][i]`` is a status letter (keys of ``labels``), ``marks[r][i]`` a reachability mark or a space,
    ``targets[r][i]`` an index into ``target_texts`` (the target, or why not applicable).
    """

    year: int
    regions: tuple[str, ...]
    region_ids: tuple[int, ...]
    indicators: tuple[str, ...]  # number and short name: the axis labels
    names: tuple[str, ...]  # number and full name: the tooltips
    indicator_ids: tuple[int, ...]
    units: tuple[str, ...]
    statuses: tuple[str, ...]
    marks: tuple[str, ...]
    values: tuple[tuple[str | None, ...], ...]
    gaps: tuple[tuple[str | None, ...], ...]
    targets: tuple[tuple[int, ...], ...]
    target_texts: tuple[str, ...]
    labels: dict[str, str]
    reach_labels: dict[str, str]
    text: MatrixHeatText
    detail_url: str  # the indicator detail's address with "{indicator}" and "{region}" slots

    def as_json(self) -> dict[str, Any]:
        """The page's JSON object, field by field: the rows are tuples of plain text already (no deep copy)."""
        plain = {f.name: getattr(self, f.name) for f in fields(self)}
        plain["text"] = asdict(self.text)
        return plain


def chart_json(chart: Any) -> dict[str, Any]:
    """A chart dataclass as the JSON object the page embeds (``json_script``)."""
    assert is_dataclass(chart) and not isinstance(chart, type)
    return _plain(asdict(chart))  # type: ignore[no-any-return]
