"""Vectorised (polars) versions of the air computations, exact like the scalar path.

Pipeline: hourly station frame → :func:`daily_station_frame` → :func:`city_daily_frame` →
:func:`daily_aqi_frame` (stations or cities) → :func:`annual_city_statistics`.

How exactness is kept (no float enters a rounding or a ceiling):

* every concentration column is turned into **integers scaled by 10^s**: integer columns as they are
  (``s = 0``), ``Decimal`` columns by their scale, ``Float64`` columns with ``s = 3`` after checking,
  value by value, that ``round(x·1000)/1000`` gives back exactly ``x`` — i.e. that the float's shortest
  decimal representation (the one the scalar path reads) has at most 3 decimals; otherwise
  ``ValueError`` (cast such data to ``Decimal`` first);
* a mean is kept as the pair (integer sum, count) and rounded half-to-even (GB/T 8170) with integer
  floor division and remainder; an IAQI is ``IAQI_Lo + ceil((IAQI_Hi − IAQI_Lo)·(C − BP_Lo) /
  (BP_Hi − BP_Lo))`` in integers (the Table 1 breakpoints are integers), so the ceiling is exact;
* the HJ 663 percentile has ``k − s = ((n − 1)·p mod 100)/100`` for integer ``p``, so it is an integer
  divided by ``100·10^s``;
* reported concentrations leave as polars ``Decimal`` columns with the reporting scale (0, CO 1).

The results equal the scalar functions of :mod:`calc.air.aqi` and :mod:`calc.air.assessment`; the
property tests in ``tests/calc/air/test_bulk.py`` compare them on random data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import polars as pl

from calc.air.aqi import FIXED_ABOVE_800_2026, REPORT_DAILY, REPORT_ITEMS, RULE_2026_FROM, resolve_rule
from calc.air.assessment import (
    ANNUAL_STATISTICS,
    DECIMALS,
    ITEM_POLLUTANT,
    MIN_DAYS_FEBRUARY,
    MIN_DAYS_PER_MONTH,
    MIN_DAYS_PER_YEAR,
    MIN_HOURS_PER_8H,
    MIN_HOURS_PER_DAY,
    MIN_O3_WINDOWS,
    O3_8H_LIMIT,
    O3_WINDOW_ENDS,
)
from calc.air.tables import RULE_2012, RULE_2026, breakpoint_table, levels

POLLUTANTS: tuple[str, ...] = ("SO2", "NO2", "PM10", "PM25", "CO", "O3")
"""Hourly pollutant columns (default names) of the input frame."""

DAILY_ITEMS: tuple[str, ...] = ("SO2_24H", "NO2_24H", "PM10_24H", "CO_24H", "O3_1H", "O3_8H", "PM25_24H")
"""Daily-report items, in the order of HJ 633-2012 §5.1 (Table 3)."""

_FLOAT_SCALE = 3
_MAX_FLOAT = 1e9


# --------------------------------------------------------------------------------------------------
# exact integer helpers


def _round_half_even(numerator: pl.Expr, denominator: pl.Expr | int) -> pl.Expr:
    """``numerator / denominator`` rounded half to even; both integers, denominator > 0."""
    quotient = numerator // denominator
    twice_remainder = (numerator - quotient * denominator) * 2
    up = (twice_remainder > denominator) | ((twice_remainder == denominator) & (quotient % 2 != 0))
    return quotient + up.cast(pl.Int64)


def _ceil_div(numerator: pl.Expr, denominator: int) -> pl.Expr:
    """Ceiling of ``numerator / denominator`` for integers, denominator > 0."""
    return -((-numerator) // denominator)


def _to_decimal(scaled: pl.Expr, decimals: int) -> pl.Expr:
    """Integers in units of ``10**-decimals`` → polars ``Decimal(38, decimals)`` (exact)."""
    if decimals == 0:
        return scaled.cast(pl.Decimal(38, 0))
    from decimal import Decimal

    unit = Decimal(1).scaleb(-decimals)
    return (scaled.cast(pl.Decimal(38, decimals)) * pl.lit(unit)).cast(pl.Decimal(38, decimals))


def _scale_of(dtype: pl.DataType, name: str) -> int:
    if dtype.is_integer():
        return 0
    if isinstance(dtype, pl.Decimal):
        return int(dtype.scale or 0)
    if dtype.is_float():
        return _FLOAT_SCALE
    if dtype == pl.Null:
        return 0
    raise TypeError(f"column {name!r} has dtype {dtype}, expected integers, floats or Decimal")


def _scaled(name: str, dtype: pl.DataType) -> tuple[pl.Expr, int]:
    """Expression giving column ``name`` as Int64 scaled by ``10**scale``, and that scale."""
    scale = _scale_of(dtype, name)
    column = pl.col(name)
    if dtype.is_integer() or dtype == pl.Null:
        return column.cast(pl.Int64), 0
    if isinstance(dtype, pl.Decimal):
        return (column * pl.lit(10**scale)).cast(pl.Int64), scale
    return (column * 10**scale).round().cast(pl.Int64), scale


def _float_is_short(column: pl.Expr) -> pl.Expr:
    """True where a non-negative Float64 ``x`` is the double nearest to ``round(x·1000)/1000``.

    That is: the shortest decimal form of ``x`` (what ``repr`` prints and the scalar path reads) has
    at most 3 decimals, so ``round(x·1000)`` is exactly that decimal scaled by 1000. Decided in integer
    arithmetic on the IEEE-754 bits, ``x = m·2^-k``: ``|r·2^k − 1000·m| < 500`` (half an ulp, a quarter
    below a power of two), evaluated as ``|r·2^(k−3) − 125·m| ≤ 62`` to stay inside Int64.
    """
    x = column.cast(pl.Float64)
    r = (x * 10**_FLOAT_SCALE).round().cast(pl.Int64)
    bits = x.reinterpret(dtype=pl.Int64)
    exponent = bits // 2**52
    mantissa = bits % 2**52 + 2**52
    shift = (1072 - exponent).clip(0, 62)
    diff = r * pl.lit(2, pl.Int64).pow(shift.cast(pl.UInt32)) - mantissa * 125
    near = (diff.abs() <= 62) & ~((mantissa == 2**52) & (diff < -31))
    return (
        pl.when(x == 0)
        .then(True)
        .when(x.is_nan() | (x >= _MAX_FLOAT) | (r == 0) | (1072 - exponent < 0))
        .then(False)
        .otherwise(near)
    )


def _check_floats(frame: pl.DataFrame, columns: Sequence[str]) -> None:
    """Refuse negative values, and float values whose shortest decimal form has more than 3 decimals.

    Float columns are checked on their distinct values (monitoring data repeat few values).
    """
    columns = [name for name in columns if frame.schema[name] != pl.Null]
    if not columns:
        return
    minima = frame.lazy().select([pl.col(name).min() for name in columns]).collect().row(0, named=True)
    for name, minimum in minima.items():
        if minimum is not None and minimum < 0:
            raise ValueError(f"column {name!r} has negative concentrations")
    for name in columns:
        if not frame.schema[name].is_float():
            continue
        distinct = frame.lazy().select(pl.col(name).drop_nulls().unique()).collect()
        if distinct.select((~_float_is_short(pl.col(name))).any()).item():
            raise ValueError(
                f"column {name!r} has float values with more than {_FLOAT_SCALE} decimals (or NaN/huge); "
                "cast it to pl.Decimal to keep them exact"
            )


def _collect(frame: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    return frame.collect() if isinstance(frame, pl.LazyFrame) else frame


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
    frame = lazy.select([pl.col(station), pl.col(time), *[pl.col(name) for name in present.values()]]).collect()
    if frame.height == 0:
        return _empty_daily(frame.schema[station], station)
    _check_floats(frame, list(present.values()))

    time_dtype = frame.schema[time]
    if not isinstance(time_dtype, pl.Datetime):
        raise TypeError(f"column {time!r} must be a Datetime, got {time_dtype}")
    wall = pl.col(time).dt.replace_time_zone(None) if time_dtype.time_zone else pl.col(time)
    epoch = wall.dt.epoch("s")
    if time_label == "end":
        epoch = epoch - 3600
    station_dtype = frame.schema[station]
    integer_station = station_dtype.is_integer()
    bounds = frame.lazy().select(
        lo=epoch.min(),
        hi=epoch.max(),
        off=(epoch % 3600 != 0).any(),
        nulls=pl.col(station).null_count() + pl.col(time).null_count(),
        n_st=pl.col(station).n_unique(),
        st_lo=pl.col(station).min() if integer_station else pl.lit(0),
        st_hi=pl.col(station).max() if integer_station else pl.lit(0),
    ).collect().row(0, named=True)
    if bounds["nulls"]:
        raise ValueError(f"columns {station!r} and {time!r} must not have nulls")
    if bounds["off"]:
        raise ValueError(f"column {time!r} has times that are not on the hour")
    first_day = bounds["lo"] // 86400
    n_days = bounds["hi"] // 86400 - first_day + 1

    # dense station codes: an offset for compact integer ids, a lookup otherwise
    if integer_station and bounds["st_hi"] - bounds["st_lo"] < 4 * bounds["n_st"] + 1024:
        n_codes = bounds["st_hi"] - bounds["st_lo"] + 1
        code = pl.col(station).cast(pl.Int64) - bounds["st_lo"]
        stations = None
    else:
        stations = frame.select(pl.col(station).unique().sort()).to_series()
        n_codes = stations.len()
        code = pl.col(station).replace_strict(stations, pl.int_range(n_codes, eager=True, dtype=pl.Int64))
    scaled = {pollutant: _scaled(name, frame.schema[name]) for pollutant, name in present.items()}
    base = frame.lazy().select(
        slot=code * (n_days * 24) + (epoch // 3600 - first_day * 24),
        **{pollutant: expr for pollutant, (expr, _) in scaled.items()},
    ).collect()
    n_slots = n_codes * n_days * 24
    slots = base["slot"]
    # Fast path: one row per station-hour, sorted (missing hours as nulls) — the table is its own grid.
    dense = base.height == n_slots and bool((slots == pl.int_range(n_slots, eager=True, dtype=pl.Int64)).all())
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
            outputs += [pl.lit(None, pl.Decimal(38, decimals)).alias(item), pl.lit(0, pl.UInt32).alias(f"{item}_n")]
            continue
        scale = scaled[pollutant][1]
        count = pl.col(f"{pollutant}_count")
        value = _round_half_even(pl.col(f"{pollutant}_sum") * 10**decimals, count.cast(pl.Int64) * 10**scale)
        outputs += [
            _to_decimal(pl.when(count >= MIN_HOURS_PER_DAY).then(value), decimals).alias(item),
            count.cast(pl.UInt32).alias(f"{item}_n"),
        ]
    if "O3" in present:
        scale = scaled["O3"][1]
        count = pl.col("O3_count")
        value = _round_half_even(pl.col("O3_max"), 10**scale)
        grid = base["O3"] if dense else _scatter(slots, base["O3"], n_slots)
        o3 = _o3_daily_max_8h(grid, scale)
        daily = daily.with_columns(o3.gather(daily["sd"]).struct.unnest())
        outputs += [
            _to_decimal(pl.when(count >= MIN_HOURS_PER_DAY).then(value), 0).alias("O3_1H"),
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
    first_date = date.fromordinal(date(1970, 1, 1).toordinal() + first_day)
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
    columns: dict[str, pl.Series] = {"sd": pl.int_range(base.height // 24, eager=True, dtype=pl.Int64)}
    for pollutant in pollutants:
        values = base[pollutant]
        grid = values.reshape((-1, 24)).to_frame("v")
        count = values.is_not_null().cast(pl.UInt8).reshape((-1, 24)).to_frame("v").select(pl.col("v").arr.sum()).to_series()
        if pollutant == "O3":
            columns["O3_max"] = grid.select(pl.col("v").arr.max()).to_series()
        else:
            columns[f"{pollutant}_sum"] = grid.select(pl.col("v").arr.sum()).to_series()
        columns[f"{pollutant}_count"] = count.cast(pl.UInt32)
    return pl.DataFrame(columns)


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
    return grid.scatter(slots.filter(present).cast(pl.get_index_type()), values.filter(present))


# lcm(6, 7, 8) = 168: an 8-hour mean with n valid hours compares as sum·(168/n), an exact integer
_WINDOW_LCM = 168
_WINDOW_FACTOR = pl.Series([0] * MIN_HOURS_PER_8H + [_WINDOW_LCM // n for n in range(MIN_HOURS_PER_8H, 9)], dtype=pl.Int64)


def _o3_daily_max_8h(grid: pl.Series, scale: int) -> pl.Series:
    """O3 daily max 8-h and valid-window count per station-day (a struct Series), from the hourly grid.

    ``grid`` holds 24 hourly values per station-day (``null`` = missing). An 8-hour window is a
    difference of cumulative sums; only windows ending at hours 7 … 23 of a day (08:00 … 24:00 end
    labels) are kept, so none leaves its day. Windows are compared by the exact integer
    ``sum·168/n`` (``n`` = 6, 7 or 8 valid hours); the largest is then rounded half to even.
    """
    values = grid.fill_null(0).cum_sum()
    counts = grid.is_not_null().cast(pl.Int32).cum_sum()
    total = values - values.shift(8, fill_value=0)
    count = counts - counts.shift(8, fill_value=0)
    factor = _WINDOW_FACTOR.gather(count)
    valid = (factor > 0) & ((pl.int_range(grid.len(), eager=True, dtype=pl.Int64) % 24) >= O3_WINDOW_ENDS[0])
    key = (total * factor + 1) * valid.cast(pl.Int64) - 1  # −1 marks an invalid window
    per_day = pl.DataFrame({"key": key.reshape((-1, 24)), "ok": valid.cast(pl.UInt8).reshape((-1, 24))})
    limit = int(O3_8H_LIMIT)  # an integer µg/m³; the window means are rounded to integers
    best = _round_half_even(pl.col("key"), _WINDOW_LCM * 10**scale)
    return (
        per_day.lazy()
        .select(key=pl.col("key").arr.max(), O3_8H_n=pl.col("ok").arr.sum().cast(pl.UInt32))
        .select(
            pl.struct(
                pl.when((pl.col("key") >= 0) & ((pl.col("O3_8H_n") >= MIN_O3_WINDOWS) | (best > limit)))
                .then(best)
                .alias("O3_8H"),
                pl.col("O3_8H_n"),
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
    frame = _collect(daily_station)
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
    scaled = {item: _scaled(item, frame.schema[item]) for item in items}
    aggregations: list[pl.Expr] = []
    for item, (expr, _) in scaled.items():
        aggregations += [expr.sum().alias(f"{item}__sum"), expr.count().alias(f"{item}_n")]
    grouped = joined.lazy().group_by(city, date_column).agg(aggregations).collect()
    outputs: list[pl.Expr] = [pl.col(city), pl.col(date_column)]
    for item, (_, scale) in scaled.items():
        decimals = DECIMALS[ITEM_POLLUTANT[item]]
        count = pl.col(f"{item}_n")
        value = _round_half_even(pl.col(f"{item}__sum") * 10**decimals, count.cast(pl.Int64) * 10**scale)
        outputs += [_to_decimal(pl.when(count > 0).then(value), decimals).alias(item), count]
    return grouped.select(outputs).sort(city, date_column)


# --------------------------------------------------------------------------------------------------
# daily IAQI / AQI


def _iaqi_expr(item: str, value: pl.Expr, scale: int, rule: str) -> pl.Expr:
    """IAQI of ``item`` from integers scaled by ``10**scale`` under ``rule`` (式1, ceiling, cap 500)."""
    segments = breakpoint_table(rule)[item]
    factor = 10**scale
    chain = pl.when(value.is_null()).then(pl.lit(None, pl.Int64))
    for segment in segments:
        lo, hi = int(segment.bp_lo) * factor, int(segment.bp_hi) * factor
        piece = segment.iaqi_lo + _ceil_div((value - lo) * (segment.iaqi_hi - segment.iaqi_lo), hi - lo)
        chain = chain.when(value <= hi).then(piece)
    return chain.otherwise(segments[-1].iaqi_hi)


def _item_list(items: Sequence[str], conditions: Sequence[pl.Expr]) -> pl.Expr:
    """List of the items whose condition holds, in order (a bitmask looked up in a table of all lists).

    Building lists row by row from string literals is slow in polars; a mask of at most 2^7 values
    gathering from a precomputed Series is not.
    """
    mask = pl.sum_horizontal([pl.when(condition).then(1 << bit).otherwise(0) for bit, condition in enumerate(conditions)])
    table = pl.Series(
        [[item for bit, item in enumerate(items) if code >> bit & 1] for code in range(1 << len(items))],
        dtype=pl.List(pl.String),
    )
    return pl.lit(table).gather(mask)


def _labels(aqi: pl.Expr, attribute: str) -> pl.Expr:
    """Table 2 label of each AQI (a band index gathered from the labels)."""
    rows = levels()
    band = pl.lit(len(rows) - 1, pl.Int64)
    for index in reversed(range(len(rows) - 1)):
        band = pl.when(aqi <= rows[index].aqi_max).then(pl.lit(index, pl.Int64)).otherwise(band)
    labels = pl.Series([getattr(row, attribute) for row in rows], dtype=pl.String)
    return pl.when(aqi.is_not_null()).then(pl.lit(labels).gather(pl.when(aqi.is_not_null()).then(band).otherwise(0)))


def _rule_columns(lazy: pl.LazyFrame, schema: Mapping[str, pl.DataType], rule: str) -> pl.LazyFrame:
    """Add ``__<rule>_<name>`` columns: IAQI per item, aqi, aqi_of_present and the three lists."""
    tag = f"__{rule}_"
    items = REPORT_ITEMS[(rule, REPORT_DAILY)]
    present = [item for item in items if item in schema]
    # stage 1: the value entered into 式1 (HJ 633-2026 §4.2.2 rounds it), as scaled integers
    values: dict[str, tuple[pl.Expr, int]] = {}
    for item in present:
        expr, scale = _scaled(item, schema[item])
        if rule == RULE_2026:
            decimals = DECIMALS[ITEM_POLLUTANT[item]]
            if scale > decimals:
                expr, scale = _round_half_even(expr, 10 ** (scale - decimals)), decimals
        values[item] = (expr, scale)
    lazy = lazy.with_columns([expr.alias(f"{tag}v_{item}") for item, (expr, _) in values.items()])
    # stage 2: IAQI per item
    iaqis = {item: _iaqi_expr(item, pl.col(f"{tag}v_{item}"), scale, rule) for item, (_, scale) in values.items()}
    lazy = lazy.with_columns([expr.cast(pl.Int64).alias(f"{tag}{item}") for item, expr in iaqis.items()])
    lazy = lazy.with_columns([pl.lit(None, pl.Int64).alias(f"{tag}{item}") for item in items if item not in values])
    # stage 3: O3 8-h above 800 (HJ 633-2012 note 3: the O3 1-h IAQI; HJ 633-2026 note c: 300)
    if "O3_8H" in values:
        scale = values["O3_8H"][1]
        substitute = (
            pl.lit(FIXED_ABOVE_800_2026["O3_8H"], pl.Int64) if rule == RULE_2026 else pl.col(f"{tag}O3_1H")
        )
        lazy = lazy.with_columns(
            pl.when(pl.col(f"{tag}v_O3_8H") > 800 * 10**scale)
            .then(substitute)
            .otherwise(pl.col(f"{tag}O3_8H"))
            .alias(f"{tag}O3_8H")
        )
    # stage 4: AQI (式2) and its publication
    columns = [pl.col(f"{tag}{item}") for item in items]
    n_missing = pl.sum_horizontal([column.is_null().cast(pl.Int64) for column in columns])
    lazy = lazy.with_columns(pl.max_horizontal(columns).alias(f"{tag}aqi_of_present"), n_missing.alias(f"{tag}n_missing"))
    of_present = pl.col(f"{tag}aqi_of_present")
    if rule == RULE_2026:
        published = pl.when((pl.col(f"{tag}n_missing") > 0) & (of_present <= 100)).then(None).otherwise(of_present)
    else:
        published = of_present
    lazy = lazy.with_columns(published.cast(pl.Int64).alias(f"{tag}aqi"))
    aqi = pl.col(f"{tag}aqi")
    lists = {
        "primary_pollutants": _item_list(items, [(column == aqi) & (aqi > 50) for column in columns]),
        "missing": _item_list(items, [column.is_null() for column in columns]),
        "non_attainment_pollutants": (
            pl.lit(None, pl.List(pl.String)) if rule == RULE_2026 else _item_list(items, [column > 100 for column in columns])
        ),
    }
    lazy = lazy.with_columns([expr.alias(f"{tag}{name}") for name, expr in lists.items()])
    return lazy


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
    frame = _collect(daily)
    schema = frame.schema
    _check_floats(frame, [item for item in DAILY_ITEMS if item in schema])
    if rule is not None:
        needed: tuple[str, ...] = (resolve_rule(rule),)
    else:
        if date_column not in schema:
            raise ValueError(f"no {date_column!r} column to choose the rule by date; pass rule=")
        first, last = frame.select(
            pl.col(date_column).cast(pl.Date).min().alias("first"), pl.col(date_column).cast(pl.Date).max().alias("last")
        ).row(0)
        needed = tuple(
            r for r, used in ((RULE_2012, first is not None and first < RULE_2026_FROM), (RULE_2026, last is not None and last >= RULE_2026_FROM)) if used
        ) or (RULE_2012,)
    if len(needed) == 1:
        rule_expr = pl.lit(needed[0])
    else:
        rule_expr = pl.when(pl.col(date_column).cast(pl.Date) >= RULE_2026_FROM).then(pl.lit(RULE_2026)).otherwise(pl.lit(RULE_2012))
    lazy = frame.lazy().with_columns(rule_expr.alias("rule"))
    for r in needed:
        lazy = _rule_columns(lazy, schema, r)

    def pick(name: str) -> pl.Expr:
        if len(needed) == 1:
            return pl.col(f"__{needed[0]}_{name}")
        return pl.when(pl.col("rule") == RULE_2026).then(pl.col(f"__{RULE_2026}_{name}")).otherwise(pl.col(f"__{RULE_2012}_{name}"))

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
    keep = [*schema.keys(), "rule", *[f"{item}_iaqi" for item in DAILY_ITEMS], *names, "level", "category", "colour"]
    return lazy.select(keep).collect()


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
        ``P_valid`` (≥ 324 days, ≥ 27 per month, February ≥ 25), ``P_mean`` (SO2, NO2, PM10, PM2.5) and
        ``P_pNN`` (98th SO2/NO2, 95th PM10/PM2.5/CO, 90th O3 daily max 8-h), ``Decimal`` rounded per
        GB/T 8170; then ``good_days``, ``aqi_valid_days`` and ``good_days_ratio`` (优良天数比例 %, 1
        decimal). Equal to :func:`calc.air.assessment.annual_statistic` / ``good_days_ratio``.
    """
    frame = _collect(daily)
    _check_floats(frame, [item for item in ANNUAL_STATISTICS if item in frame.columns])
    frame = frame.with_columns(
        pl.col(date_column).cast(pl.Date).dt.year().alias("year"),
        pl.col(date_column).cast(pl.Date).dt.month().alias("__month"),
    )
    items = [item for item in ANNUAL_STATISTICS if item in frame.columns]
    scaled = {item: _scaled(item, frame.schema[item]) for item in items}
    base = frame.select(
        pl.col(key), pl.col("year"), pl.col("__month"), *[expr.alias(item) for item, (expr, _) in scaled.items()],
        *([pl.col(aqi_column).alias("__aqi")] if aqi_column in frame.columns else []),
    )

    monthly = (
        base.lazy()
        .group_by(key, "year", "__month")
        .agg([pl.col(item).count().alias(item) for item in items])
        .with_columns(
            [
                (pl.col(item) >= pl.when(pl.col("__month") == 2).then(MIN_DAYS_FEBRUARY).otherwise(MIN_DAYS_PER_MONTH))
                .cast(pl.Int64)
                .alias(f"{item}__ok")
                for item in items
            ]
        )
        .group_by(key, "year")
        .agg([pl.col(f"{item}__ok").sum() for item in items])
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
                .then(_round_half_even(column.sum() * 10**decimals, count.cast(pl.Int64) * 10**scale))
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
            .then(_round_half_even(numerator * 10**decimals, 100 * 10**scale))
            .alias(f"{name}_p{p}")
        )
    if "__aqi" in base.columns:
        aggregations += [
            (pl.col("__aqi") <= 100).sum().cast(pl.Int64).alias("good_days"),
            pl.col("__aqi").count().cast(pl.Int64).alias("aqi_valid_days"),
        ]
    annual = base.lazy().group_by(key, "year").agg(aggregations).join(monthly, on=[key, "year"], how="left").collect()

    outputs: list[pl.Expr] = [pl.col(key), pl.col("year")]
    for item in items:
        with_mean, p = ANNUAL_STATISTICS[item]
        decimals = DECIMALS[ITEM_POLLUTANT[item]]
        name = _annual_name(item)
        outputs.append(pl.col(f"{name}_n_days"))
        outputs.append(
            ((pl.col(f"{name}_n_days") >= MIN_DAYS_PER_YEAR) & (pl.col(f"{item}__ok") == 12)).alias(f"{name}_valid")
        )
        if with_mean:
            outputs.append(_to_decimal(pl.col(f"{name}_mean"), decimals).alias(f"{name}_mean"))
        outputs.append(_to_decimal(pl.col(f"{name}_p{p}"), decimals).alias(f"{name}_p{p}"))
    if "good_days" in annual.columns:
        outputs += [
            pl.col("good_days"),
            pl.col("aqi_valid_days"),
            _to_decimal(
                pl.when(pl.col("aqi_valid_days") > 0).then(
                    _round_half_even(pl.col("good_days") * 1000, pl.col("aqi_valid_days"))
                ),
                1,
            ).alias("good_days_ratio"),
        ]
    return annual.select(outputs).sort(key, "year")


def _annual_name(item: str) -> str:
    return "O3_8H" if item == "O3_8H" else item.removesuffix("_24H")


__all__ = [
    "DAILY_ITEMS",
    "POLLUTANTS",
    "annual_city_statistics",
    "city_daily_frame",
    "daily_aqi_frame",
    "daily_station_frame",
]
