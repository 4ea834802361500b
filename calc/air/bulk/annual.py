"""Annual city statistics and declines on frames (HJ 663-2013, GB 3095-2012)."""

from __future__ import annotations

import polars as pl

from calc.air.assessment import (
    ANNUAL_STATISTICS,
    DECIMALS,
    ITEM_POLLUTANT,
    MIN_DAYS_FEBRUARY,
    MIN_DAYS_PER_MONTH,
    MIN_DAYS_PER_YEAR,
)
from calc.air.bulk._common import (
    check_values,
    collect_normalised,
    round_half_even,
    scaled_column,
    to_decimal,
)

# --------------------------------------------------------------------------------------------------
# annual statistics


def annual_city_statistics(
    daily: pl.DataFrame | pl.LazyFrame,
    *,
    key: str = "city",
    date_column: str = "date",
    aqi_column: str = "aqi",
) -> pl.DataFrame:
    """Annual statistics per key (city) and calendar year (HJ 663-2013, GB 3095-2012).

    Parameters
    ----------
    daily
        City daily frame (e.g. :func:`city_daily_frame` then :func:`daily_aqi_frame`): ``key``,
        ``date``, the items of :data:`calc.air.assessment.ANNUAL_STATISTICS` and optionally ``aqi``.
    key, date_column, aqi_column
        Column names.

    Returns
    -------
    pl.DataFrame
        ``key, year`` and per pollutant ``P`` (``SO2 NO2 PM10 PM25 CO O3_8H``): ``P_n_days``,
        ``P_valid`` (≥ 324 days, ≥ 27 per month, February ≥ 25), ``P_days_by_month`` (the 12 monthly
        counts, for :func:`calc.air.assessment.annual_validity_of_counts` and its reason), ``P_mean`` (SO2, NO2, PM10, PM2.5) and
        ``P_pNN`` (98th SO2/NO2, 95th PM10/PM2.5/CO, 90th O3 daily max 8-h), ``Decimal`` rounded per
        GB/T 8170; then ``good_days``, ``aqi_valid_days``, ``aqi_valid`` and ``aqi_days_by_month`` (the same annual
        rule on the days with a valid AQI) and ``good_days_ratio`` (优良天数比例 %, 1 decimal). Equal to :func:`calc.air.assessment.annual_statistic` / ``good_days_ratio``.
    """
    frame = collect_normalised(daily, list(ANNUAL_STATISTICS))
    check_values(frame, [item for item in ANNUAL_STATISTICS if item in frame.columns])
    frame = frame.with_columns(
        pl.col(date_column).cast(pl.Date).dt.year().alias("year"),
        pl.col(date_column).cast(pl.Date).dt.month().alias("__month"),
    )
    items = [item for item in ANNUAL_STATISTICS if item in frame.columns]
    scaled = {item: scaled_column(item, frame.schema[item]) for item in items}
    base = frame.select(
        pl.col(key),
        pl.col("year"),
        pl.col("__month"),
        *[expr.alias(item) for item, (expr, _) in scaled.items()],
        *([pl.col(aqi_column).alias("__aqi")] if aqi_column in frame.columns else []),
    )

    counted = [*items, *(["__aqi"] if "__aqi" in base.columns else [])]
    monthly = (
        base.lazy()
        .group_by(key, "year", "__month")
        .agg([pl.col(item).count().cast(pl.Int64).alias(item) for item in counted])
        .with_columns(
            [
                (
                    pl.col(item)
                    >= pl.when(pl.col("__month") == 2).then(MIN_DAYS_FEBRUARY).otherwise(MIN_DAYS_PER_MONTH)
                )
                .cast(pl.Int64)
                .alias(f"{item}__ok")
                for item in counted
            ]
        )
        .group_by(key, "year")
        .agg(
            [pl.col(f"{item}__ok").sum() for item in counted]
            + [
                pl.concat_list(
                    [pl.col(item).filter(pl.col("__month") == month).sum() for month in range(1, 13)]
                ).alias(f"{item}__months")
                for item in counted
            ]
        )
    )

    aggregations: list[pl.Expr] = []
    for item, (_, scale) in scaled.items():
        with_mean, p = ANNUAL_STATISTICS[item]
        decimals = DECIMALS[ITEM_POLLUTANT[item]]
        name = _annual_name(item)
        column = pl.col(item)
        count = column.count()
        aggregations.append(count.alias(f"{name}_n_days"))
        if with_mean:
            aggregations.append(
                pl.when(count > 0)
                .then(round_half_even(column.sum() * 10**decimals, count.cast(pl.Int64) * 10**scale))
                .alias(f"{name}_mean")
            )
        ordered = column.drop_nulls().sort()
        position = (count.cast(pl.Int64) - 1) * p
        low_index = position // 100
        fraction = position % 100
        low = ordered.get(low_index, null_on_oob=True)
        high = ordered.get(pl.min_horizontal(low_index + 1, count.cast(pl.Int64) - 1), null_on_oob=True)
        numerator = low * 100 + (high - low) * fraction
        aggregations.append(
            pl.when(count > 0)
            .then(round_half_even(numerator * 10**decimals, 100 * 10**scale))
            .alias(f"{name}_p{p}")
        )
    if "__aqi" in base.columns:
        aggregations += [
            (pl.col("__aqi") <= 100).sum().cast(pl.Int64).alias("good_days"),
            pl.col("__aqi").count().cast(pl.Int64).alias("aqi_valid_days"),
        ]
    annual = (
        base.lazy()
        .group_by(key, "year")
        .agg(aggregations)
        .join(monthly, on=[key, "year"], how="left")
        .collect()
    )

    outputs: list[pl.Expr] = [pl.col(key), pl.col("year")]
    for item in items:
        with_mean, p = ANNUAL_STATISTICS[item]
        decimals = DECIMALS[ITEM_POLLUTANT[item]]
        name = _annual_name(item)
        outputs.append(pl.col(f"{name}_n_days"))
        outputs.append(_annual_valid(pl.col(f"{name}_n_days"), item).alias(f"{name}_valid"))
        outputs.append(pl.col(f"{item}__months").alias(f"{name}_days_by_month"))
        if with_mean:
            outputs.append(to_decimal(pl.col(f"{name}_mean"), decimals).alias(f"{name}_mean"))
        outputs.append(to_decimal(pl.col(f"{name}_p{p}"), decimals).alias(f"{name}_p{p}"))
    if "good_days" in annual.columns:
        outputs += [
            pl.col("good_days"),
            pl.col("aqi_valid_days"),
            _annual_valid(pl.col("aqi_valid_days"), "__aqi").alias("aqi_valid"),
            pl.col("__aqi__months").alias("aqi_days_by_month"),
            to_decimal(
                pl.when(pl.col("aqi_valid_days") > 0).then(
                    round_half_even(pl.col("good_days") * 1000, pl.col("aqi_valid_days"))
                ),
                1,
            ).alias("good_days_ratio"),
        ]
    return annual.select(outputs).sort(key, "year")


def decline_frame(
    annual: pl.DataFrame | pl.LazyFrame,
    *,
    base_year: int,
    column: str = "PM25_mean",
    key: str = "city",
) -> pl.DataFrame:
    """下降幅度 (%) of an annual value against a base year, per key: ``(base − current) / base × 100``.

    Parameters
    ----------
    annual
        Output of :func:`annual_city_statistics` (``key``, ``year``, ``column``).
    base_year
        The base year (基准年).
    column, key
        Value and key columns.

    Returns
    -------
    pl.DataFrame
        ``key, year, column``, ``base`` (the base-year value) and ``decline_pct`` (``Decimal``, 1
        decimal, GB/T 8170; ``null`` without a positive base value) — equal to
        :func:`calc.air.assessment.pm25_decline`.
    """
    frame = collect_normalised(annual, [column])
    check_values(frame, [column])
    value, scale = scaled_column(column, frame.schema[column])
    current = frame.select(pl.col(key), pl.col("year"), pl.col(column), value.alias("__value"))
    base = current.filter(pl.col("year") == base_year).select(
        pl.col(key), pl.col(column).alias("base"), pl.col("__value").alias("__base")
    )
    joined = current.join(base, on=key, how="left")
    decline = round_half_even((pl.col("__base") - pl.col("__value")) * 1000, pl.col("__base"))
    return joined.select(
        pl.col(key),
        pl.col("year"),
        pl.col(column),
        pl.col("base"),
        to_decimal(pl.when(pl.col("__base") > 0).then(decline), 1).alias("decline_pct"),
    ).sort(key, "year")


def _annual_valid(days: pl.Expr, item: str) -> pl.Expr:
    """GB 3095 Table 4: ≥ 324 days in the year and every month at its minimum (the ``__ok`` month count)."""
    return (days >= MIN_DAYS_PER_YEAR) & (pl.col(f"{item}__ok") == 12)


def _annual_name(item: str) -> str:
    return "O3_8H" if item == "O3_8H" else item.removesuffix("_24H")
