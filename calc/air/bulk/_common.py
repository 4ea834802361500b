"""Exact integer helpers and input checks shared by the polars air functions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import polars as pl

from calc.bulk_inputs import MAX_VALUE, normalise_numbers

POLLUTANTS: tuple[str, ...] = ("SO2", "NO2", "PM10", "PM25", "CO", "O3")
"""Hourly pollutant columns (default names) of the input frame."""

DAILY_ITEMS: tuple[str, ...] = ("SO2_24H", "NO2_24H", "PM10_24H", "CO_24H", "O3_1H", "O3_8H", "PM25_24H")
"""Daily-report items, in the order of HJ 633-2012 §5.1 (Table 3)."""

FLOAT_SCALE: Final = 3
MAX_FLOAT = 1e9


# --------------------------------------------------------------------------------------------------
# exact integer helpers


def round_half_even(numerator: pl.Expr, denominator: pl.Expr | int) -> pl.Expr:
    """``numerator / denominator`` rounded half to even; both integers, denominator > 0.

    With floor division ``q = n // d`` and ``r = n % d`` (``0 ≤ r < d``), the result is ``q + 1``
    when ``2r > d``, or ``2r = d`` and ``q`` is odd — in one comparison: ``2r + (q mod 2) > d``
    (integers: ``2r < d`` implies ``2r + 1 ≤ d``).
    """
    quotient = numerator // denominator
    up = (numerator % denominator) * 2 + quotient % 2 > denominator
    return quotient + up.cast(pl.Int64)


def ceil_div(numerator: pl.Expr, denominator: int) -> pl.Expr:
    """Ceiling of ``numerator / denominator`` for integers, denominator > 0."""
    return -((-numerator) // denominator)


def to_decimal(scaled: pl.Expr, decimals: int) -> pl.Expr:
    """Integers in units of ``10**-decimals`` → polars ``Decimal(38, decimals)`` (exact).

    A polars decimal is stored as that very integer (``Int128``), so the integers are reinterpreted
    rather than multiplied.
    """
    return scaled.cast(pl.Int128).reinterpret(dtype=pl.Decimal(38, decimals))


def _scale_of(dtype: pl.DataType, name: str) -> int:
    if dtype.is_integer():
        return 0
    if isinstance(dtype, pl.Decimal):
        return int(dtype.scale or 0)
    if dtype.is_float():
        return FLOAT_SCALE
    if dtype == pl.Null:
        return 0
    raise TypeError(f"column {name!r} has dtype {dtype}, expected integers, floats or Decimal")


def scaled_column(name: str, dtype: pl.DataType) -> tuple[pl.Expr, int]:
    """Expression giving column ``name`` as Int64 scaled by ``10**scale``, and that scale."""
    scale = _scale_of(dtype, name)
    column = pl.col(name)
    if dtype.is_integer() or dtype == pl.Null:
        return column.cast(pl.Int64), 0
    if isinstance(dtype, pl.Decimal):
        # the physical value of a polars decimal is the integer value × 10**scale
        return column.to_physical().cast(pl.Int64), scale
    return (column * 10**scale).round().cast(pl.Int64), scale


def float_is_short(column: pl.Expr) -> pl.Expr:
    """True where a non-negative Float64 ``x`` is the double nearest to ``round(x·1000)/1000``.

    That is: the shortest decimal form of ``x`` (what ``repr`` prints and the scalar path reads) has
    at most 3 decimals, so ``round(x·1000)`` is exactly that decimal scaled by 1000. Decided in integer
    arithmetic on the IEEE-754 bits, ``x = m·2^-k``: ``|r·2^k − 1000·m| < 500`` (half an ulp, a quarter
    below a power of two), evaluated as ``|r·2^(k−3) − 125·m| ≤ 62`` to stay inside Int64.
    """
    x = column.cast(pl.Float64)
    r = (x * 10**FLOAT_SCALE).round().cast(pl.Int64, strict=False)
    bits = x.reinterpret(dtype=pl.Int64)
    exponent = bits // 2**52
    mantissa = bits % 2**52 + 2**52
    shift = (1072 - exponent).clip(0, 62)
    diff = r * pl.lit(2, pl.Int64).pow(shift.cast(pl.UInt32)) - mantissa * 125
    near = (diff.abs() <= 62) & ~((mantissa == 2**52) & (diff < -31))
    return (
        pl.when(x == 0)
        .then(True)
        .when(x.is_nan() | (x >= MAX_FLOAT) | (r == 0) | (1072 - exponent < 0))
        .then(False)
        .otherwise(near)
    )


def refuse_negative(name: str, minimum: object) -> None:
    """Refuse column ``name`` when its minimum is negative (``None``: an all-null column)."""
    if minimum is not None and minimum < 0:  # type: ignore[operator]
        raise ValueError(f"column {name!r} has negative concentrations")


def refuse_long_floats(distinct: pl.DataFrame, name: str) -> None:
    """Refuse float column ``name`` when one of its distinct values (``distinct``, one column) has a
    shortest decimal form with more than 3 decimals, or is NaN or huge (see :func:`float_is_short`)."""
    if distinct.select((~float_is_short(pl.col(distinct.columns[0]))).any()).item():
        raise ValueError(
            f"column {name!r} has float values with more than {FLOAT_SCALE} decimals (or NaN/huge); "
            "cast it to pl.Decimal to keep them exact"
        )


def _check_floats(frame: pl.DataFrame, floats: Sequence[str]) -> None:
    """:func:`refuse_long_floats` on the distinct values of each float column (data repeat few values)."""
    for name in floats:
        refuse_long_floats(frame.lazy().select(pl.col(name).drop_nulls().unique()).collect(), name)


def check_values(frame: pl.DataFrame, columns: Sequence[str], *, maxima: bool = False) -> dict[str, object]:
    """Refuse negative values, and float values whose shortest decimal form has more than 3 decimals.

    Float columns are checked on their distinct values (monitoring data repeat few values).

    Returns
    -------
    dict
        With ``maxima``: column → maximum value (``None`` for an all-null column); else empty.
    """
    columns = [name for name in columns if frame.schema[name] != pl.Null]
    if not columns:
        return {}
    extremes = (
        frame.lazy()
        .select(
            [pl.col(name).min().alias(f"{name}__min") for name in columns]
            + ([pl.col(name).max().alias(name) for name in columns] if maxima else [])
        )
        .collect()
        .row(0, named=True)
    )
    for name in columns:
        refuse_negative(name, extremes[f"{name}__min"])
    _check_floats(frame, [name for name in columns if frame.schema[name].is_float()])
    return {name: extremes[name] for name in columns} if maxima else {}


def checked_scaled(
    frame: pl.DataFrame, columns: Sequence[str], *, prefix: str = ""
) -> tuple[pl.DataFrame, dict[str, int], dict[str, int | None]]:
    """:func:`check_values`, then the columns as Int64 integers scaled by ``10**scale``.

    The sign is checked on the scaled integers where that is the same (integers, decimals: ``x < 0``
    ⟺ ``x·10^s < 0``) and on the floats themselves otherwise, with :func:`check_values`' errors in
    its order (every column's sign first, then the floats' precision).

    Returns
    -------
    tuple
        The scaled columns (named ``prefix + column``), column → scale, column → largest scaled value
        (``None`` for an all-null column).
    """
    schema = frame.schema
    floats = [name for name in columns if schema[name].is_float()]
    exact = [name for name in columns if name not in floats]
    scales = {name: _scale_of(schema[name], name) for name in columns}

    def scale(names: Sequence[str]) -> pl.DataFrame:
        return (
            frame.lazy()
            .select([scaled_column(name, schema[name])[0].alias(name) for name in names])
            .collect()
        )

    scaled = scale(exact)
    bounds: dict[str, object] = {}
    if exact:
        bounds.update(
            scaled.select(
                [pl.col(name).min().alias(f"{name}__min") for name in exact]
                + [pl.col(name).max().alias(f"{name}__max") for name in exact]
            ).row(0, named=True)
        )
    if floats:
        bounds.update(
            frame.select([pl.col(name).min().alias(f"{name}__min") for name in floats]).row(0, named=True)
        )
    for name in columns:
        refuse_negative(name, bounds[f"{name}__min"])
    if floats:
        _check_floats(frame, floats)  # more than 3 decimals, NaN, huge
        scaled_floats = scale(floats)
        scaled = scaled.hstack(scaled_floats) if exact else scaled_floats
        bounds.update(
            scaled_floats.select([pl.col(name).max().alias(f"{name}__max") for name in floats]).row(
                0, named=True
            )
        )
    maxima = {name: bounds[f"{name}__max"] for name in columns}
    return (
        scaled.select([pl.col(name).alias(prefix + name) for name in columns]),
        scales,
        maxima,  # type: ignore[return-value]
    )


def collect(frame: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    return frame.collect() if isinstance(frame, pl.LazyFrame) else frame


def collect_normalised(
    frame: pl.DataFrame | pl.LazyFrame, columns: Sequence[str], *, max_value: int | None = MAX_VALUE
) -> pl.DataFrame:
    """The collected frame with its value ``columns`` (those present) through
    :func:`calc.bulk_inputs.normalise_numbers` at :data:`FLOAT_SCALE` decimals: every air bulk entry point
    reads its values this way, so no high-scale ``Decimal`` or huge value reaches the Int64 arithmetic
    (``max_value=None`` where the integer types are sized from the data's maximum)."""
    collected = collect(frame)
    return normalise_numbers(collected, [name for name in columns if name in collected.columns],
                             max_scale=FLOAT_SCALE, max_value=max_value)

