"""Exact number handling shared by the standards computations (air, water, ecological index).

Every value that enters :mod:`calc.air`, :mod:`calc.water` or :mod:`calc.eco_index` is turned into a :class:`fractions.Fraction` without loss, and
leaves as a :class:`decimal.Decimal` rounded the way the standard says. Binary floats are read through
their shortest ``repr`` (``35.1`` means ``Decimal("35.1")``), which is what a person typing the number
meant; ``NaN`` and infinities are refused.

Rounding rules used by the standards:

* HJ 633-2012 clause 6.2 / HJ 633-2026: IAQI and AQI "全部进位取整数" — :func:`ceil_int`.
* GB/T 8170 (cited by HJ 663 and HJ 633-2026 §4.2.2): round half to even on the decimal value —
  :func:`round_half_even`.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from typing import TypeAlias

Number: TypeAlias = Decimal | Fraction | int | float | str
"""Anything the calc functions accept as a number (``bool`` is refused)."""


def to_fraction(value: Number) -> Fraction:
    """Convert ``value`` to an exact :class:`~fractions.Fraction`.

    Parameters
    ----------
    value
        ``Decimal``, ``Fraction``, ``int``, decimal string or ``float`` (read through ``repr``).

    Returns
    -------
    Fraction
        The exact value.

    Raises
    ------
    ValueError
        For ``bool``, ``NaN``, infinities, or a string that is not a decimal number.
    TypeError
        For any other type.
    """
    if isinstance(value, bool):
        raise TypeError("a bool is not a concentration")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"not a finite number: {value!r}")
        return Fraction(Decimal(repr(value)))
    if isinstance(value, str):
        try:
            value = Decimal(value.strip())
        except ArithmeticError as exc:
            raise ValueError(f"not a decimal number: {value!r}") from exc
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"not a finite number: {value!r}")
        return Fraction(value)
    raise TypeError(f"unsupported number type: {type(value).__name__}")


def ceil_int(value: Fraction) -> int:
    """Round up to an integer (HJ 633 clause 6.2 "全部进位取整数")."""
    return -((-value.numerator) // value.denominator)


def round_half_even(value: Fraction, ndigits: int = 0) -> Decimal:
    """Round ``value`` to ``ndigits`` decimals, half to even (GB/T 8170 "四舍六入五成双").

    Works on the exact rational value, so ``34.5 → 34``, ``35.5 → 36``, ``2.45 → 2.4`` and
    ``2.4500001 → 2.5``.

    Parameters
    ----------
    value
        Exact value.
    ndigits
        Number of decimals to keep (``>= 0``).

    Returns
    -------
    Decimal
        The rounded value with exactly ``ndigits`` decimals.
    """
    scale = 10**ndigits
    scaled = value * scale
    quotient, remainder = divmod(scaled.numerator, scaled.denominator)
    twice = 2 * remainder
    if twice > scaled.denominator or (twice == scaled.denominator and quotient % 2 == 1):
        quotient += 1
    return Decimal(quotient).scaleb(-ndigits)


def fraction_to_decimal(value: Fraction) -> Decimal:
    """Exact :class:`~decimal.Decimal` for a fraction whose denominator is ``2**a * 5**b``.

    Raises
    ------
    ValueError
        If the decimal expansion does not terminate.
    """
    denominator = value.denominator
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    if denominator != 1:
        raise ValueError(f"{value} has no finite decimal expansion")
    digits = max(twos, fives)
    scaled = value * 10**digits
    return Decimal(scaled.numerator).scaleb(-digits)
