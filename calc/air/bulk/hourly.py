"""Hourly station data → daily station values → city daily values (HJ 663-2013, GB 3095 Table 4)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, cast

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
    _scale_of,
    collect_normalised,
    refuse_long_floats,
    refuse_negative,
    round_half_even,
    scaled_column,
    to_decimal,
)
from calc.bulk_inputs import normalise_numbers

if TYPE_CHECKING:
    from polars.expr.whenthen import ChainedThen, Then

# --------------------------------------------------------------------------------------------------
# hourly → daily (stations)


def _column_names(columns: Mapping[str, str] | None, time_label: str) -> dict[str, str]:
    """Pollutant → column name, the arguments checked."""
    if time_label not in ("start", "end"):
        raise ValueError(f"time_label must be 'start' or 'end', got {time_label!r}")
    names = dict(columns) if columns is not None else {pollutant: pollutant for pollutant in POLLUTANTS}
    for pollutant in names:
        if pollutant not in POLLUTANTS:
            raise ValueError(f"unknown pollutant {pollutant!r}; expected one of {POLLUTANTS}")
    return names


def _dense_totals(
    base: pl.DataFrame, packed: Mapping[str, pl.Expr], packs: Mapping[str, _Packing], scales: Mapping[str, int]
) -> pl.LazyFrame:
    """Per station-day packed totals (and O3 maxima and 8-h windows) of a table that is its own grid."""
    # every day is 24 consecutive rows: reshape, and take the O3 windows from the same grid
    rows = base.lazy().select(**packed).collect()
    aggregations = []
    for pollutant in packed:
        grid = pl.col(pollutant).reshape((-1, 24))
        aggregations.append(grid.arr.sum().alias(f"{pollutant}__total"))
        if pollutant == "O3":
            aggregations.append(grid.arr.max().alias("O3__max"))
    queries = [rows.lazy().select(aggregations)]
    if "O3" in packed:
        queries.append(_o3_8h(rows.select("O3"), packs["O3"], scales["O3"]))
    totals, *o3 = pl.collect_all(queries)
    return (totals.hstack(o3[0].rechunk()) if o3 else totals).lazy().with_row_index("sd")


def _general_totals(
    base: pl.DataFrame, slot: pl.Expr, packed: Mapping[str, pl.Expr], packs: Mapping[str, _Packing],
    scales: Mapping[str, int], n_slots: int,
) -> pl.LazyFrame:
    """The same totals from rows in any order, grouped by their station-day slot."""
    rows = base.lazy().select(slot.alias("slot"), **packed).collect()
    if rows["slot"].n_unique() != rows.height:
        raise ValueError("duplicate rows for the same station and hour")
    aggregations = []
    for pollutant in packed:
        aggregations.append(pl.col(pollutant).sum().alias(f"{pollutant}__total"))
        if pollutant == "O3":
            aggregations.append(pl.col("O3").max().alias("O3__max"))
    totals = rows.lazy().group_by(sd=pl.col("slot") // 24).agg(aggregations).sort("sd").collect()
    if "O3" in packed:
        # the O3 windows need whole days: scatter the packed values into a zero (= missing) grid
        o3_grid = pl.zeros(n_slots, dtype=packs["O3"].dtype, eager=True).scatter(
            rows["slot"].cast(pl.get_index_type()), rows["O3"]
        )
        windows = _o3_8h(o3_grid.to_frame("O3"), packs["O3"], scales["O3"]).collect()
        totals = totals.with_columns(windows.to_struct("o3").gather(totals["sd"]).struct.unnest())
    return totals.lazy()


def _daily_outputs(packs: Mapping[str, _Packing], scales: Mapping[str, int]) -> list[pl.Expr]:
    """The daily items and their counts from the totals; all-null items for absent pollutants."""
    outputs: list[pl.Expr] = []
    for pollutant in POLLUTANTS:
        if pollutant == "O3":
            continue
        item = f"{pollutant}_24H"
        decimals = DECIMALS[pollutant]
        if pollutant not in packs:
            outputs += [
                pl.lit(None, pl.Decimal(38, decimals)).alias(item),
                pl.lit(0, pl.UInt32).alias(f"{item}_n"),
            ]
            continue
        pack = packs[pollutant]
        total = pl.col(f"{pollutant}__total")
        count = pack.count(total)
        value = round_half_even(
            pack.value(total).cast(pack.wide) * 10**decimals, count.cast(pl.Int64) * 10 ** scales[pollutant]
        )
        outputs += [
            to_decimal(pl.when(count >= MIN_HOURS_PER_DAY).then(value), decimals).alias(item),
            count.alias(f"{item}_n"),
        ]
    if "O3" in packs:
        pack = packs["O3"]
        count = pack.count(pl.col("O3__total"))
        value = round_half_even(pl.col("O3__max") - pack.unit, 10 ** scales["O3"])
        outputs += [
            to_decimal(pl.when(count >= MIN_HOURS_PER_DAY).then(value), 0).alias("O3_1H"),
            count.alias("O3_1H_n"),
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
    return outputs


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
    names = _column_names(columns, time_label)
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
    shift = 1 if time_label == "end" else 0  # an end label names the hour before it

    # Read once: keys, the time's physical value and the raw pollutant columns (scaled later, in the
    # queries that reduce them, so no scaled copy of the hourly table is kept).
    dtypes = {pollutant: schema[name] for pollutant, name in present.items()}
    base = lazy.select(
        pl.col(station).alias("__station"),
        wall.cast(pl.Int64).alias("__time"),
        *[pl.col(name).alias(pollutant) for pollutant, name in present.items()],
    ).collect()
    if base.height == 0:
        return _empty_daily(station_dtype, station)
    base = normalise_numbers(base, list(present), max_scale=FLOAT_SCALE, max_value=None)  # packing sized by maxima
    dtypes = {pollutant: base.schema[pollutant] for pollutant in present}
    floats = [pollutant for pollutant, dtype in dtypes.items() if dtype.is_float()]
    checks = base.lazy().select(
        nulls=pl.col("__station").null_count() + pl.col("__time").null_count(),
        t_lo=pl.col("__time").min(),
        t_hi=pl.col("__time").max(),
        st_lo=pl.col("__station").min() if integer_station else pl.lit(0),
        st_hi=pl.col("__station").max() if integer_station else pl.lit(0),
        **{f"{pollutant}__min": pl.col(pollutant).min() for pollutant in present},
        **{f"{pollutant}__max": pl.col(pollutant).max() for pollutant in present},
    )
    distinct_queries = [base.lazy().select(pl.col(pollutant).drop_nulls().unique()) for pollutant in floats]
    checked, *distinct = pl.collect_all([checks, *distinct_queries])
    flags = checked.row(0, named=True)
    for pollutant, name in present.items():
        refuse_negative(name, flags[f"{pollutant}__min"])
    for pollutant, values in zip(floats, distinct, strict=True):
        refuse_long_floats(values, present[pollutant])
    if flags["nulls"]:
        raise ValueError(f"columns {station!r} and {time!r} must not have nulls")
    # hours are counted from 1970-01-01 00:00 (floor division is monotonic, so min/max carry over)
    hour_lo = flags["t_lo"] // per_hour - shift
    hour_hi = flags["t_hi"] // per_hour - shift
    first_day = hour_lo // 24
    n_days = hour_hi // 24 - first_day + 1
    hours_per_code = n_days * 24

    # the pollutant values as integers scaled by 10**scale, and a packing of value and presence
    scales = {pollutant: _scale_of(dtype, present[pollutant]) for pollutant, dtype in dtypes.items()}
    packs = {
        pollutant: _Packing.of(
            _scaled_bound(flags[f"{pollutant}__max"], dtypes[pollutant], scales[pollutant])
        )
        for pollutant in present
    }
    packed = {
        pollutant: packs[pollutant].pack(_scaled(pl.col(pollutant), dtypes[pollutant]))
        for pollutant in present
    }

    # dense station codes: an offset for compact integer ids, a lookup otherwise
    span = flags["st_hi"] - flags["st_lo"] + 1
    if integer_station and span * hours_per_code <= 4 * base.height + 1_000_000:
        n_codes = span
        code = pl.col("__station").cast(pl.Int64) - flags["st_lo"]
        stations = None
    else:
        stations = base.select(pl.col("__station").unique().sort()).to_series()
        n_codes = stations.len()
        code = pl.col("__station").replace_strict(stations, pl.int_range(n_codes, eager=True, dtype=pl.Int64))
    n_slots = n_codes * hours_per_code

    # Fast path: one row per station-hour in order (missing hours as nulls) — the table is its own grid.
    # The stations then come in runs of hours_per_code rows, in code order, and each run's times are
    # t0, t0 + 1 h, …; comparing the times also proves that every time is on the hour.
    dense = (
        base.height == n_slots
        and bool(present)
        and _is_grid(
            base,
            stations
            if stations is not None
            else pl.int_range(flags["st_lo"], flags["st_hi"] + 1, eager=True),
            pl.int_range(hours_per_code, dtype=pl.Int64, eager=True) * per_hour
            + (first_day * 24 + shift) * per_hour,
        )
    )
    if not dense:
        if base.select((pl.col("__time") % per_hour != 0).any()).item():
            raise ValueError(f"column {time!r} has times that are not on the hour")

    hour = pl.col("__time") // per_hour - shift
    slot = code * hours_per_code + (hour - first_day * 24)
    if dense:
        daily = _dense_totals(base, packed, packs, scales)
    else:
        daily = _general_totals(base, slot, packed, packs, scales, n_slots)

    outputs = _daily_outputs(packs, scales)
    code_of_row = pl.col("sd") // n_days
    station_expr = (
        (code_of_row + flags["st_lo"]).cast(station_dtype)
        if stations is None
        else code_of_row.replace_strict(pl.int_range(n_codes, eager=True, dtype=pl.Int64), stations)
    )
    first_date = date.fromordinal(
        date(1970, 1, 1).toordinal() + first_day
    )  # first_day counts days since 1970
    ordered = [name for item in DAILY_ITEMS for name in (item, f"{item}_n")]
    return (
        daily.select(
            station_expr.alias(station),
            (pl.lit(first_date) + pl.duration(days=pl.col("sd") % n_days)).cast(pl.Date).alias("date"),
            *outputs,
        )
        .select(station, "date", *ordered)
        .collect()
    )


def _is_grid(base: pl.DataFrame, stations: pl.Series, times: pl.Series) -> bool:
    """Whether ``base`` is, row by row, every station of ``stations`` (in order) at every time of ``times``."""
    runs = base["__station"].rle().struct.unnest()
    if runs.height != stations.len() or not (runs["len"] == times.len()).all():
        return False
    if not (runs["value"] == stations.cast(runs["value"].dtype)).all():
        return False
    # the expected times repeat for every station: chunks of one series, not copies
    expected = pl.concat([times] * stations.len(), rechunk=False)
    return bool((base["__time"] == expected).all())


@dataclass(frozen=True)
class _Packing:
    """A value and its presence in one integer: ``v + one`` where present, ``0`` where missing.

    ``one = 2**bits`` exceeds any sum of ``count`` values (24 hours of a day by default), so a sum of
    packed values is ``n·one + sum`` and both parts come back exactly (``// one`` and ``% one``); the
    largest packed hour of a day is ``one + max`` when any hour is present. ``dtype`` is the narrowest
    integer type holding ``(count + 1)·one`` (for a day, 25·one: more than 224·bound, an O3 8-hour
    sum times 168/6); ``wide`` holds a sum times 10.
    """

    one: int
    dtype: pl.DataType
    wide: pl.DataType

    @classmethod
    def of(cls, bound: int, count: int = 24) -> _Packing:
        """Packing for sums of up to ``count`` non-negative scaled values up to ``bound``."""
        one = 1 << (count * bound).bit_length()
        if (count + 1) * one < 2**31:
            dtype: pl.DataType = pl.Int32()
        elif (count + 1) * one < 2**63:
            dtype = pl.Int64()
        else:
            dtype = pl.Int128()
        wide = pl.Int64() if 10 * count * bound < 2**63 else pl.Int128()
        return cls(one, dtype, wide)

    @property
    def unit(self) -> pl.Expr:
        """``one`` as a literal of ``dtype`` (it may not fit a default 64-bit literal)."""
        return pl.lit(self.one, self.dtype)

    def pack(self, scaled: pl.Expr) -> pl.Expr:
        """Packed values of scaled integers, or of :func:`_scaled`'s float form (the cast truncates it)."""
        return (scaled.cast(self.dtype) + self.unit).fill_null(0)

    def count(self, total: pl.Expr) -> pl.Expr:
        return (total // self.unit).cast(pl.UInt32)

    def value(self, total: pl.Expr) -> pl.Expr:
        return total & pl.lit(self.one - 1, self.dtype)  # total % one


def _scaled(column: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """The column as integers scaled by ``10**_scale_of(dtype)``, in some integer type — or, for
    floats, as ``x·1000 + 0.5``, which a cast to an integer type truncates to the scaled integer.
    """
    if dtype.is_integer():
        return column
    if dtype.is_float():
        # only checked values get here: x ≥ 0 and x the double nearest to r/1000 for an integer
        # r < 10^12, so x·1000 is within 2^-12 of r and truncating x·1000 + 0.5 gives r (= round)
        return column * 10**FLOAT_SCALE + 0.5
    if isinstance(dtype, pl.Decimal):
        return column.to_physical()  # Int128: a decimal is stored as value × 10**scale
    return column.cast(pl.Int64)


def _scaled_bound(maximum: int | float | Decimal | None, dtype: pl.DataType, scale: int) -> int:
    """An upper bound of the scaled values of a column whose (raw) maximum is ``maximum``."""
    if maximum is None:
        return 0
    if dtype.is_float():
        return math.ceil(float(maximum) * 10**FLOAT_SCALE) + 1  # round(x·1000) ≤ ceil(x·1000)
    return int(Decimal(maximum).scaleb(scale)) if scale else int(maximum)


# lcm(6, 7, 8) = 168: an 8-hour mean with n valid hours compares as sum·(168/n), an exact integer
_WINDOW_LCM = 168


def _o3_8h(packed: pl.DataFrame, pack: _Packing, scale: int) -> pl.LazyFrame:
    """O3 daily max 8-h (``O3_8H``, rounded) and valid-window count (``O3_8H_n``) per day.

    ``packed`` has one column ``O3`` of packed hourly values (see :class:`_Packing`), 24 per day in
    order, so each day is a row of 24 columns and the 17 windows ending at hours 7 … 23 (08:00 … 24:00
    end labels) are sums of 8 columns that never leave the day; a window sum is ``n·one + sum`` with
    ``n`` valid hours. Windows are compared by the exact integer ``sum·168/n`` (``n`` = 6, 7 or 8;
    ``-1`` for fewer); the largest is then rounded half to even.
    """
    hours = packed.lazy().select([pl.col("O3").gather_every(24, i).alias(f"h{i}") for i in range(24)])
    # window sums by doubling: 2-hour, 4-hour, then 8-hour sums (61 additions instead of 17 × 7)
    pairs = hours.select([(pl.col(f"h{i}") + pl.col(f"h{i + 1}")).alias(f"p{i}") for i in range(23)])
    quads = pairs.select([(pl.col(f"p{i}") + pl.col(f"p{i + 2}")).alias(f"q{i}") for i in range(21)])
    windows = quads.select(
        [(pl.col(f"q{end - 7}") + pl.col(f"q{end - 3}")).alias(f"w{end}") for end in O3_WINDOW_ENDS]
    )

    def key(window: pl.Expr) -> pl.Expr:
        # n valid hours ⟺ n·one ≤ window < (n + 1)·one, as the sum of 8 values is below one
        total = pack.value(window)
        chain: Then | ChainedThen = pl.when(window >= pl.lit(8 * pack.one, pack.dtype)).then(total * (_WINDOW_LCM // 8))
        for valid in range(7, MIN_HOURS_PER_8H - 1, -1):
            chain = chain.when(window >= pl.lit(valid * pack.one, pack.dtype)).then(
                total * (_WINDOW_LCM // valid)
            )
        return chain.otherwise(-1)

    keys = windows.select([key(pl.col(f"w{end}")).alias(f"k{end}") for end in O3_WINDOW_ENDS])
    key_columns = [pl.col(f"k{end}") for end in O3_WINDOW_ENDS]
    best_key = keys.select(
        key=pl.max_horizontal(key_columns),
        O3_8H_n=sum(((column >= 0).cast(pl.UInt32) for column in key_columns), pl.lit(0, pl.UInt32)),
    )
    limit = int(O3_8H_LIMIT)  # an integer µg/m³; the window means are rounded to integers
    best = round_half_even(pl.col("key"), _WINDOW_LCM * 10**scale)
    return best_key.select(
        pl.when((pl.col("key") >= 0) & ((pl.col("O3_8H_n") >= MIN_O3_WINDOWS) | (best > limit)))
        .then(best)
        .alias("O3_8H"),
        pl.col("O3_8H_n"),
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
    frame = collect_normalised(daily_station, DAILY_ITEMS, max_value=None)  # packing sized by the maxima
    if isinstance(stations, Mapping):
        mapping = pl.DataFrame({station: list(stations.keys()), city: list(stations.values())})
    else:
        mapping = stations.select(station, city)
    mapping = mapping.with_columns(pl.col(station).cast(frame.schema[station]))
    items = [item for item in DAILY_ITEMS if item in frame.columns]
    scaled = {item: scaled_column(item, frame.schema[item]) for item in items}
    # cities by code in sorted order, so the output sorts by (code, date)
    cities = mapping.select(pl.col(city).drop_nulls().unique().sort()).to_series()
    mapping = mapping.select(
        pl.col(station),
        pl.col(city).replace_strict(cities, pl.int_range(cities.len(), eager=True)).alias("__city"),
    )
    values = frame.lazy().select([expr.alias(item) for item, (expr, _) in scaled.items()]).collect()
    if mapping[station].is_duplicated().any():
        # a station in several cities counts in each of them, as a join does
        joined = frame.select(station, date_column).hstack(values).join(mapping, on=station, how="left")
    else:
        codes = (
            frame[station].replace_strict(mapping[station], mapping["__city"], default=None).alias("__city")
        )
        joined = frame.select(station, date_column).hstack([codes]).hstack(values)
    unmapped = joined.filter(pl.col("__city").is_null())[station].unique()
    if unmapped.len():
        raise ValueError(f"stations without a city: {unmapped.head(10).to_list()}")
    # when the values are ≥ 0, a value and its presence are summed in one integer (see _Packing)
    extremes = joined.select(
        [pl.col(item).min().alias(f"{item}__min") for item in scaled]
        + [pl.col(item).max().alias(f"{item}__max") for item in scaled]
    ).row(0, named=True)
    columns: list[pl.Expr] = []
    aggregations: list[pl.Expr] = []
    unpack: dict[str, tuple[pl.Expr, pl.Expr]] = {}
    for item in scaled:
        low, high = extremes[f"{item}__min"], extremes[f"{item}__max"]
        if low is not None and low < 0:
            columns.append(pl.col(item))
            aggregations += [
                pl.col(item).sum().alias(f"{item}__sum"),
                pl.col(item).count().alias(f"{item}__n"),
            ]
            unpack[item] = (pl.col(f"{item}__sum"), pl.col(f"{item}__n"))
            continue
        pack = _Packing.of(high or 0, joined.height)  # every row may fall in one city-day
        columns.append(pack.pack(pl.col(item)).alias(item))
        aggregations.append(pl.col(item).sum().alias(f"{item}__total"))
        total = pl.col(f"{item}__total")
        unpack[item] = (pack.value(total).cast(pack.wide), pack.count(total))
    dates = joined[date_column]
    if dates.dtype == pl.Date and joined.height:
        # one integer key (city code, day) instead of two group keys
        first, last = cast(date, dates.min()), cast(date, dates.max())  # a Date column's bounds are dates
        span = (last - first).days + 1
        day = pl.col(date_column).cast(pl.Int32) - pl.lit(first).cast(pl.Int32)
        keyed = joined.lazy().select((pl.col("__city") * span + day).alias("__key"), *columns).collect()
        grouped = (
            keyed.lazy()
            .group_by("__key")
            .agg(aggregations)
            .sort("__key")
            .with_columns(
                (pl.col("__key") // span).alias("__city"),
                (pl.lit(first) + pl.duration(days=pl.col("__key") % span)).cast(pl.Date).alias(date_column),
            )
        )
    else:
        keyed = joined.lazy().select("__city", date_column, *columns).collect()
        grouped = keyed.lazy().group_by("__city", date_column).agg(aggregations).sort("__city", date_column)
    outputs: list[pl.Expr] = [pl.lit(cities).gather(pl.col("__city")).alias(city), pl.col(date_column)]
    for item, (_, scale) in scaled.items():
        decimals = DECIMALS[ITEM_POLLUTANT[item]]
        total, count = unpack[item]
        value = round_half_even(total * 10**decimals, count.cast(pl.Int64) * 10**scale)
        outputs += [
            to_decimal(pl.when(count > 0).then(value), decimals).alias(item),
            count.cast(pl.UInt32).alias(f"{item}_n"),
        ]
    return grouped.select(outputs).collect()
