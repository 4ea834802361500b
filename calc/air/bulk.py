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
from calc.air.tables import RULE_2012, RULE_2026, RULES, breakpoint_table, levels

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


def _check_floats(frame: pl.DataFrame, columns: Sequence[str]) -> None:
    """Refuse float values whose shortest decimal form has more than 3 decimals, and negatives."""
    checks = []
    for name in columns:
        dtype = frame.schema[name]
        column = pl.col(name)
        checks.append((column < 0).any().alias(f"{name}__neg"))
        if dtype.is_float():
            back = (column * 10**_FLOAT_SCALE).round() / 10**_FLOAT_SCALE
            checks.append(((back != column) | (column.abs() >= _MAX_FLOAT) | column.is_nan()).any().alias(f"{name}__inexact"))
    if not checks:
        return
    flags = frame.select(checks).row(0, named=True)
    for key, bad in flags.items():
        if bad:
            name, problem = key.split("__")
            if problem == "neg":
                raise ValueError(f"column {name!r} has negative concentrations")
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
        the O3 daily max 1-h, valid 8-h windows behind ``O3_8H``. The same as
        :func:`calc.air.assessment.station_daily` for each station-day.

    Raises
    ------
    ValueError
        Duplicate station-hours, times not on the hour, negative or over-precise values.
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
    _check_floats(frame, list(present.values()))

    time_dtype = frame.schema[time]
    if not isinstance(time_dtype, pl.Datetime):
        raise TypeError(f"column {time!r} must be a Datetime, got {time_dtype}")
    wall = pl.col(time).dt.replace_time_zone(None) if time_dtype.time_zone else pl.col(time)
    epoch = wall.dt.epoch("s")
    if time_label == "end":
        epoch = epoch - 3600
    bounds = frame.select(
        lo=epoch.min(), hi=epoch.max(), off=(epoch % 3600 != 0).any(), n_st=pl.col(station).n_unique()
    ).row(0, named=True)
    if frame.height == 0:
        return _empty_daily(frame.schema[station], station)
    if bounds["off"]:
        raise ValueError(f"column {time!r} has times that are not on the hour")
    first_hour = (bounds["lo"] // 86400) * 24
    n_days = (bounds["hi"] // 86400) - (bounds["lo"] // 86400) + 1

    stations = frame.select(pl.col(station).unique().sort()).to_series()
    if stations.null_count():
        raise ValueError(f"column {station!r} has nulls")
    code = pl.col(station).replace_strict(stations, pl.int_range(stations.len(), eager=True, dtype=pl.Int64))
    scaled = {pollutant: _scaled(name, frame.schema[name]) for pollutant, name in present.items()}
    base = frame.select(
        code=code,
        hour=(epoch // 3600 - first_hour),
        **{pollutant: expr for pollutant, (expr, _) in scaled.items()},
    ).with_columns(day=pl.col("hour") // 24)

    # duplicates: each (station, hour) must occur once
    positions = base["code"] * (n_days * 24) + base["hour"]
    dense_size = stations.len() * n_days * 24
    if positions.n_unique() != base.height:
        raise ValueError("duplicate rows for the same station and hour")

    aggregations: list[pl.Expr] = []
    for pollutant in present:
        if pollutant == "O3":
            aggregations += [pl.col("O3").max().alias("O3_max"), pl.col("O3").count().alias("O3_count")]
        else:
            aggregations += [pl.col(pollutant).sum().alias(f"{pollutant}_sum"), pl.col(pollutant).count().alias(f"{pollutant}_count")]
    daily = base.lazy().group_by("code", "day").agg(aggregations).collect()

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
            count.alias(f"{item}_n"),
        ]
    if "O3" in present:
        scale = scaled["O3"][1]
        count = pl.col("O3_count")
        value = _round_half_even(pl.col("O3_max"), 10**scale)
        outputs += [
            _to_decimal(pl.when(count >= MIN_HOURS_PER_DAY).then(value), 0).alias("O3_1H"),
            count.alias("O3_1H_n"),
        ]
        o3 = _o3_daily_max_8h(base, scale, dense_size, n_days, positions)
        daily = daily.join(o3, on=["code", "day"], how="left")
        outputs += [pl.col("O3_8H").cast(pl.Decimal(38, 0)), pl.col("O3_8H_n").fill_null(0)]
    else:
        outputs += [
            pl.lit(None, pl.Decimal(38, 0)).alias("O3_1H"),
            pl.lit(0, pl.UInt32).alias("O3_1H_n"),
            pl.lit(None, pl.Decimal(38, 0)).alias("O3_8H"),
            pl.lit(0, pl.UInt32).alias("O3_8H_n"),
        ]
    start = date(1970, 1, 1).toordinal() + bounds["lo"] // 86400
    result = daily.select(
        pl.col("code"),
        pl.col("day"),
        *outputs,
    ).sort("code", "day")
    ordered = [f(item) for item in DAILY_ITEMS for f in (lambda i: i, lambda i: f"{i}_n")]
    return result.select(
        stations.gather(result["code"]).alias(station),
        (pl.lit(date.fromordinal(start)) + pl.duration(days=pl.col("day"))).cast(pl.Date).alias("date"),
        *ordered,
    )


def _o3_daily_max_8h(base: pl.DataFrame, scale: int, dense_size: int, n_days: int, positions: pl.Series) -> pl.DataFrame:
    """O3 daily max 8-h per (code, day): hourly values scattered into a dense station × day × 24 grid."""
    dense = pl.Series("o3", [None], dtype=pl.Int64).extend_constant(None, dense_size - 1)
    dense = dense.scatter(positions, base["O3"])
    hours = dense.reshape((-1, 24)).to_frame("h").select([pl.col("h").arr.get(i).alias(f"h{i}") for i in range(24)])
    window_means = []
    for end in O3_WINDOW_ENDS:
        cols = [f"h{i}" for i in range(end - 7, end + 1)]
        total = pl.sum_horizontal(cols)
        count = pl.sum_horizontal([pl.col(c).is_not_null().cast(pl.Int64) for c in cols])
        mean = _round_half_even(total, count * 10**scale)
        window_means.append(pl.when(count >= MIN_HOURS_PER_8H).then(mean).alias(f"w{end}"))
    windows = hours.select(window_means)
    cols = [f"w{end}" for end in O3_WINDOW_ENDS]
    limit_scaled = int(O3_8H_LIMIT)  # the limit is an integer µg/m³; means are rounded to integers
    result = windows.select(
        code=pl.int_range(pl.len(), dtype=pl.Int64) // n_days,
        day=pl.int_range(pl.len(), dtype=pl.Int64) % n_days,
        best=pl.max_horizontal(cols),
        O3_8H_n=pl.sum_horizontal([pl.col(c).is_not_null().cast(pl.UInt32) for c in cols]),
    )
    return result.filter(pl.col("O3_8H_n") > 0).select(
        "code",
        "day",
        pl.when((pl.col("O3_8H_n") >= MIN_O3_WINDOWS) | (pl.col("best") > limit_scaled))
        .then(pl.col("best"))
        .alias("O3_8H"),
        "O3_8H_n",
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
    """IAQI of ``item`` from integers scaled by ``10**scale`` under ``rule`` (no over-800 handling)."""
    segments = breakpoint_table(rule)[item]
    factor = 10**scale
    expr: pl.Expr | None = None
    chain = None
    for segment in segments:
        lo, hi = int(segment.bp_lo) * factor, int(segment.bp_hi) * factor
        piece = segment.iaqi_lo + _ceil_div((value - lo) * (segment.iaqi_hi - segment.iaqi_lo), hi - lo)
        chain = pl.when(value <= hi).then(piece) if chain is None else chain.when(value <= hi).then(piece)
    assert chain is not None
    expr = chain.otherwise(segments[-1].iaqi_hi)
    return pl.when(value.is_not_null()).then(expr)


def _rounded_input(value: pl.Expr, scale: int, decimals: int) -> tuple[pl.Expr, int]:
    """HJ 633-2026 §4.2.2: round to ``decimals`` per GB/T 8170 (scaled integers)."""
    if scale <= decimals:
        return value, scale
    return _round_half_even(value, 10 ** (scale - decimals)), decimals


def _item_iaqis(schema: Mapping[str, pl.DataType], rule: str) -> dict[str, pl.Expr]:
    """IAQI expressions of the daily items present in ``schema`` under ``rule``."""
    items = REPORT_ITEMS[(rule, REPORT_DAILY)]
    scaled = {item: _scaled(item, schema[item]) for item in items if item in schema}
    result: dict[str, pl.Expr] = {}
    for item, (value, scale) in scaled.items():
        if rule == RULE_2026:
            value, scale = _rounded_input(value, scale, DECIMALS[ITEM_POLLUTANT[item]])
        result[item] = _iaqi_expr(item, value, scale, rule)
    if "O3_8H" in scaled:
        value, scale = scaled["O3_8H"]
        if rule == RULE_2026:
            value, scale = _rounded_input(value, scale, 0)
            substitute: pl.Expr = pl.lit(FIXED_ABOVE_800_2026["O3_8H"], pl.Int64)
        else:
            substitute = result.get("O3_1H", pl.lit(None, pl.Int64))
        result["O3_8H"] = pl.when(value > 800 * 10**scale).then(substitute).otherwise(result["O3_8H"])
    for item in items:
        result.setdefault(item, pl.lit(None, pl.Int64))
    return result


def _labels(aqi: pl.Expr, attribute: str) -> pl.Expr:
    chain = None
    for row in levels():
        label = getattr(row, attribute)
        if row.aqi_max is None:
            assert chain is not None
            return chain.otherwise(pl.lit(label)).cast(pl.String)
        chain = pl.when(aqi <= row.aqi_max).then(pl.lit(label)) if chain is None else chain.when(aqi <= row.aqi_max).then(pl.lit(label))
    raise AssertionError("the last level is open-ended")


def _aqi_columns(iaqis: Mapping[str, pl.Expr], rule: str) -> dict[str, pl.Expr]:
    items = REPORT_ITEMS[(rule, REPORT_DAILY)]
    columns = [pl.col(f"{item}_iaqi") for item in items]
    of_present = pl.max_horizontal(columns)
    missing = pl.concat_list([pl.when(pl.col(f"{item}_iaqi").is_null()).then(pl.lit(item)) for item in items]).list.drop_nulls()
    if rule == RULE_2026:
        published = pl.when((missing.list.len() > 0) & (of_present <= 100)).then(None).otherwise(of_present)
        non_attainment = pl.lit(None, pl.List(pl.String))
    else:
        published = of_present
        non_attainment = pl.concat_list(
            [pl.when(pl.col(f"{item}_iaqi") > 100).then(pl.lit(item)) for item in items]
        ).list.drop_nulls()
    primary = pl.concat_list(
        [pl.when((pl.col(f"{item}_iaqi") == published) & (published > 50)).then(pl.lit(item)) for item in items]
    ).list.drop_nulls()
    return {
        "aqi": published,
        "aqi_of_present": of_present,
        "primary_pollutants": pl.when(published.is_not_null()).then(primary).otherwise(pl.lit([], pl.List(pl.String))),
        "non_attainment_pollutants": non_attainment,
        "missing": missing,
    }


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
    if rule is not None:
        resolve_rule(rule)
        rule_expr = pl.lit(rule)
        chosen_rules: tuple[str, ...] = (rule,)
    else:
        if date_column not in frame.columns:
            raise ValueError(f"no {date_column!r} column to choose the rule by date; pass rule=")
        day = pl.col(date_column).cast(pl.Date)
        rule_expr = pl.when(day >= RULE_2026_FROM).then(pl.lit(RULE_2026)).otherwise(pl.lit(RULE_2012))
        chosen_rules = RULES
    _check_floats(frame, [item for item in DAILY_ITEMS if item in frame.columns])
    frame = frame.with_columns(rule_expr.alias("rule"))

    def pick(by_rule: Mapping[str, pl.Expr], dtype: pl.DataType) -> pl.Expr:
        if len(chosen_rules) == 1:
            return by_rule[chosen_rules[0]]
        return pl.when(pl.col("rule") == RULE_2026).then(by_rule[RULE_2026]).otherwise(by_rule[RULE_2012]).cast(dtype)

    per_rule = {r: _item_iaqis(frame.schema, r) for r in chosen_rules}
    iaqi_columns = [
        pick({r: per_rule[r].get(item, pl.lit(None, pl.Int64)) for r in chosen_rules}, pl.Int64)
        .cast(pl.Int64)
        .alias(f"{item}_iaqi")
        for item in DAILY_ITEMS
    ]
    frame = frame.with_columns(iaqi_columns)
    per_rule_aqi = {r: _aqi_columns(per_rule[r], r) for r in chosen_rules}
    dtypes = {
        "aqi": pl.Int64(),
        "aqi_of_present": pl.Int64(),
        "primary_pollutants": pl.List(pl.String),
        "non_attainment_pollutants": pl.List(pl.String),
        "missing": pl.List(pl.String),
    }
    frame = frame.with_columns(
        [pick({r: per_rule_aqi[r][name] for r in chosen_rules}, dtype).cast(dtype).alias(name) for name, dtype in dtypes.items()]
    )
    return frame.with_columns(
        _labels(pl.col("aqi"), "level").alias("level"),
        _labels(pl.col("aqi"), "category").alias("category"),
        _labels(pl.col("aqi"), "colour").alias("colour"),
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
