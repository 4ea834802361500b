"""The target of each year (逐年目标), for a chart's target line.

Most targets compare with one number every year (``≥95``). Some do not: 完成上级规定的考核任务 compares with
the number set for each year, and a compound target may be decided by a different part in different years.
:func:`target_line` answers, year by year, the number the year's value is (or would be) compared with: the
``comparison`` and ``bound`` of :func:`~calc.attainment.evaluate` in that year, so the line drawn can never
disagree with the sentence beside it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from calc.attainment.evaluation import STABLE_TOLERANCE, Observation, evaluate
from calc.targets import Direction, Op, Target

__all__ = ["TargetStep", "target_line"]


@dataclass(frozen=True, slots=True)
class TargetStep:
    """The target of one year: ``value <comparison> bound``; both None when the year has no numeric target
    (a qualitative target, an assigned number not yet entered, a trend without its base-year value)."""

    year: int
    comparison: Op | None
    bound: Decimal | None


def target_line(
    target: Target,
    *,
    years: Iterable[int],
    direction: Direction,
    observation: Observation,
    stable_tolerance: Decimal = STABLE_TOLERANCE,
) -> tuple[TargetStep, ...]:
    """The numeric target of each of ``years`` (in the order given), as :func:`evaluate` compares it.

    Parameters
    ----------
    target : Target
        A resolved target.
    years : iterable of int
        The years to draw, past and future.
    direction : {"higher", "lower"}
        Which way is better.
    observation : Observation
        Approved values, statuses, assigned numbers and base year (a year without a value still has a
        target: a threshold, its assigned number, or the base-year bound).
    stable_tolerance : Decimal
        As in :func:`evaluate`.

    Returns
    -------
    tuple of TargetStep
    """
    steps = []
    for year in years:
        evaluation = evaluate(target, year=year, direction=direction, unit="", indicator_name="",
                              observation=observation, stable_tolerance=stable_tolerance)
        bound = evaluation.bound
        steps.append(TargetStep(year=year, comparison=evaluation.comparison if bound is not None else None,
                                bound=bound))
    return tuple(steps)
