"""Hourly station data → daily station values → city daily values (HJ 663-2013, GB 3095 Table 4)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import polars as pl

from calc.air.assessment import (
    DECIMALS,
    ITEM_POLLUTANT,
    MIN_HOURS_PER_8H,
    MIN_HOURS_PER_DAY,
    MIN_O3_WINDOWS,
    O3_8H_LIMIT,
    O3_WINDOW_ENDS,
)
from calc.air.bulk._common import (
    DAILY_ITEMS,
    FLOAT_SCALE,
    POLLUTANTS,
    collect,
    float_is_short,
    round_half_even,
    scaled_column,
    scaled_raw,
    to_decimal,
)

# --------------------------------------------------------------------------------------------------
# hourly → daily (stations)


def daily_station_frame(
    hourly: pl.DataFrame | pl.LazyFrame,
    *,
    station: str = "station",
    time: str = "time",
    columns: Mapping[str, str] | None = None,
    time_label: str = "start",
) -> pl.DataFrame:
    """Daily statistics of every station-day from hourly data (HJ 663-2013, GB 3095 Table 4).

    Parameters
    ----------
    hourly
        One row per station and hour; ``time`` is a ``Datetime`` on the hour (a time-zone-aware
        column is read in its own wall-clock time); pollutant columns hold hourly means [µg/m³; CO
        mg/m³] as integers, floats (≤ 3 decimals) or ``Decimal``; ``null`` or an absent row = missing.
    station, time
        Column names.
    columns
        Pollutant (``SO2 NO2 PM10 PM25 CO O3``) → column name; default: the pollutant names. Absent
        pollutants give all-null items.
    time_label
        ``"start"``: ``time`` is the start of the averaging hour (00:00 … 23:00 make the day);
        ``"end"``: it is the end (01:00 … 24:00, the usual Chinese label).

    Returns
    -------
    pl.DataFrame
        ``station, date`` then ``SO2_24H NO2_24H PM10_24H CO_24H O3_1H O3_8H PM25_24H`` (``Decimal``
        at the reporting scale, ``null`` when invalid) and ``<item>_n``: hours behind a 24-h mean or
        the O3 daily max 1-h, valid 8-h windows behind ``O3_8H``. One row per station-day that has at
        least one input row, sorted by station and date. The same as
        :func:`calc.air.assessment.station_daily` for each station-day.

    Raises
    ------
    ValueError
        Duplicate station-hours, times not on the hour, null stations, negative or over-precise values.
    """
    if time_label not in ("start", "end"):
        raise ValueError(f"time_label must be 'start' or 'end', got {time_label!r}")
    names = dict(columns) if columns is not None else {pollutant: pollutant for pollutant in POLLUTANTS}
    for pollutant in names:
        if pollutant not in POLLUTANTS:
            raise ValueError(f"unknown pollutant {pollutant!r}; expected one of {POLLUTANTS}")
    lazy = hourly.lazy() if isinstance(hourly, pl.DataFrame) else hourly
    schema = lazy.collect_schema()
    present = {pollutant: name for pollutant, name in names.items() if name in schema}
    time_dtype = schema[time]
    if not isinstance(time_dtype, pl.Datetime):
        raise TypeError(f"column {time!r} must be a Datetime, got {time_dtype}")
    station_dtype = schema[station]
    integer_station = station_dtype.is_integer()
    per_hour = {"ns": 3_600_000_000_000, "us": 3_600_000_000, "ms": 3_600_000}[time_dtype.time_unit or "us"]
    wall = pl.col(time).dt.replace_time_zone(None) if time_dtype.time_zone else pl.col(time)
    physical = wall.cast(pl.Int64)

    # Read once: keys, the time's physical value, scaled values (and the raw floats, for their check).
    scaled = {pollutant: scaled_raw(name, schema[name]) for pollutant, name in present.items()}
    floats = [pollutant for pollutant, name in present.items() if schema[name].is_float()]
    base = lazy.select(
        pl.col(station).alias("__station"),
        physical.alias("__time"),
        **{pollutant: expr for pollutant, (expr, _) in scaled.items()},
        **{f"__raw_{pollutant}": pl.col(present[pollutant]) for pollutant in floats},
    ).collect()
    if base.height == 0:
        return _empty_daily(station_dtype, station)
    hour = pl.col("__time") // per_hour - (1 if time_label == "end" else 0)
    checks = base.lazy().select(
        off=(pl.col("__time") % per_hour != 0).any(),
        nulls=pl.col("__station").null_count() + pl.col("__time").null_count(),
        lo=hour.min(),
        hi=hour.max(),
        st_lo=pl.col("__station").min() if integer_station else pl.lit(0),
        st_hi=pl.col("__station").max() if integer_station else pl.lit(0),
        **{
            f"{pollutant}__min": pl.col(f"__raw_{pollutant}" if pollutant in floats else pollutant).min()
            for pollutant in present
        },
        **{f"{pollutant}__max": pl.col(pollutant).max() for pollutant in present},
    )
    distinct_queries = [
        base.lazy().select(pl.col(f"__raw_{pollutant}").drop_nulls().unique()) for pollutant in floats
    ]
    checked, *distinct = pl.collect_all([checks, *distinct_queries])
    flags = checked.row(0, named=True)
    for pollutant, name in present.items():
        minimum = flags[f"{pollutant}__min"]
        if minimum is not None and minimum < 0:
            raise ValueError(f"column {name!r} has negative concentrations")
    for pollutant, values in zip(floats, distinct, strict=True):
        if values.select((~float_is_short(pl.col(values.columns[0]))).any()).item():
            raise ValueError(
                f"column {present[pollutant]!r} has float values with more than {FLOAT_SCALE} decimals "
                "(or NaN/huge); cast it to pl.Decimal to keep them exact"
            )
    if flags["nulls"]:
        raise ValueError(f"columns {station!r} and {time!r} must not have nulls")
    if flags["off"]:
        raise ValueError(f"column {time!r} has times that are not on the hour")
    # 24 small integers must not overflow a 32-bit daily sum
    wide = [
        pollutant
        for pollutant in scaled
        if base.schema[pollutant] != pl.Int64
        and flags[f"{pollutant}__max"] is not None
        and int(flags[f"{pollutant}__max"]) * 24 >= 2**31
    ]
    if wide:
        base = base.with_columns([pl.col(pollutant).cast(pl.Int64) for pollutant in wide])
    bounds = flags
    first_day = bounds["lo"] // 24
    n_days = bounds["hi"] // 24 - first_day + 1

    # dense station codes: an offset for compact integer ids, a lookup otherwise
    span = bounds["st_hi"] - bounds["st_lo"] + 1
    if integer_station and span * n_days * 24 <= 4 * base.height + 1_000_000:
        n_codes = span
        code = pl.col("__station").cast(pl.Int64) - bounds["st_lo"]
        stations = None
    else:
        stations = base.select(pl.col("__station").unique().sort()).to_series()
        n_codes = stations.len()
        code = pl.col("__station").replace_strict(stations, pl.int_range(n_codes, eager=True, dtype=pl.Int64))
    base = (
        base.lazy()
        .select(
            (code * (n_days * 24) + (hour - first_day * 24)).alias("slot"),
            *[pl.col(p) for p in present],
        )
        .collect()
    )
    scaled = {pollutant: (pl.col(pollutant), scale) for pollutant, (_, scale) in scaled.items()}
    n_slots = n_codes * n_days * 24
    slots = base["slot"]
    # Fast path: one row per station-hour, sorted (missing hours as nulls) — the table is its own grid.
    dense = base.height == n_slots and bool(
        (slots == pl.int_range(n_slots, eager=True, dtype=pl.Int64)).all()
    )
    if not dense and slots.n_unique() != base.height:
        raise ValueError("duplicate rows for the same station and hour")

    if dense:
        daily = _dense_daily(base, list(present))
    else:
        daily = _grouped_daily(base, list(present))

    outputs: list[pl.Expr] = []
    for pollutant in POLLUTANTS:
        if pollutant == "O3":
            continue
        item = f"{pollutant}_24H"
        decimals = DECIMALS[pollutant]
        if pollutant not in present:
            outputs += [
                pl.lit(None, pl.Decimal(38, decimals)).alias(item),
                pl.lit(0, pl.UInt32).alias(f"{item}_n"),
            ]
            continue
        scale = scaled[pollutant][1]
        count = pl.col(f"{pollutant}_count")
        value = round_half_even(
            pl.col(f"{pollutant}_sum").cast(pl.Int64) * 10**decimals, count.cast(pl.Int64) * 10**scale
        )
        outputs += [
            to_decimal(pl.when(count >= MIN_HOURS_PER_DAY).then(value), decimals).alias(item),
            count.cast(pl.UInt32).alias(f"{item}_n"),
        ]
    if "O3" in present:
        scale = scaled["O3"][1]
        count = pl.col("O3_count")
        value = round_half_even(pl.col("O3_max").cast(pl.Int64), 10**scale)
        grid = base["O3"] if dense else _scatter(slots, base["O3"], n_slots)
        o3 = _o3_daily_max_8h(grid, scale)
        daily = daily.with_columns(o3.gather(daily["sd"]).struct.unnest())
        outputs += [
            to_decimal(pl.when(count >= MIN_HOURS_PER_DAY).then(value), 0).alias("O3_1H"),
            count.cast(pl.UInt32).alias("O3_1H_n"),
            pl.col("O3_8H").cast(pl.Decimal(38, 0)),
            pl.col("O3_8H_n"),
        ]
    else:
        outputs += [
            pl.lit(None, pl.Decimal(38, 0)).alias("O3_1H"),
            pl.lit(0, pl.UInt32).alias("O3_1H_n"),
            pl.lit(None, pl.Decimal(38, 0)).alias("O3_8H"),
            pl.lit(0, pl.UInt32).alias("O3_8H_n"),
        ]
    code_of_row = pl.col("sd") // n_days
    station_expr = (
        (code_of_row + bounds["st_lo"]).cast(station_dtype)
        if stations is None
        else code_of_row.replace_strict(pl.int_range(n_codes, eager=True, dtype=pl.Int64), stations)
    )
    first_date = date.fromordinal(
        date(1970, 1, 1).toordinal() + first_day
    )  # first_day counts days since 1970
    ordered = [name for item in DAILY_ITEMS for name in (item, f"{item}_n")]
    return (
        daily.lazy()
        .select(
            station_expr.alias(station),
            (pl.lit(first_date) + pl.duration(days=pl.col("sd") % n_days)).cast(pl.Date).alias("date"),
            *outputs,
        )
        .select(station, "date", *ordered)
        .collect()
    )


def _dense_daily(base: pl.DataFrame, pollutants: Sequence[str]) -> pl.DataFrame:
    """Daily sums, counts and the O3 maximum when ``base`` is the full station × hour grid in order."""
    # arr.sum is much faster without nulls, so sums are taken on a zero-filled copy
    grid = pl.DataFrame(
        {
            **{pollutant: base[pollutant].reshape((-1, 24)) for pollutant in pollutants},
            **{
                f"{pollutant}__filled": base[pollutant].fill_null(0).reshape((-1, 24))
                for pollutant in pollutants
            },
        }
    )
    aggregations: list[pl.Expr] = [pl.int_range(pl.len(), dtype=pl.Int64).alias("sd")]
    for pollutant in pollutants:
        column = pl.col(pollutant)
        if pollutant == "O3":
            aggregations.append(column.arr.max().alias("O3_max"))
        else:
            aggregations.append(pl.col(f"{pollutant}__filled").arr.sum().alias(f"{pollutant}_sum"))
        aggregations.append((24 - column.arr.count_matches(None)).cast(pl.UInt32).alias(f"{pollutant}_count"))
    return grid.lazy().select(aggregations).collect()


def _grouped_daily(base: pl.DataFrame, pollutants: Sequence[str]) -> pl.DataFrame:
    """Daily sums, counts and the O3 maximum for any set of station-hour rows."""
    aggregations: list[pl.Expr] = [pl.len().alias("rows")]
    for pollutant in pollutants:
        if pollutant == "O3":
            aggregations.append(pl.col("O3").max().alias("O3_max"))
        else:
            aggregations.append(pl.col(pollutant).sum().alias(f"{pollutant}_sum"))
        aggregations.append(pl.col(pollutant).count().alias(f"{pollutant}_count"))
    return base.lazy().group_by(sd=pl.col("slot") // 24).agg(aggregations).sort("sd").collect()


def _scatter(slots: pl.Series, values: pl.Series, size: int) -> pl.Series:
    """Values placed at their slots of a null grid of ``size``."""
    present = values.is_not_null()
    grid = pl.repeat(None, size, dtype=pl.Int64, eager=True)
    return grid.scatter(
        slots.filter(present).cast(pl.get_index_type()), values.filter(present).cast(pl.Int64)
    )


# lcm(6, 7, 8) = 168: an 8-hour mean with n valid hours compares as sum·(168/n), an exact integer
_WINDOW_LCM = 168


def _o3_daily_max_8h(grid: pl.Series, scale: int) -> pl.Series:
    """O3 daily max 8-h and valid-window count per station-day (a struct Series), from the hourly grid.

    ``grid`` holds 24 hourly values per station-day in order (``null`` = missing), so each day is a
    row of 24 columns and the 17 windows ending at hours 7 … 23 (08:00 … 24:00 end labels) are sums of
    8 columns that never leave the day. Windows are compared by the exact integer ``sum·168/n``
    (``n`` = 6, 7 or 8 valid hours); the largest is then rounded half to even.
    """
    hours = grid.cast(pl.Int64).reshape((-1, 24)).to_frame("h").lazy()
    hours = hours.select([pl.col("h").arr.get(i).alias(f"h{i}") for i in range(24)])
    window_sums = []
    for end in O3_WINDOW_ENDS:
        columns = [f"h{i}" for i in range(end - 7, end + 1)]
        window_sums += [
            pl.sum_horizontal(columns).alias(f"s{end}"),
            pl.sum_horizontal([pl.col(c).is_not_null().cast(pl.Int64) for c in columns]).alias(f"n{end}"),
        ]
    keys = [
        pl.when(pl.col(f"n{end}") >= MIN_HOURS_PER_8H)
        .then(pl.col(f"s{end}") * (_WINDOW_LCM // pl.col(f"n{end}")))
        .alias(f"k{end}")
        for end in O3_WINDOW_ENDS
    ]
    key_columns = [f"k{end}" for end in O3_WINDOW_ENDS]
    limit = int(O3_8H_LIMIT)  # an integer µg/m³; the window means are rounded to integers
    best = round_half_even(pl.col("key"), _WINDOW_LCM * 10**scale)
    return (
        hours.select(window_sums)
        .select(keys)
        .select(
            key=pl.max_horizontal(key_columns),
            O3_8H_n=pl.sum_horizontal([pl.col(c).is_not_null().cast(pl.UInt32) for c in key_columns]),
        )
        .select(
            pl.struct(
                pl.when(
                    pl.col("key").is_not_null() & ((pl.col("O3_8H_n") >= MIN_O3_WINDOWS) | (best > limit))
                )
                .then(best)
                .alias("O3_8H"),
                pl.col("O3_8H_n").cast(pl.UInt32),
            ).alias("o3")
        )
        .collect()
        .to_series()
    )


def _empty_daily(station_dtype: pl.DataType, station: str) -> pl.DataFrame:
    schema: dict[str, pl.DataType] = {station: station_dtype, "date": pl.Date()}
    for item in DAILY_ITEMS:
        schema[item] = pl.Decimal(38, DECIMALS[ITEM_POLLUTANT[item]])
        schema[f"{item}_n"] = pl.UInt32()
    return pl.DataFrame(schema=schema)


# --------------------------------------------------------------------------------------------------
# stations → city


def city_daily_frame(
    daily_station: pl.DataFrame | pl.LazyFrame,
    stations: pl.DataFrame | Mapping[object, object],
    *,
    station: str = "station",
    city: str = "city",
    date_column: str = "date",
) -> pl.DataFrame:
    """City daily values: mean of the valid station values of each item (HJ 663-2013).

    Parameters
    ----------
    daily_station
        Output of :func:`daily_station_frame` (or any frame with ``station, date`` and item columns).
    stations
        Station → city, as a frame with ``station`` and ``city`` columns or a mapping.
    station, city, date_column
        Column names.

    Returns
    -------
    pl.DataFrame
        ``city, date``, every item present (``Decimal``, rounded per GB/T 8170; ``null`` when no
        station is valid) and ``<item>_n`` = number of valid stations.

    Raises
    ------
    ValueError
        A station without a city.
    """
    frame = collect(daily_station)
    if isinstance(stations, Mapping):
        mapping = pl.DataFrame({station: list(stations.keys()), city: list(stations.values())})
    else:
        mapping = stations.select(station, city)
    mapping = mapping.with_columns(pl.col(station).cast(frame.schema[station]))
    joined = frame.join(mapping, on=station, how="left")
    unmapped = joined.filter(pl.col(city).is_null())[station].unique()
    if unmapped.len():
        raise ValueError(f"stations without a city: {unmapped.head(10).to_list()}")
    items = [item for item in DAILY_ITEMS if item in frame.columns]
    scaled = {item: scaled_column(item, frame.schema[item]) for item in items}
    aggregations: list[pl.Expr] = []
    for item, (expr, _) in scaled.items():
        aggregations += [expr.sum().alias(f"{item}__sum"), expr.count().alias(f"{item}_n")]
    grouped = joined.lazy().group_by(city, date_column).agg(aggregations).collect()
    outputs: list[pl.Expr] = [pl.col(city), pl.col(date_column)]
    for item, (_, scale) in scaled.items():
        decimals = DECIMALS[ITEM_POLLUTANT[item]]
        count = pl.col(f"{item}_n")
        value = round_half_even(pl.col(f"{item}__sum") * 10**decimals, count.cast(pl.Int64) * 10**scale)
        outputs += [to_decimal(pl.when(count > 0).then(value), decimals).alias(item), count]
    return grouped.select(outputs).sort(city, date_column)
