"""The one input normalisation of every bulk (polars) standards path: exact numbers small enough that the
integer arithmetic of the bulk paths cannot overflow.

The bulk paths compute in integers scaled by ``10**scale`` (air: Int64; water: ``Decimal`` sums compared with
limits × counts). A ``Decimal(38, 15)`` column scaled by ``10**15`` overflows Int64 after a few products (an IAQI of
197 instead of 300, an annual mean of −16 instead of 35), so before any arithmetic :func:`normalise_numbers`

* rescales every ``Decimal`` column with more decimals than the path needs (``max_scale``: air 3, water 6) to
  ``max_scale`` — exactly: when a value has more significant decimals than that, the column is refused with a
  ``ValueError`` naming it (as floats with more than 3 decimals are refused), never rounded;
* refuses integer and ``Decimal`` values of ``max_value`` or more (10⁹, the bound floats already have), so a
  scaled value stays below 10¹² and every product of the Int64 paths (daily AQI, annual statistics, declines)
  stays inside Int64. Paths that size their integers from the data's maximum (the hourly and city packing)
  pass ``max_value=None``.

Floats, nulls and other columns pass unchanged (the paths check floats themselves).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import polars as pl

MAX_VALUE: Final = 10**9
"""Input values must be below this (a concentration of 10⁹ µg/m³ or mg/L is not a measurement)."""


def _checked_dtypes(frame: pl.DataFrame, columns: Sequence[str]) -> dict[str, pl.DataType]:
    return {name: frame.schema[name] for name in columns
            if frame.schema[name].is_integer() or isinstance(frame.schema[name], pl.Decimal)}


def normalise_numbers(
    frame: pl.DataFrame, columns: Sequence[str], *, max_scale: int, max_value: int | None = MAX_VALUE
) -> pl.DataFrame:
    """``frame`` with its ``Decimal`` ``columns`` at no more than ``max_scale`` decimals (exactly), after checking
    that no integer or ``Decimal`` value of ``columns`` is ``max_value`` or more in magnitude (``None``: no bound).

    Raises
    ------
    ValueError
        A value with more than ``max_scale`` significant decimals, or too large.
    """
    dtypes = _checked_dtypes(frame, columns)
    high = [name for name, dtype in dtypes.items() if isinstance(dtype, pl.Decimal) and (dtype.scale or 0) > max_scale]
    if max_value is None:
        dtypes = {name: dtypes[name] for name in high}
    if not dtypes:
        return frame
    target = pl.Decimal(38, max_scale)
    stats = frame.lazy().select(
        *([pl.col(name).abs().max().alias(f"{name}__max") for name in dtypes] if max_value is not None else []),
        *[(pl.col(name).cast(target).cast(dtypes[name]) != pl.col(name)).any().alias(f"{name}__inexact")
          for name in high],
    ).collect().row(0, named=True)
    for name in dtypes:
        largest = stats.get(f"{name}__max")
        if max_value is not None and largest is not None and largest >= max_value:
            raise ValueError(f"column {name!r} has values of {max_value:.0e} or more (largest {largest}); "
                             "they are not measurements and would overflow the exact integer arithmetic")
        if name in high and stats[f"{name}__inexact"]:
            raise ValueError(f"column {name!r} has values with more than {max_scale} decimals "
                             f"(dtype {dtypes[name]}); round them to {max_scale} decimals first")
    return frame.with_columns(pl.col(name).cast(target) for name in high) if high else frame


__all__ = ["MAX_VALUE", "normalise_numbers"]
