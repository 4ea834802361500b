"""Daily-report IAQI and AQI on frames (HJ 633-2012 / HJ 633-2026)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING

import polars as pl

from calc.air.aqi import FIXED_ABOVE_800_2026, REPORT_DAILY, REPORT_ITEMS, RULE_2026_FROM, resolve_rule
from calc.air.assessment import (
    DECIMALS,
    ITEM_POLLUTANT,
)
from calc.air.bulk._common import (
    DAILY_ITEMS,
    ceil_div,
    checked_scaled,
    collect_normalised,
    round_half_even,
)
from calc.air.tables import RULE_2012, RULE_2026, breakpoint_table, levels

if TYPE_CHECKING:
    from polars.expr.whenthen import ChainedThen, Then

# --------------------------------------------------------------------------------------------------
# daily IAQI / AQI


def _iaqi_chain(item: str, value: pl.Expr, scale: int, rule: str) -> pl.Expr:
    """IAQI of ``item`` from integers scaled by ``10**scale`` under ``rule`` (式1, ceiling, cap 500)."""
    segments = breakpoint_table(rule)[item]
    factor = 10**scale
    chain: Then | ChainedThen = pl.when(value.is_null()).then(pl.lit(None, pl.Int64))
    for segment in segments:
        lo, hi = int(segment.bp_lo) * factor, int(segment.bp_hi) * factor
        piece = segment.iaqi_lo + ceil_div((value - lo) * (segment.iaqi_hi - segment.iaqi_lo), hi - lo)
        chain = chain.when(value <= hi).then(piece)
    return chain.otherwise(segments[-1].iaqi_hi)


_TABLE_LIMIT = 100_000


@cache
def _iaqi_table(item: str, scale: int, rule: str) -> pl.Series | None:
    """IAQI of every scaled integer concentration from 0 to the top breakpoint (computed by 式1), and
    one more entry after it: the cap, for every concentration above the top breakpoint.

    ``None`` when the table would exceed :data:`_TABLE_LIMIT` entries (3-decimal floats).
    """
    top = int(breakpoint_table(rule)[item][-1].bp_hi) * 10**scale
    if top >= _TABLE_LIMIT:
        return None
    values = pl.int_range(top + 2, dtype=pl.Int64, eager=True).to_frame("v")
    return values.select(_iaqi_chain(item, pl.col("v"), scale, rule).alias("iaqi")).to_series()


def _iaqi_expr(item: str, value: pl.Expr, scale: int, rule: str, maximum: int | None) -> pl.Expr:
    """IAQI of ``item`` (scaled integers ≥ 0, at most ``maximum``): a lookup in the exact 式1 table
    when it is small enough."""
    table = _iaqi_table(item, scale, rule)
    if table is None:
        return _iaqi_chain(item, value, scale, rule)
    if maximum is not None and maximum >= table.len():
        value = value.clip(0, table.len() - 1)  # the last entry is the cap
    return pl.lit(table).gather(value)


def _mask(conditions: Sequence[pl.Expr]) -> pl.Expr:
    """Bit ``k`` set where condition ``k`` holds (null counts as false); at most 8 conditions."""
    zero = pl.lit(0, pl.UInt8)
    bits = [
        pl.when(condition).then(pl.lit(1 << bit, pl.UInt8)).otherwise(zero)
        for bit, condition in enumerate(conditions)
    ]
    return sum(bits[1:], bits[0])


@cache
def _list_table(items: tuple[str, ...]) -> pl.Series:
    """Every sub-list of ``items`` in order, indexed by bitmask.

    Building lists row by row from string literals is slow in polars; a mask of at most 2^7 values
    gathering from this table is not.
    """
    return pl.Series(
        [[item for bit, item in enumerate(items) if code >> bit & 1] for code in range(1 << len(items))],
        dtype=pl.List(pl.String),
    )


# the largest IAQI (HJ 633 caps IAQI at 500): Table 2 labels are looked up by AQI in 0 … _AQI_TOP
_AQI_TOP = 500


@cache
def _label_table(attribute: str) -> pl.Series:
    """Table 2 label (级别, 类别 or 颜色) of every AQI from 0 to :data:`_AQI_TOP`."""
    rows = levels()
    tops = [
        segment.iaqi_hi
        for r in (RULE_2012, RULE_2026)
        for item in breakpoint_table(r).values()
        for segment in item
    ]
    if max([*tops, *FIXED_ABOVE_800_2026.values()]) > _AQI_TOP:
        raise AssertionError("an IAQI above _AQI_TOP would have no label")
    labels = pl.Series([getattr(row, attribute) for row in rows], dtype=pl.String)
    band = sum(
        ((pl.col("aqi") > row.aqi_max).cast(pl.Int64) for row in rows if row.aqi_max is not None),
        pl.lit(0, pl.Int64),
    )
    frame = pl.int_range(_AQI_TOP + 1, dtype=pl.Int64, eager=True).to_frame("aqi")
    return frame.select(pl.lit(labels).gather(band)).to_series()


def _labels(aqi: pl.Expr, attribute: str) -> pl.Expr:
    """Table 2 label of each AQI (``null`` where AQI is null): the row whose band holds it."""
    return pl.lit(_label_table(attribute)).gather(aqi)


def _rule_columns(
    lazy: pl.LazyFrame, scaled: Mapping[str, tuple[int, int | None]], rule: str
) -> pl.LazyFrame:
    """Add ``__<rule>_<name>`` columns: IAQI per item, aqi, aqi_of_present and the three lists.

    ``scaled``: item → (scale, largest value) of the items present, as Int64 columns ``__v_<item>``
    scaled by ``10**scale``.
    """
    tag = f"__{rule}_"
    items = REPORT_ITEMS[(rule, REPORT_DAILY)]
    # the value entered into 式1 (HJ 633-2026 §4.2.2 rounds it first), as scaled integers
    values: dict[str, tuple[pl.Expr, int, int | None]] = {}
    for item in items:
        if item not in scaled:
            continue
        scale, maximum = scaled[item]
        expr = pl.col(f"__v_{item}")
        if rule == RULE_2026:
            decimals = DECIMALS[ITEM_POLLUTANT[item]]
            if scale > decimals:
                unit = 10 ** (scale - decimals)
                expr, scale = round_half_even(expr, unit), decimals
                maximum = None if maximum is None else maximum // unit + 1
        values[item] = (expr, scale, maximum)
    iaqis = {
        item: _iaqi_expr(item, expr, scale, rule, maximum) for item, (expr, scale, maximum) in values.items()
    }
    if "O3_8H" in values and (values["O3_8H"][2] or 0) > 800 * 10 ** values["O3_8H"][1]:
        # O3 8-h above 800: HJ 633-2012 note 3 reports the O3 1-h IAQI; HJ 633-2026 note c fixes 300
        expr, scale, _ = values["O3_8H"]
        substitute = (
            pl.lit(FIXED_ABOVE_800_2026["O3_8H"], pl.Int64)
            if rule == RULE_2026
            else iaqis.get("O3_1H", pl.lit(None, pl.Int64))
        )
        iaqis["O3_8H"] = pl.when(expr > 800 * 10**scale).then(substitute).otherwise(iaqis["O3_8H"])
    lazy = lazy.with_columns(
        [
            iaqis[item].cast(pl.Int64).alias(f"{tag}{item}")
            if item in iaqis
            else pl.lit(None, pl.Int64).alias(f"{tag}{item}")
            for item in items
        ]
    )
    # AQI (式2) and its publication (HJ 633-2026 §5.3.1), in stages so nothing is computed twice
    columns = [pl.col(f"{tag}{item}") for item in items]
    # (max_horizontal is much faster without nulls; every IAQI is ≥ 0, so -1 stands for none)
    largest = pl.max_horizontal([column.fill_null(-1) for column in columns])
    lazy = lazy.with_columns(
        pl.when(largest >= 0).then(largest).alias(f"{tag}aqi_of_present"),
        _mask([column.is_null() for column in columns]).alias(f"{tag}missing_mask"),
    )
    of_present, missing = pl.col(f"{tag}aqi_of_present"), pl.col(f"{tag}missing_mask")
    published = (
        pl.when((missing > 0) & (of_present <= 100)).then(None).otherwise(of_present)
        if rule == RULE_2026
        else of_present
    )
    lazy = lazy.with_columns(published.alias(f"{tag}aqi"))
    aqi = pl.col(f"{tag}aqi")
    table = _list_table(items)
    return lazy.with_columns(
        pl.lit(table)
        .gather(_mask([(column == aqi) & (aqi > 50) for column in columns]))
        .alias(f"{tag}primary_pollutants"),
        pl.lit(table).gather(missing).alias(f"{tag}missing"),
        (
            pl.lit(None, pl.List(pl.String))
            if rule == RULE_2026
            else pl.lit(table).gather(_mask([column > 100 for column in columns]))
        ).alias(f"{tag}non_attainment_pollutants"),
    )


def daily_aqi_frame(
    daily: pl.DataFrame | pl.LazyFrame,
    *,
    rule: str | None = None,
    date_column: str = "date",
) -> pl.DataFrame:
    """Daily-report IAQI and AQI for every row (station-day or city-day), HJ 633-2012 / HJ 633-2026.

    Parameters
    ----------
    daily
        Frame with a ``date`` column and daily-report item columns (:data:`DAILY_ITEMS`; absent ones
        count as missing) [µg/m³; CO mg/m³] as ``Decimal``, integers or floats (≤ 3 decimals).
    rule
        One of :data:`calc.air.RULES`, or ``None`` to choose per row by date (HJ 633-2026 from
        2026-03-01).
    date_column
        Name of the date column.

    Returns
    -------
    pl.DataFrame
        The input plus ``rule``, ``<item>_iaqi`` (``null`` = NA or not an indicator of the row's rule),
        ``aqi``, ``aqi_of_present``, ``level``, ``category``, ``colour``, ``primary_pollutants``,
        ``non_attainment_pollutants`` (``null`` under HJ 633-2026), ``missing`` — equal to
        :func:`calc.air.aqi` with ``report="daily"`` row by row.
    """
    frame = collect_normalised(daily, DAILY_ITEMS)
    schema = frame.schema
    scaled, scales, maxima = checked_scaled(
        frame, [item for item in DAILY_ITEMS if item in schema], prefix="__v_"
    )
    if rule is not None:
        needed: tuple[str, ...] = (resolve_rule(rule),)
    else:
        if date_column not in schema:
            raise ValueError(f"no {date_column!r} column to choose the rule by date; pass rule=")
        first, last = frame.select(
            pl.col(date_column).cast(pl.Date).min().alias("first"),
            pl.col(date_column).cast(pl.Date).max().alias("last"),
        ).row(0)
        needed = tuple(
            r
            for r, used in (
                (RULE_2012, first is not None and first < RULE_2026_FROM),
                (RULE_2026, last is not None and last >= RULE_2026_FROM),
            )
            if used
        ) or (RULE_2012,)
    if len(needed) == 1:
        rule_expr = pl.lit(needed[0])
    else:
        rule_expr = (
            pl.when(pl.col(date_column).cast(pl.Date) >= RULE_2026_FROM)
            .then(pl.lit(RULE_2026))
            .otherwise(pl.lit(RULE_2012))
        )
    lazy = frame.hstack(scaled).lazy().with_columns(rule_expr.alias("rule"))
    for r in needed:
        lazy = _rule_columns(lazy, {item: (scales[item], maxima[item]) for item in scales}, r)

    def pick(name: str) -> pl.Expr:
        if len(needed) == 1:
            return pl.col(f"__{needed[0]}_{name}")
        return (
            pl.when(pl.col("rule") == RULE_2026)
            .then(pl.col(f"__{RULE_2026}_{name}"))
            .otherwise(pl.col(f"__{RULE_2012}_{name}"))
        )

    def pick_item(item: str) -> pl.Expr:
        options = {r: pl.col(f"__{r}_{item}") for r in needed if item in REPORT_ITEMS[(r, REPORT_DAILY)]}
        if not options:
            return pl.lit(None, pl.Int64)
        if len(needed) == 1:
            return next(iter(options.values()))
        return (
            pl.when(pl.col("rule") == RULE_2026)
            .then(options.get(RULE_2026, pl.lit(None, pl.Int64)))
            .otherwise(options.get(RULE_2012, pl.lit(None, pl.Int64)))
        )

    names = ["aqi", "aqi_of_present", "primary_pollutants", "non_attainment_pollutants", "missing"]
    lazy = lazy.with_columns(
        [pick_item(item).cast(pl.Int64).alias(f"{item}_iaqi") for item in DAILY_ITEMS]
        + [pick(name).alias(name) for name in names]
    )
    lazy = lazy.with_columns(
        _labels(pl.col("aqi"), "level").alias("level"),
        _labels(pl.col("aqi"), "category").alias("category"),
        _labels(pl.col("aqi"), "colour").alias("colour"),
    )
    keep = [
        *schema.keys(),
        "rule",
        *[f"{item}_iaqi" for item in DAILY_ITEMS],
        *names,
        "level",
        "category",
        "colour",
    ]
    return lazy.select(keep).collect()
