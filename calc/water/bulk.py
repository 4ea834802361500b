"""Vectorised (polars) surface-water classification, exact like :mod:`calc.water.quality`.

* :func:`classify_samples_frame` classifies every row (a sample or a period mean) item by item.
  Comparisons against the Table 1 limits are exact for every input dtype: integers and ``Decimal``
  compare exactly; a ``Float64`` ``x`` is compared with the double nearest to the limit ``L``, and
  because rounding to doubles is monotone and the limits are short decimals (their own shortest
  representation), ``x ≤ float(L)`` holds exactly when the decimal the scalar path reads for ``x``
  (``Decimal(repr(x))``) is ``≤ L``.
* :func:`section_classes_frame` averages the samples of each group (section and period) and
  classifies the means without dividing: ``mean ≤ L ⇔ sum ≤ L·n`` on exact ``Decimal`` sums. Float
  columns are first read as ``Decimal(repr(x))``, the scalar path's reading.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

import polars as pl

from calc.bulk_inputs import normalise_numbers
from calc.water.quality import (
    ITEMS,
    SECTION_ITEMS,
    WATERBODIES,
    WATERBODY_LAKE,
    WATERBODY_RIVER,
    WaterClass,
    section_grade,
    table,
)

if TYPE_CHECKING:
    from polars.expr.whenthen import ChainedThen, Then

WATER_SCALE = 8
"""Decimals a water value may have: GB 3838's finest limit (Hg 0.00005) has 5, three more resolve values next
to a limit (the import allows 6). ``Decimal`` columns are rescaled to it exactly or refused
(:func:`calc.bulk_inputs.normalise_numbers`)."""

_CODES = {int(c): c.code for c in WaterClass}
_GRADES = {int(c): section_grade(c) for c in WaterClass}


def _limit(value: Decimal, dtype: pl.DataType) -> pl.Expr:
    if dtype.is_float():
        return pl.lit(float(value), pl.Float64)
    return pl.lit(value)


def _class_chain(item_key: str, value: pl.Expr, dtype: pl.DataType, count: pl.Expr | None = None) -> pl.Expr:
    """Class (1–6) of ``value`` for a Table 1 row; with ``count``, ``value`` is a sum of ``count`` values."""
    row = table()[item_key]

    def bound(limit: Decimal) -> pl.Expr:
        return _limit(limit, dtype) if count is None else pl.lit(limit) * count

    chain: Then | ChainedThen = pl.when(value.is_null()).then(pl.lit(None, pl.Int8))
    if row.comparison == "range":
        low, high = row.limits
        return (
            chain.when((value >= bound(low)) & (value <= bound(high)))
            .then(pl.lit(1, pl.Int8))
            .otherwise(pl.lit(6, pl.Int8))
        )
    for index, limit in enumerate(row.limits):
        test = value >= bound(limit) if row.comparison == ">=" else value <= bound(limit)
        chain = chain.when(test).then(pl.lit(index + 1, pl.Int8))
    return chain.otherwise(pl.lit(6, pl.Int8))


def _item_class(
    item: str, value: pl.Expr, dtype: pl.DataType, waterbody: str | pl.Expr, count: pl.Expr | None = None
) -> pl.Expr:
    if item != "TP":
        return _class_chain(item, value, dtype, count)
    if isinstance(waterbody, str):
        return _class_chain("TP_lake" if waterbody == WATERBODY_LAKE else "TP", value, dtype, count)
    return (
        pl.when(waterbody == WATERBODY_LAKE)
        .then(_class_chain("TP_lake", value, dtype, count))
        .otherwise(_class_chain("TP", value, dtype, count))
    )


def _waterbody(frame: pl.DataFrame, waterbody: str, waterbody_column: str | None) -> str | pl.Expr:
    if waterbody_column is None:
        if waterbody not in WATERBODIES:
            raise ValueError(f"unknown waterbody {waterbody!r}; expected one of {WATERBODIES}")
        return waterbody
    unknown = (
        frame.filter(~pl.col(waterbody_column).is_in(list(WATERBODIES)))[waterbody_column].unique().to_list()
    )
    if unknown:
        raise ValueError(f"unknown waterbody values {unknown}; expected one of {WATERBODIES}")
    return pl.col(waterbody_column)


def _prepared(
    samples: pl.DataFrame | pl.LazyFrame, waterbody: str, waterbody_column: str | None
) -> tuple[pl.DataFrame, list[str], str | pl.Expr]:
    """The samples collected, checked and normalised, the items they hold and the waterbody of each row."""
    frame = samples.collect() if isinstance(samples, pl.LazyFrame) else samples
    present = [item for item in ITEMS if item in frame.columns]
    _check(frame, present)
    frame = normalise_numbers(frame, present, max_scale=WATER_SCALE)
    return frame, present, _waterbody(frame, waterbody, waterbody_column)


def _check(frame: pl.DataFrame, items: Sequence[str]) -> None:
    for item in items:
        dtype = frame.schema[item]
        if not (dtype.is_numeric() or dtype == pl.Null):
            raise TypeError(f"column {item!r} has dtype {dtype}, expected numbers")
        if dtype.is_float() and frame.select(pl.col(item).is_nan().any()).item():
            raise ValueError(f"column {item!r} has NaN")
    if items:
        minima = frame.select([pl.col(item).min() for item in items]).row(0, named=True)
        negative = [item for item, value in minima.items() if value is not None and value < 0]
        if negative:
            raise ValueError(f"negative values in {negative}")


def _summary(frame: pl.LazyFrame, present: Sequence[str]) -> pl.LazyFrame:
    assessed = [f"{item}_class" for item in present if item in SECTION_ITEMS]
    worst = pl.max_horizontal(assessed) if assessed else pl.lit(None, pl.Int8)
    frame = frame.with_columns(worst.cast(pl.Int8).alias("class"))
    return frame.with_columns(
        pl.col("class").replace_strict(_CODES, default=None, return_dtype=pl.String).alias("class_code"),
        pl.col("class").replace_strict(_GRADES, default=None, return_dtype=pl.String).alias("grade"),
    )


def classify_samples_frame(
    samples: pl.DataFrame | pl.LazyFrame,
    *,
    waterbody: str = WATERBODY_RIVER,
    waterbody_column: str | None = None,
) -> pl.DataFrame:
    """Class of every row (GB 3838-2002 Table 1; section class of the 21 items of the 2011 method).

    Parameters
    ----------
    samples
        One row per sample (or per mean); item columns named as :data:`calc.water.ITEMS` (``pH DO
        CODMn COD BOD5 NH3N TP … TN FecalColiform``) [mg/L; 个/L; pH], any numeric dtype; ``null`` =
        not measured. Other columns pass through.
    waterbody
        ``"river"`` or ``"lake"`` for every row, unless ``waterbody_column`` names a column holding it.

    Returns
    -------
    pl.DataFrame
        The input plus ``<item>_class`` (1 = Ⅰ … 6 = 劣Ⅴ, ``Int8``) for every item present, ``class``
        (worst of the 21 assessed items present), ``class_code`` (``"I"`` … ``"劣V"``) and ``grade``
        (优 … 重度污染) — equal to :func:`calc.water.classify_parameter` / ``classify_section``.
    """
    frame, present, body = _prepared(samples, waterbody, waterbody_column)
    lazy = frame.lazy().with_columns(
        [_item_class(item, pl.col(item), frame.schema[item], body).alias(f"{item}_class") for item in present]
    )
    return _summary(lazy, present).collect()


def _as_decimal(series: pl.Series) -> pl.Series:
    """A float column read value by value as ``Decimal(repr(x))`` (the scalar path's reading)."""
    return pl.Series(series.name, [None if x is None else Decimal(repr(x)) for x in series.to_list()])


def section_classes_frame(
    samples: pl.DataFrame | pl.LazyFrame,
    *,
    by: str | Sequence[str],
    waterbody: str = WATERBODY_RIVER,
    waterbody_column: str | None = None,
) -> pl.DataFrame:
    """Mean of each item per group (e.g. section and period), then its class, exactly.

    Parameters
    ----------
    samples
        One row per sample with the ``by`` columns and item columns (as in
        :func:`classify_samples_frame`).
    by
        Grouping column(s).
    waterbody, waterbody_column
        As in :func:`classify_samples_frame` (a ``waterbody_column`` must be constant in a group and
        is then added to ``by``).

    Returns
    -------
    pl.DataFrame
        ``by`` columns, ``<item>_n`` (values averaged), ``<item>_mean`` (``Float64``, for display
        only), ``<item>_class``, ``class``, ``class_code``, ``grade`` — equal to
        ``classify_section(mean_values(samples_of_group))``.
    """
    keys = [by] if isinstance(by, str) else list(by)
    if waterbody_column is not None and waterbody_column not in keys:
        keys.append(waterbody_column)
    frame, present, body = _prepared(samples, waterbody, waterbody_column)
    frame = frame.with_columns(
        [_as_decimal(frame[item]) for item in present if frame.schema[item].is_float()]
    )
    aggregations = []
    for item in present:
        aggregations += [pl.col(item).sum().alias(f"{item}__sum"), pl.col(item).count().alias(f"{item}_n")]
    grouped = frame.lazy().group_by(keys).agg(aggregations)
    columns = []
    for item in present:
        total, count = pl.col(f"{item}__sum"), pl.col(f"{item}_n")
        dtype = frame.schema[item]
        exact_total = (
            total.cast(pl.Decimal(38, dtype.scale or 0))
            if isinstance(dtype, pl.Decimal)
            else total.cast(pl.Decimal(38, 0))
        )
        columns += [
            pl.when(count > 0).then(total.cast(pl.Float64) / count).alias(f"{item}_mean"),
            pl.when(count > 0)
            .then(_item_class(item, exact_total, pl.Decimal(38, 0), body, count.cast(pl.Int64)))
            .alias(f"{item}_class"),
        ]
    lazy = grouped.with_columns(columns).drop([f"{item}__sum" for item in present])
    return _summary(lazy, present).sort(keys).collect()


__all__ = ["classify_samples_frame", "section_classes_frame"]
