"""Reachability (可达性分析): will an indicator reach its target by the deadline at the current pace?

The model follows the Open SDG progress measure (Statistics Canada's adaptation of the Eurostat
method): an observed annual rate is compared with the rate required to reach the target on time, and
the ratio ``R = observed / required`` is graded by fixed thresholds. Two choices differ from Open SDG,
for reasons given in ``docs/attainment.md``: rates are linear (least-squares slope, in the indicator's
unit per year) instead of compound growth rates, and the required rate runs from the latest observed
value to the deadline. All numbers are exact rationals rounded once (:mod:`calc.attainment.exact`),
so the bulk engine reproduces them digit for digit.
"""

from __future__ import annotations

import decimal
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType

from calc.attainment.evaluation import (
    DIRECTIONS,
    STABLE_TOLERANCE,
    Evaluation,
    Observation,
    evaluate,
)
from calc.attainment.exact import round_fraction, to_fraction
from calc.attainment.statuses import (
    REACHABILITY_LABELS,
    REACHABILITY_STATUSES,
    EvaluationStatus,
    ReachabilityStatus,
)
from calc.attainment.text import fmt_difference, fmt_quantity, unit_label
from calc.targets import OP_SYMBOL, Direction, Op, Target, describe, is_qualitative

__all__ = [
    "ACCELERATE_RATIO",
    "MIN_POINTS",
    "ON_TRACK_RATIO",
    "REACHABILITY_LABELS",
    "REACHABILITY_STATUSES",
    "Reachability",
    "ReachabilityStatus",
    "least_squares_slope",
    "reachability",
]

#: ``R ≥ ON_TRACK_RATIO`` → 可按期达标. At 1 this means the linear projection reaches the target by the
#: deadline (Open SDG uses 0.95, tolerating a 5 % shortfall of pace).
ON_TRACK_RATIO = Decimal("1")
#: ``ACCELERATE_RATIO ≤ R < ON_TRACK_RATIO`` → 需加快; below it → 难以按期达标 (Open SDG's 60 %).
ACCELERATE_RATIO = Decimal("0.6")
#: Fewest approved yearly values needed to measure a pace.
MIN_POINTS = 2
#: The goal's numbers of a result that has none (or not all) of them.
_NO_GOAL = dict.fromkeys(("comparison", "goal", "required_rate", "ratio", "years_needed", "expected_year"))


@dataclass(frozen=True)
class Reachability:
    """Whether an indicator will reach its target by the deadline at the current pace.

    Attributes
    ----------
    status : {"attained", "on_track", "accelerate", "off_track", "insufficient_data"}
        已达标 / 可按期达标 / 需加快 / 难以按期达标 / 数据不足; :attr:`label` gives the Chinese words.
    indicator_name, target_text, unit : str
        What is analysed, as in :class:`~calc.attainment.evaluation.Evaluation`.
    current_year : int
        Values after this year are ignored.
    deadline_year : int or None
        The year the target must be met.
    reference_year : int or None
        The latest year with an approved value (with an approved status for purely qualitative
        targets) up to ``current_year``; the target is evaluated in that year.
    evaluation : Evaluation or None
        The evaluation in ``reference_year``.
    points : int
        Approved values up to ``current_year`` used for the pace.
    latest_year, latest_value
        The last of those values.
    comparison, goal
        The numeric condition aimed at (``>= 95``): that of the decisive part of the evaluation.
    observed_rate : Decimal or None
        Least-squares slope of the values against the year, in unit per year (6 decimals).
    required_rate : Decimal or None
        ``(goal − latest_value) / (deadline_year − latest_year)``: the pace needed from now on.
    ratio : Decimal or None
        ``R``: progress per year towards the goal at the observed pace ÷ the required progress per year.
    years_needed : int or None
        Years after ``latest_year`` until the projection meets the goal (0 when attained; None when the
        pace does not move towards the goal).
    expected_year : int or None
        ``latest_year + years_needed``.
    projection : Mapping[int, Decimal]
        ``latest_value + observed_rate × (year − latest_year)`` for each year up to the deadline
        (exact rational, rounded to 6 decimals).
    explanation : str
        One Chinese sentence.
    """

    status: ReachabilityStatus
    indicator_name: str
    target_text: str
    unit: str
    current_year: int
    deadline_year: int | None
    reference_year: int | None
    evaluation: Evaluation | None
    points: int
    latest_year: int | None
    latest_value: Decimal | None
    comparison: Op | None
    goal: Decimal | None
    observed_rate: Decimal | None
    required_rate: Decimal | None
    ratio: Decimal | None
    years_needed: int | None
    expected_year: int | None
    explanation: str
    projection: Mapping[int, Decimal] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def label(self) -> str:
        """The status in Chinese."""
        return REACHABILITY_LABELS[self.status]


def least_squares_slope(points: Mapping[int, Decimal]) -> Fraction | None:
    """Exact ordinary-least-squares slope of value against year.

    ``(n·Σxy − Σx·Σy) / (n·Σx² − (Σx)²)``; None with fewer than two years.
    """
    if len(points) < 2:
        return None
    xs = list(points)
    ys = [to_fraction(points[x]) for x in xs]
    n = len(xs)
    sum_x = sum(xs)
    sum_y = sum(ys, Fraction(0))
    sum_xy = sum((x * y for x, y in zip(xs, ys, strict=True)), Fraction(0))
    sum_xx = sum(x * x for x in xs)
    return (n * sum_xy - sum_x * sum_y) / (n * sum_xx - sum_x * sum_x)


def _projection(
    slope: Fraction | None, latest_year: int | None, latest_value: Decimal | None, deadline_year: int | None
) -> dict[int, Decimal]:
    """The observed trend carried from the latest value to the deadline, year by year (empty without one)."""
    if slope is None or latest_year is None or latest_value is None or deadline_year is None:
        return {}
    start = to_fraction(latest_value)
    return {year: round_fraction(start + slope * (year - latest_year))
            for year in range(latest_year + 1, deadline_year + 1)}


def _reference_year(target: Target, observation: Observation, current_year: int,
                    latest_year: int | None) -> int | None:
    """The year the target is evaluated in: the latest status for a qualitative target, else the latest value."""
    if is_qualitative(target):
        years = [year for year in observation.statuses if year <= current_year]
        return max(years) if years else None
    return latest_year


def _check_arguments(direction: str, accelerate_ratio: Decimal, on_track_ratio: Decimal) -> None:
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be 'higher' or 'lower', not {direction!r}")
    if not 0 <= accelerate_ratio <= on_track_ratio:
        raise ValueError("need 0 ≤ accelerate_ratio ≤ on_track_ratio")


def _not_measurable(evaluation: Evaluation) -> str:
    """Why the pace cannot be measured against a target that is not attained ("" when it can)."""
    if (
        evaluation.status == EvaluationStatus.NOT_ATTAINED
        and evaluation.bound is not None
        and evaluation.gap_abs is not None
    ):
        return ""
    if evaluation.status == EvaluationStatus.NO_DATA:
        return f"{evaluation.reason}，无法测算"
    return "目标不是数值目标，无法按数据测算进度"


def reachability(
    target: Target,
    *,
    direction: Direction,
    observation: Observation,
    current_year: int,
    deadline_year: int | None,
    unit: str,
    indicator_name: str,
    stable_tolerance: Decimal = STABLE_TOLERANCE,
    on_track_ratio: Decimal = ON_TRACK_RATIO,
    accelerate_ratio: Decimal = ACCELERATE_RATIO,
) -> Reachability:
    """Analyse whether a resolved target will be met by ``deadline_year`` at the observed pace.

    Parameters
    ----------
    target : Target
        A resolved target (no region-dependent part).
    direction : {"higher", "lower"}
        Which way is better.
    observation : Observation
        Approved values, statuses, assigned numbers and base year.
    current_year : int
        The analysis year; later values are ignored.
    deadline_year : int or None
        The year by which the target must be met; None gives ``insufficient_data`` unless attained.
    unit, indicator_name : str
        For the sentence.
    stable_tolerance : Decimal
        As in :func:`~calc.attainment.evaluation.evaluate`.
    on_track_ratio, accelerate_ratio : Decimal
        Thresholds on ``R`` (see :data:`ON_TRACK_RATIO`, :data:`ACCELERATE_RATIO`).

    Returns
    -------
    Reachability

    Notes
    -----
    1. The target is evaluated in the reference year (the latest year with a value, or with a status for
       a purely qualitative target). Attained there → ``attained``.
    2. Otherwise the goal is the decisive part's ``comparison`` and ``bound``; a qualitative decisive part
       or missing data (no base-year value, no assigned number) → ``insufficient_data``. So do fewer
       than :data:`MIN_POINTS` values and a missing deadline.
    3. ``s`` is +1 when the goal lies above the latest value (``>=``, ``>``, or ``=`` with a higher
       bound), −1 otherwise. Progress per year ``p = s × observed_rate``; required per year
       ``q = gap / (deadline − latest_year)``; ``R = p / q``.
    4. Deadline already reached (``deadline ≤ latest_year``) → ``off_track``. ``q = 0`` (a strict goal
       exactly at its bound) → ``on_track`` if ``p > 0``. Else ``R ≥ on_track_ratio`` → ``on_track``,
       ``R ≥ accelerate_ratio`` → ``accelerate``, otherwise ``off_track``.
    """
    _check_arguments(direction, accelerate_ratio, on_track_ratio)
    text = describe(target, direction=direction, unit=unit_label(unit))
    points = {year: value for year, value in sorted(observation.values.items()) if year <= current_year}
    slope = least_squares_slope(points)
    latest_year = max(points) if points else None
    latest_value = points[latest_year] if latest_year is not None else None

    projection = _projection(slope, latest_year, latest_value, deadline_year)
    reference_year = _reference_year(target, observation, current_year, latest_year)

    def result(status: ReachabilityStatus, explanation: str, **numbers: object) -> Reachability:
        return Reachability(
            status=status,
            indicator_name=indicator_name,
            target_text=text,
            unit=unit,
            current_year=current_year,
            deadline_year=deadline_year,
            reference_year=reference_year,
            evaluation=evaluation,
            points=len(points),
            latest_year=latest_year,
            latest_value=latest_value,
            observed_rate=None if slope is None else round_fraction(slope),
            explanation=explanation,
            projection=MappingProxyType(projection),
            **{**_NO_GOAL, **numbers},  # type: ignore[arg-type]
        )

    evaluation: Evaluation | None = None
    if reference_year is None:
        kind = "进展情况" if is_qualitative(target) else "数据"
        return result(
            ReachabilityStatus.INSUFFICIENT_DATA,
            f"{indicator_name}截至{current_year}年没有经审核的{kind}，数据不足",
        )
    evaluation = evaluate(
        target,
        year=reference_year,
        direction=direction,
        unit=unit,
        indicator_name=indicator_name,
        observation=observation,
        stable_tolerance=stable_tolerance,
    )
    if evaluation.status == EvaluationStatus.ATTAINED:
        return result(
            ReachabilityStatus.ATTAINED,
            f"{evaluation.explanation}，已达标",
            comparison=evaluation.comparison,
            goal=evaluation.bound,
            years_needed=0,
            expected_year=reference_year,
        )
    why = _not_measurable(evaluation)
    if why:
        return result(ReachabilityStatus.INSUFFICIENT_DATA, f"{indicator_name}{why}，数据不足")

    op = evaluation.comparison
    goal = evaluation.bound
    assert op is not None and goal is not None and evaluation.gap_abs is not None
    assert latest_year is not None and latest_value is not None
    goal_text = f"{OP_SYMBOL[op]}{fmt_quantity(goal, unit)}"
    goal_fields: dict[str, object] = {"comparison": op, "goal": goal}
    if slope is None or len(points) < MIN_POINTS:
        return result(
            ReachabilityStatus.INSUFFICIENT_DATA,
            f"{indicator_name}仅有{len(points)}年经审核的数据，无法测算变化速度，数据不足",
            **goal_fields,
        )
    if deadline_year is None:
        return result(
            ReachabilityStatus.INSUFFICIENT_DATA,
            f"{indicator_name}未设定目标年份，无法测算，数据不足",
            **goal_fields,
        )

    upward = op in (">=", ">") or (op == "=" and goal > latest_value)
    sign = 1 if upward else -1
    gap = to_fraction(evaluation.gap_abs)
    progress = sign * slope
    years_needed = max(1, math.ceil(gap / progress)) if progress > 0 else None
    expected_year = None if years_needed is None else latest_year + years_needed
    goal_fields.update(years_needed=years_needed, expected_year=expected_year)

    pace = _pace(slope, unit, points)
    if deadline_year <= latest_year:
        return result(
            ReachabilityStatus.OFF_TRACK,
            f"{indicator_name}{latest_year}年{fmt_quantity(latest_value, unit)}，目标年份{deadline_year}年"
            f"已到仍未达到目标值{goal_text}，难以按期达标",
            **goal_fields,
        )
    horizon = deadline_year - latest_year
    required = gap / horizon
    goal_fields["required_rate"] = round_fraction(sign * required)
    need = f"需每年{'提高' if upward else '降低'}{fmt_difference(Decimal(round_fraction(required)), unit, places=2)}"
    if required == 0:
        status = ReachabilityStatus.ON_TRACK if progress > 0 else ReachabilityStatus.OFF_TRACK
    else:
        ratio = progress / required
        goal_fields["ratio"] = round_fraction(ratio)
        status = _status_of_ratio(ratio, on_track_ratio, accelerate_ratio)
    if expected_year is None:
        outlook = f"未向目标值{goal_text}靠近"
    else:
        outlook = f"预计{expected_year}年达到目标值{goal_text}"
    if status == ReachabilityStatus.ON_TRACK:
        sentence = f"{indicator_name}{pace}，{outlook}，可在{deadline_year}年按期达标"
    elif status == ReachabilityStatus.ACCELERATE:
        sentence = f"{indicator_name}{pace}，{outlook}，{need}才能在{deadline_year}年达标，需加快"
    else:
        sentence = f"{indicator_name}{pace}，{outlook}，{need}才能在{deadline_year}年达标，难以按期达标"
    return result(status, sentence, **goal_fields)


def _status_of_ratio(ratio: Fraction, on_track_ratio: Decimal, accelerate_ratio: Decimal) -> ReachabilityStatus:
    """``R`` against the two thresholds (Notes, step 4)."""
    if ratio >= to_fraction(on_track_ratio):
        return ReachabilityStatus.ON_TRACK
    if ratio >= to_fraction(accelerate_ratio):
        return ReachabilityStatus.ACCELERATE
    return ReachabilityStatus.OFF_TRACK


def _pace(slope: Fraction, unit: str, points: Mapping[int, Decimal]) -> str:
    first, last = min(points), max(points)
    span = f"{first}—{last}年"
    rate = Decimal(round_fraction(abs(slope)))
    if rate.quantize(Decimal("0.01"), rounding=decimal.ROUND_HALF_UP) == 0:
        return f"{span}基本持平"
    verb = "提高" if slope > 0 else "降低"
    return f"{span}平均每年{verb}{fmt_difference(rate, unit, places=2)}"
