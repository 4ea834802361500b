"""The numbers behind a reachability result said in sentences (测算依据), for pages and exports.

:class:`~calc.attainment.reachability.Reachability` carries the observed and required rates, their ratio and
the years needed as numbers. Pages used to print them raw ("比值 2.666667", "年均变化（实际）-0.04"); this module
turns them into the clauses an office reads, once, so every page and export says the same:

- 按4年经审核数据，年均下降0.04个百分点
- 要在2027年达到目标值≥95%，需每年提高0.8个百分点
- 实际进度是所需进度的2.67倍
- 按此速度，2027年可达目标
"""

from __future__ import annotations

import decimal
from decimal import Decimal

from calc.attainment.reachability import Reachability
from calc.attainment.statuses import ReachabilityStatus
from calc.attainment.text import fmt_difference, fmt_number, fmt_quantity
from calc.targets import OP_SYMBOL

__all__ = ["pace_details", "pace_summary"]

#: Rates are printed to this many decimal places (as the reachability sentence prints them).
RATE_PLACES = 2


def _rate(value: Decimal, unit: str) -> str:
    return fmt_difference(abs(value), unit, places=RATE_PLACES)


def _is_flat(value: Decimal) -> bool:
    return value.quantize(Decimal("0.01"), rounding=decimal.ROUND_HALF_UP) == 0


def pace_details(reach: Reachability) -> tuple[str, ...]:
    """The clauses that explain a reachability result's numbers; empty when it has none to explain.

    Parameters
    ----------
    reach : Reachability
        A result of :func:`calc.attainment.reachability`.

    Returns
    -------
    tuple of str
        In order, each present only when its numbers are: the observed pace, the pace required by the
        deadline, the ratio of the two, and the outlook at the observed pace. An attained target, or one
        without enough data, has nothing to explain beyond its sentence: the result is empty.
    """
    if reach.status in (ReachabilityStatus.ATTAINED, ReachabilityStatus.INSUFFICIENT_DATA):
        return ()
    unit = reach.unit
    clauses: list[str] = []
    if reach.observed_rate is not None:
        if _is_flat(reach.observed_rate):
            pace = "基本持平"
        else:
            verb = "上升" if reach.observed_rate > 0 else "下降"
            pace = f"年均{verb}{_rate(reach.observed_rate, unit)}"
        clauses.append(f"按{reach.points}年经审核数据，{pace}")
    goal = ""
    if reach.goal is not None and reach.comparison is not None:
        goal = f"目标值{OP_SYMBOL[reach.comparison]}{fmt_quantity(reach.goal, unit)}"
    if reach.required_rate is not None and reach.deadline_year is not None:
        verb = "提高" if reach.required_rate > 0 else "降低"
        clauses.append(f"要在{reach.deadline_year}年达到{goal}，需每年{verb}{_rate(reach.required_rate, unit)}")
    if reach.ratio is not None:
        if reach.ratio <= 0:
            clauses.append("实际变化未朝目标方向" if reach.ratio == 0 else "实际变化方向与目标相反")
        elif reach.ratio >= 1:
            clauses.append(f"实际进度是所需进度的{fmt_number(reach.ratio, places=2)}倍")
        else:
            clauses.append(f"实际进度为所需进度的{fmt_number(reach.ratio * 100, places=0)}%")
    if reach.expected_year is None:
        clauses.append("按此速度无法达到目标")
    elif reach.deadline_year is not None and reach.expected_year > reach.deadline_year:
        clauses.append(f"按此速度{reach.expected_year}年才能达到目标，晚于目标年{reach.deadline_year}年")
    else:
        clauses.append(f"按此速度{reach.expected_year}年可达目标")
    return tuple(clauses)


def pace_summary(reach: Reachability) -> str:
    """:func:`pace_details` as one sentence (clauses joined by "；"); "" when there is nothing to explain."""
    return "；".join(pace_details(reach))
