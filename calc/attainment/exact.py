"""Exact arithmetic shared by the scalar functions and the bulk engine.

Every derived number (relative gaps, rates, ratios, projections) is an exact rational computed from the
decimal inputs, then rounded once to :data:`PLACES` decimal places, halves away from zero (四舍五入).
The scalar functions compute the rational with :class:`fractions.Fraction`; the bulk engine computes the
same rational as a pair of 128-bit integers. Rounding one exact rational by one integer rule gives the
same digits on both paths, which is why their results are equal and not merely close.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

__all__ = ["PLACES", "round_fraction", "round_ratio", "to_fraction"]

#: Decimal places of every derived number: relative gaps, rates, ratios, projected values.
PLACES = 6


def round_ratio(numerator: int, denominator: int, places: int = PLACES) -> Decimal:
    """``numerator / denominator`` rounded to ``places`` decimals, halves away from zero.

    Parameters
    ----------
    numerator, denominator : int
        The exact rational; the denominator must not be zero.
    places : int
        Decimal places of the result.

    Returns
    -------
    Decimal
        Built from a string, so no decimal context can round it a second time.
    """
    if denominator == 0:
        raise ZeroDivisionError("round_ratio: zero denominator")
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    quotient, remainder = divmod(abs(numerator) * 10**places, denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    sign = "-" if numerator < 0 and quotient else ""
    return Decimal(f"{sign}{quotient}E-{places}")


def round_fraction(value: Fraction, places: int = PLACES) -> Decimal:
    """A fraction rounded like :func:`round_ratio`."""
    return round_ratio(value.numerator, value.denominator, places)


def to_fraction(value: Decimal) -> Fraction:
    """The exact rational value of a finite decimal."""
    if not value.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return Fraction(value)
