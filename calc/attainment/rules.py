"""The comparison rules shared by every target form: thresholds, baselines and their gaps."""

from __future__ import annotations

import decimal
from decimal import Decimal

from calc.targets import Direction, Op

__all__ = ["EXACT", "STABLE_TOLERANCE", "compare", "trend_bound"]

#: ``trend:stable_or_improving`` counts a value as stable when it is worse than the base-year value by at
#: most this fraction of the base value's magnitude (0.01 = 1 %).
STABLE_TOLERANCE = Decimal("0.01")

#: Every Decimal operation of the rules must be exact (the bulk engine reproduces them digit for digit):
#: this context raises instead of rounding.
EXACT = decimal.Context(
    prec=100,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow, decimal.Inexact],
)


def compare(op: Op, value: Decimal, bound: Decimal) -> tuple[bool, Decimal]:
    """Whether ``value op bound`` holds, and the signed gap.

    Parameters
    ----------
    op : {">=", ">", "<=", "<", "="}
        The comparison. ``=`` compares numerically, so ``100.0`` equals ``100``.
    value, bound : Decimal
        The observed value and the number it must meet.

    Returns
    -------
    tuple of (bool, Decimal)
        Attained, and the gap: ``bound − value`` for ``>=``/``>``, ``value − bound`` for ``<=``/``<``,
        ``|value − bound|`` for ``=``. A positive gap means short of the target.
    """
    with decimal.localcontext(EXACT):
        if op in (">=", ">"):
            gap = bound - value
            return (value >= bound if op == ">=" else value > bound), gap
        if op in ("<=", "<"):
            gap = value - bound
            return (value <= bound if op == "<=" else value < bound), gap
        if op == "=":
            return value == bound, abs(value - bound)
    raise ValueError(f"unknown comparison {op!r}")


def trend_bound(
    rule: str, base: Decimal, *, direction: Direction, stable_tolerance: Decimal = STABLE_TOLERANCE
) -> tuple[Op, Decimal]:
    """The comparison and number a baseline-relative rule asks of the value.

    ==================== ======================== ========================
    rule                 higher is better         lower is better
    ==================== ======================== ========================
    not_worse            value ≥ base             value ≤ base
    stable_or_improving  value ≥ base − t·|base|  value ≤ base + t·|base|
    improving            value > base             value < base
    decreasing           value < base             value < base
    ==================== ======================== ========================

    ``t`` is ``stable_tolerance``. ``decreasing`` (逐步下降) always asks for a fall, whatever the
    direction, because the plans use it for quantities whose reduction is the intent.
    """
    higher = direction == "higher"
    with decimal.localcontext(EXACT):
        if rule == "not_worse":
            return (">=" if higher else "<="), base
        if rule == "stable_or_improving":
            slack = stable_tolerance * abs(base)
            return (">=", base - slack) if higher else ("<=", base + slack)
        if rule == "improving":
            return (">" if higher else "<"), base
        if rule == "decreasing":
            return "<", base
    raise ValueError(f"unknown trend rule {rule!r}")
