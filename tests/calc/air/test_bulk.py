"""The polars pipeline gives exactly the scalar results (hypothesis, random data around breakpoints)."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import calc.air as air
from calc.air.tables import breakpoint_table

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

UG_POLLUTANTS = ("SO2", "NO2", "PM10", "PM25", "O3")


def _breakpoints(column: str) -> list[Decimal]:
    points = set()
    for rule in air.RULES:
        for segment in breakpoint_table(rule)[column]:
            points.update((segment.bp_lo, segment.bp_hi))
    return sorted(points)


NEAR = {
    "SO2": _breakpoints("SO2_24H"),
    "NO2": _breakpoints("NO2_24H"),
    "PM10": _breakpoints("PM10_24H"),
    "PM25": _breakpoints("PM25_24H"),
    "CO": _breakpoints("CO_24H"),
    "O3": _breakpoints("O3_8H") + _breakpoints("O3_1H"),
}


def _hourly_value(rng: random.Random, pollutant: str, base: Decimal) -> Decimal:
    """A value near ``base``: hourly integers (µg/m³) or 1-decimal CO, sometimes with 3 decimals."""
    if pollutant == "CO":
        step = Decimal("0.1") if rng.random() < 0.8 else Decimal("0.001")
    else:
        step = Decimal(1) if rng.random() < 0.8 else Decimal("0.001")
    value = base + step * rng.randint(-3, 3)
    return max(value, Decimal(0))


def _random_hourly(seed: int, n_stations: int, days: list[date], missing: float, absent: float):
    rng = random.Random(seed)
    rows = []
    scalar: dict[tuple[int, date], dict[str, list[Decimal | None]]] = {}
    for station in range(n_stations):
        for day in days:
            hours: dict[str, list[Decimal | None]] = {}
            day_missing = missing if rng.random() < 0.7 else 0.3  # some days lose many hours
            for pollutant in (*UG_POLLUTANTS, "CO"):
                base = rng.choice(NEAR[pollutant])
                values: list[Decimal | None] = []
                for _ in range(24):
                    values.append(None if rng.random() < day_missing else _hourly_value(rng, pollutant, base))
                hours[pollutant] = values
            for hour in range(24):
                if rng.random() < absent:
                    for pollutant in hours:
                        hours[pollutant][hour] = None
                    continue
                rows.append(
                    {
                        "station": f"S{station}",
                        "time": datetime.combine(day, datetime.min.time()) + timedelta(hours=hour),
                        **{pollutant: hours[pollutant][hour] for pollutant in hours},
                    }
                )
            scalar[(station, day)] = hours
    return rows, scalar


def _frame(rows: list[dict[str, object]], as_float: bool) -> pl.DataFrame:
    frame = pl.DataFrame(
        rows,
        schema={
            "station": pl.String,
            "time": pl.Datetime("us"),
            **{p: pl.Decimal(38, 3) for p in (*UG_POLLUTANTS, "CO")},
        },
    )
    if as_float:
        frame = frame.with_columns([pl.col(p).cast(pl.Float64) for p in (*UG_POLLUTANTS, "CO")])
    return frame


def _aqi_row_matches(row: dict[str, object], result: air.AqiResult) -> None:
    assert row["rule"] == result.rule
    assert row["aqi"] == result.aqi
    assert row["aqi_of_present"] == result.aqi_of_present
    assert row["level"] == result.level
    assert row["category"] == result.category
    assert row["colour"] == result.colour
    assert tuple(row["primary_pollutants"]) == result.primary_pollutants
    expected_non = result.non_attainment_pollutants
    assert (
        tuple(row["non_attainment_pollutants"]) if row["non_attainment_pollutants"] is not None else None
    ) == expected_non
    assert tuple(row["missing"]) == result.missing
    for item in air.DAILY_ITEMS:
        assert row[f"{item}_iaqi"] == result.iaqi_by_pollutant.get(item), item


@SETTINGS
@given(
    seed=st.integers(0, 2**32 - 1),
    n_stations=st.integers(1, 3),
    start=st.sampled_from([date(2025, 6, 1), date(2026, 2, 27)]),
    n_days=st.integers(1, 3),
    missing=st.sampled_from([0.0, 0.05, 0.2]),
    absent=st.sampled_from([0.0, 0.05]),
    as_float=st.booleans(),
)
def test_hourly_to_daily_city_and_aqi_match_scalar(
    seed, n_stations, start, n_days, missing, absent, as_float
):
    days = [start + timedelta(days=i) for i in range(n_days)]
    rows, scalar = _random_hourly(seed, n_stations, days, missing, absent)
    if not rows:
        return
    daily = air.daily_station_frame(_frame(rows, as_float))
    by_key = {(row["station"], row["date"]): row for row in daily.to_dicts()}

    for (station, day), hours in scalar.items():
        row = by_key.get((f"S{station}", day))
        if all(value is None for values in hours.values() for value in values):
            continue  # only absent or all-null rows; a row may or may not exist
        assert row is not None
        expected = air.station_daily(hours)
        for item, value in expected.items():
            assert row[item] == value.value, (item, hours)
            assert row[f"{item}_n"] == value.count, item

    # station-day AQI, rule chosen by date
    for row in air.daily_aqi_frame(daily).to_dicts():
        concentrations = {item: row[item] for item in air.DAILY_ITEMS}
        _aqi_row_matches(row, air.aqi(concentrations, on=row["date"]))

    # city: all stations in one city
    mapping = {f"S{station}": "C" for station in range(n_stations)}
    city = air.city_daily_frame(daily, mapping)
    for row in city.to_dicts():
        stations = [r for r in daily.to_dicts() if r["date"] == row["date"]]
        for item in air.DAILY_ITEMS:
            expected = air.city_mean([r[item] for r in stations], air.assessment.ITEM_POLLUTANT[item])
            assert row[item] == expected.value, item
            assert row[f"{item}_n"] == expected.count
        result = air.aqi({item: row[item] for item in air.DAILY_ITEMS}, rule=air.RULE_2012)
        frame_row = air.daily_aqi_frame(city.filter(pl.col("date") == row["date"]), rule=air.RULE_2012).row(
            0, named=True
        )
        _aqi_row_matches(frame_row, result)


def _near_breakpoint(rng: random.Random, column: str, decimals: int) -> Decimal:
    base = rng.choice(_breakpoints(column))
    offset = rng.choice(
        [
            Decimal(0),
            Decimal("0.1"),
            Decimal("-0.1"),
            Decimal(1),
            Decimal(-1),
            Decimal("0.5"),
            Decimal("-0.5"),
        ]
    )
    jitter = Decimal(rng.randint(-5, 5)).scaleb(-decimals)
    return max(base + offset + jitter, Decimal(0))


@SETTINGS
@given(
    seed=st.integers(0, 2**32 - 1),
    rule=st.sampled_from([air.RULE_2012, air.RULE_2026, None]),
    decimals=st.sampled_from([0, 1, 3]),
    as_float=st.booleans(),
    n_missing=st.integers(0, 2),
)
def test_daily_aqi_frame_matches_scalar(seed, rule, decimals, as_float, n_missing):
    rng = random.Random(seed)
    rows = []
    for _ in range(30):
        row: dict[str, object] = {"date": rng.choice([date(2025, 1, 1), date(2026, 2, 28), date(2026, 3, 1)])}
        for item in air.DAILY_ITEMS:
            row[item] = _near_breakpoint(rng, item, decimals)
        if rng.random() < 0.1:
            row["O3_8H"] = Decimal(rng.choice([801, 850, 900]))
        for item in rng.sample(air.DAILY_ITEMS, n_missing):
            row[item] = None
        rows.append(row)
    frame = pl.DataFrame(
        rows, schema={"date": pl.Date, **{item: pl.Decimal(38, 3) for item in air.DAILY_ITEMS}}
    )
    if as_float:
        frame = frame.with_columns([pl.col(item).cast(pl.Float64) for item in air.DAILY_ITEMS])
    result = air.daily_aqi_frame(frame, rule=rule)
    for source, row in zip(rows, result.to_dicts(), strict=True):
        concentrations = {item: source[item] for item in air.DAILY_ITEMS}
        if rule is None:
            expected = air.aqi(concentrations, on=source["date"])
        else:
            expected = air.aqi(concentrations, rule=rule)
        _aqi_row_matches(row, expected)


@SETTINGS
@given(
    seed=st.integers(0, 2**32 - 1),
    coverage=st.sampled_from([1.0, 0.93, 0.9, 0.88]),
    n_cities=st.integers(1, 3),
)
def test_annual_statistics_match_scalar(seed, coverage, n_cities):
    rng = random.Random(seed)
    days = [date(2025, 1, 1) + timedelta(days=i) for i in range(365)] + [date(2026, 1, 1), date(2026, 1, 2)]
    rows = []
    for city in range(n_cities):
        for day in days:
            row: dict[str, object] = {"city": f"C{city}", "date": day}
            for item in air.ANNUAL_STATISTICS:
                pollutant = air.assessment.ITEM_POLLUTANT[item]
                if rng.random() > coverage:
                    row[item] = None
                elif pollutant == "CO":
                    row[item] = Decimal(rng.randint(2, 60)).scaleb(-1)
                else:
                    row[item] = Decimal(rng.randint(0, 300))
            row["aqi"] = None if rng.random() > coverage else rng.randint(10, 200)
            rows.append(row)
    schema = {
        "city": pl.String,
        "date": pl.Date,
        **{item: pl.Decimal(38, 1) for item in air.ANNUAL_STATISTICS},
        "aqi": pl.Int64,
    }
    result = air.annual_city_statistics(pl.DataFrame(rows, schema=schema))
    assert result.height == 2 * n_cities
    for row in result.to_dicts():
        city_rows = [r for r in rows if r["city"] == row["city"] and r["date"].year == row["year"]]
        for item, (with_mean, p) in air.ANNUAL_STATISTICS.items():
            name = "O3_8H" if item == "O3_8H" else item.removesuffix("_24H")
            expected = air.annual_statistic(item, {r["date"]: r[item] for r in city_rows}, year=row["year"])
            assert row[f"{name}_n_days"] == expected.validity.days
            assert row[f"{name}_valid"] == expected.valid
            assert tuple(row[f"{name}_days_by_month"]) == expected.validity.days_by_month
            if with_mean:
                assert row[f"{name}_mean"] == expected.mean
            assert row[f"{name}_p{p}"] == expected.percentile_value
        ratio = air.annual_good_days_ratio({r["date"]: r["aqi"] for r in city_rows}, year=row["year"])
        assert (row["aqi_valid"], tuple(row["aqi_days_by_month"])) == (ratio.validity.valid,
                                                                       ratio.validity.days_by_month)
        assert row["good_days"] == ratio.good_days
        assert row["aqi_valid_days"] == ratio.valid_days
        assert row["good_days_ratio"] == ratio.ratio


def test_float_input_with_more_than_three_decimals_is_refused():
    frame = pl.DataFrame({"date": [date(2025, 1, 1)], "PM25_24H": [35.0001]})
    with pytest.raises(ValueError, match="more than 3 decimals"):
        air.daily_aqi_frame(frame, rule=air.RULE_2012)


def test_float_artefact_is_refused_rather_than_rounded():
    # 17 * 0.1 in binary is 1.7000000000000002: the scalar path would read that value, not 1.7
    frame = pl.DataFrame({"date": [date(2025, 1, 1)], "CO_24H": [17 * 0.1]})
    with pytest.raises(ValueError, match="more than 3 decimals"):
        air.daily_aqi_frame(frame, rule=air.RULE_2012)


def test_negative_concentration_is_refused():
    frame = pl.DataFrame({"date": [date(2025, 1, 1)], "PM25_24H": [-1]})
    with pytest.raises(ValueError, match="negative"):
        air.daily_aqi_frame(frame, rule=air.RULE_2012)


def test_duplicate_station_hour_is_refused():
    time = datetime(2025, 1, 1, 3)
    frame = pl.DataFrame({"station": ["A", "A"], "time": [time, time], "PM25": [10, 11]})
    with pytest.raises(ValueError, match="duplicate"):
        air.daily_station_frame(frame)


def test_time_off_the_hour_is_refused():
    frame = pl.DataFrame({"station": ["A"], "time": [datetime(2025, 1, 1, 3, 30)], "PM25": [10]})
    with pytest.raises(ValueError, match="on the hour"):
        air.daily_station_frame(frame)


def test_end_labelled_hours_shift_into_the_previous_day():
    # end-of-hour labels 01:00 … 24:00 (24:00 = next day's 00:00) make one day
    times = [datetime(2025, 1, 1, 1) + timedelta(hours=h) for h in range(24)]
    frame = pl.DataFrame({"station": [1] * 24, "time": times, "PM25": [50] * 23 + [74]})
    daily = air.daily_station_frame(frame, time_label="end")
    assert daily["date"].to_list() == [date(2025, 1, 1)]
    assert daily["PM25_24H"].to_list() == [Decimal(51)]  # 1224/24 = 51
    assert daily["PM25_24H_n"].to_list() == [24]


def test_unknown_rule_is_refused_in_bulk():
    frame = pl.DataFrame({"date": [date(2025, 1, 1)], "PM25_24H": [35]})
    with pytest.raises(ValueError, match="unknown rule"):
        air.daily_aqi_frame(frame, rule="HJ633-1999")


def test_city_needs_every_station_mapped():
    daily = pl.DataFrame({"station": ["A", "B"], "date": [date(2025, 1, 1)] * 2, "PM25_24H": [10, 20]})
    with pytest.raises(ValueError, match="without a city"):
        air.city_daily_frame(daily, {"A": "C"})


def test_dense_and_general_paths_agree():
    """The same hours as a complete ordered grid (fast path) and shuffled with rows dropped."""
    days = [date(2025, 3, 1), date(2025, 3, 2)]
    rows, _ = _random_hourly(7, 3, days, missing=0.1, absent=0.0)
    frame = _frame(rows, as_float=False)
    dense = air.daily_station_frame(frame)
    shuffled = frame.sample(fraction=1.0, shuffle=True, seed=3)
    assert air.daily_station_frame(shuffled).equals(dense)
    # an hour with every value null is the same as an absent row
    pollutants = [*UG_POLLUTANTS, "CO"]
    every_seventh = pl.int_range(pl.len()) % 7 == 0
    blanked = frame.with_columns(
        [pl.when(every_seventh).then(None).otherwise(pl.col(p)).alias(p) for p in pollutants]
    )
    sparse = frame.filter(~every_seventh)
    assert sparse.height < blanked.height
    assert air.daily_station_frame(sparse).equals(air.daily_station_frame(blanked))


def test_integer_stations_time_zones_and_column_names():
    times = [datetime(2025, 1, 1) + timedelta(hours=h) for h in range(24)]
    frame = pl.DataFrame(
        {
            "sid": [1001] * 24,
            "ts": times,
            "pm": [30] * 12 + [40] * 12,
            "ozone": [100] * 24,
        }
    ).with_columns(pl.col("ts").dt.replace_time_zone("Asia/Shanghai"))
    daily = air.daily_station_frame(frame, station="sid", time="ts", columns={"PM25": "pm", "O3": "ozone"})
    row = daily.row(0, named=True)
    assert (row["sid"], row["date"]) == (1001, date(2025, 1, 1))
    assert row["PM25_24H"] == Decimal(35) and row["O3_8H"] == Decimal(100) and row["O3_8H_n"] == 17
    assert row["SO2_24H"] is None and row["SO2_24H_n"] == 0


def test_sparse_integer_station_ids_use_a_lookup():
    times = [datetime(2025, 1, 1) + timedelta(hours=h) for h in range(24)]
    frame = pl.DataFrame(
        {"station": [1] * 24 + [10**9] * 24, "time": times * 2, "PM25": [10] * 24 + [20] * 24}
    )
    daily = air.daily_station_frame(frame)
    assert daily["station"].to_list() == [1, 10**9]
    assert daily["PM25_24H"].to_list() == [Decimal(10), Decimal(20)]


def test_empty_input():
    frame = pl.DataFrame(schema={"station": pl.String, "time": pl.Datetime("us"), "PM25": pl.Int64})
    daily = air.daily_station_frame(frame)
    assert daily.height == 0 and "PM25_24H" in daily.columns


@SETTINGS
@given(values=st.lists(st.integers(0, 120), min_size=2, max_size=6))
def test_decline_frame_matches_scalar(values):
    annual = pl.DataFrame(
        {"city": ["C"] * len(values), "year": list(range(2015, 2015 + len(values))), "PM25_mean": values},
        schema={"city": pl.String, "year": pl.Int32, "PM25_mean": pl.Decimal(38, 0)},
    )
    result = air.decline_frame(annual, base_year=2015)
    for row in result.to_dicts():
        expected = air.pm25_decline(values[0], row["PM25_mean"]) if values[0] > 0 else None
        assert row["decline_pct"] == expected


@pytest.mark.parametrize(
    ("values", "message"),
    [
        pytest.param([float("nan")] + [1.0] * 23, "NaN", id="nan"),
        pytest.param([-1] + [1] * 23, "negative", id="negative"),
        pytest.param([0.0001] + [1.0] * 23, "more than 3 decimals", id="four-decimals"),
    ],
)
def test_hourly_values_are_checked(values, message):
    times = [datetime(2025, 1, 1) + timedelta(hours=h) for h in range(24)]
    frame = pl.DataFrame({"station": ["A"] * 24, "time": times, "CO": values})
    with pytest.raises(ValueError, match=message):
        air.daily_station_frame(frame)


def test_large_32_bit_values_do_not_overflow_the_daily_sum():
    times = [datetime(2025, 1, 1) + timedelta(hours=h) for h in range(24)]
    frame = pl.DataFrame(
        {"station": [1] * 24, "time": times, "PM25": pl.Series([100_000_000] * 24, dtype=pl.Int32)}
    )
    assert air.daily_station_frame(frame)["PM25_24H"].to_list() == [Decimal(100_000_000)]


def test_nan_in_a_daily_frame_is_refused():
    frame = pl.DataFrame({"date": [date(2025, 1, 1)] * 2, "PM25_24H": [float("nan"), 35.0]})
    with pytest.raises(ValueError, match="NaN"):
        air.daily_aqi_frame(frame, rule=air.RULE_2012)


def _grid(stations, days, values_of, *, dtype=pl.Int64):
    """A complete station × hour frame in order (the dense path) and the scalar hours per station-day."""
    rows = []
    scalar = {}
    for station in stations:
        for day in days:
            hours = {pollutant: values_of(station, day, pollutant) for pollutant in (*UG_POLLUTANTS, "CO")}
            scalar[(station, day)] = hours
            for hour in range(24):
                rows.append(
                    {
                        "station": station,
                        "time": datetime.combine(day, datetime.min.time()) + timedelta(hours=hour),
                        **{pollutant: hours[pollutant][hour] for pollutant in hours},
                    }
                )
    schema = {"station": pl.Int32, "time": pl.Datetime("us"), **{p: dtype for p in (*UG_POLLUTANTS, "CO")}}
    return pl.DataFrame(rows, schema=schema, orient="row"), scalar


def _assert_daily_matches(daily: pl.DataFrame, scalar) -> None:
    by_key = {(row["station"], row["date"]): row for row in daily.to_dicts()}
    assert len(by_key) == len(scalar)
    for key, hours in scalar.items():
        row = by_key[key]
        for item, value in air.station_daily(hours).items():
            assert row[item] == value.value, (key, item)
            assert row[f"{item}_n"] == value.count, (key, item)


@pytest.mark.parametrize(
    ("scale", "dtype"),
    [
        pytest.param(1, pl.Int32, id="int32-packing"),
        pytest.param(10**6, pl.Int64, id="int64-packing"),  # 24 × 10^8 ≥ 2^26
        pytest.param(10**16, pl.Int64, id="int128-packing"),  # 24 × 10^18 ≥ 2^58
    ],
)
def test_dense_grid_with_large_values_matches_scalar(scale, dtype):
    """Hourly values are packed with their presence into 32-, 64- or 128-bit integers by size."""
    rng = random.Random(scale)

    def values_of(_station, _day, _pollutant):
        hours = [rng.randint(0, 300) * scale + rng.randint(0, 99) for _ in range(24)]
        for hour in rng.sample(range(24), rng.choice([0, 2, 5, 12])):
            hours[hour] = None
        return hours

    frame, scalar = _grid([3, 4], [date(2025, 7, 1), date(2025, 7, 2)], values_of, dtype=dtype)
    if scale > 10**6:
        # as 3-decimal decimals the scaled values exceed what 64-bit packing can hold
        frame = frame.with_columns([pl.col(p).cast(pl.Decimal(38, 0)) for p in (*UG_POLLUTANTS, "CO")])
    daily = air.daily_station_frame(frame)
    _assert_daily_matches(daily, scalar)
    # the general path (rows shuffled) gives the same frame
    assert air.daily_station_frame(frame.sample(fraction=1.0, shuffle=True, seed=1)).equals(daily)


def test_nearly_dense_frames_take_the_general_path_or_are_refused():
    """A frame with exactly the grid's row count that is not the grid in order."""
    rng = random.Random(11)

    def values_of(_station, _day, _pollutant):
        return [rng.randint(0, 200) for _ in range(24)]

    frame, scalar = _grid([1, 2], [date(2025, 1, 1)], values_of)
    dense = air.daily_station_frame(frame)
    _assert_daily_matches(dense, scalar)
    # two hours of one station swapped: same values, general path
    order = list(range(frame.height))
    order[5], order[6] = order[6], order[5]
    assert air.daily_station_frame(frame[order]).equals(dense)
    # the stations' blocks in the other order
    assert air.daily_station_frame(frame[list(range(24, 48)) + list(range(24))]).equals(dense)
    # one time 30 minutes off, at the grid's full length
    off = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 30)
        .then(pl.col("time") + timedelta(minutes=30))
        .otherwise(pl.col("time"))
        .alias("time")
    )
    with pytest.raises(ValueError, match="on the hour"):
        air.daily_station_frame(off)
    # one hour given twice (and another missing), at the grid's full length
    twice = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 30)
        .then(pl.col("time") - timedelta(hours=1))
        .otherwise(pl.col("time"))
    )
    with pytest.raises(ValueError, match="duplicate"):
        air.daily_station_frame(twice)
    # a station's block one row short, the other one long
    shifted = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 23)
        .then(pl.lit(2, pl.Int32))
        .otherwise(pl.col("station"))
        .alias("station")
    )
    with pytest.raises(ValueError, match="duplicate"):
        air.daily_station_frame(shifted)


def test_dense_grid_with_string_stations_and_end_labels():
    rng = random.Random(5)

    def values_of(_station, _day, _pollutant):
        return [None if rng.random() < 0.1 else rng.randint(0, 400) for _ in range(24)]

    frame, scalar = _grid([7, 8, 9], [date(2025, 2, 1), date(2025, 2, 2)], values_of)
    frame = frame.with_columns(
        ("S" + pl.col("station").cast(pl.String)).alias("station"), pl.col("time") + timedelta(hours=1)
    )
    daily = air.daily_station_frame(frame, time_label="end")
    scalar = {(f"S{station}", day): hours for (station, day), hours in scalar.items()}
    _assert_daily_matches(daily, scalar)
    assert air.daily_station_frame(frame.reverse(), time_label="end").equals(daily)


def test_dense_grid_of_three_decimal_floats_matches_scalar():
    """Float hours are scaled by 1000 exactly (every value is the double nearest to a 3-decimal number)."""
    rng = random.Random(3)

    def values_of(_station, _day, pollutant):
        top = 60_000 if pollutant == "CO" else 1_000_000
        hours = [rng.randint(0, top) / 1000 for _ in range(24)]
        for hour in rng.sample(range(24), rng.choice([0, 3, 5])):
            hours[hour] = None
        return hours

    days = [date(2025, 5, 1) + timedelta(days=i) for i in range(20)]
    frame, scalar = _grid([1, 2, 3], days, values_of, dtype=pl.Float64)
    _assert_daily_matches(air.daily_station_frame(frame), scalar)


def test_city_values_with_negative_inputs_and_a_station_in_two_cities():
    """Paths of city_daily_frame beside the packed sums: negative values (not refused there) and a
    station mapped to two cities (it counts in both, as in a join)."""
    day = date(2025, 1, 1)
    daily = pl.DataFrame(
        {
            "station": ["A", "B", "A", "B"],
            "date": [day, day, day + timedelta(days=1), day + timedelta(days=1)],
            "PM25_24H": [-3, 4, 10, None],
            "CO_24H": [Decimal("1.2"), Decimal("1.3"), None, None],
        },
        schema_overrides={"CO_24H": pl.Decimal(38, 1)},
    )
    city = air.city_daily_frame(daily, {"A": "C", "B": "C"})
    assert city["PM25_24H"].to_list() == [Decimal(0), Decimal(10)]  # 0.5 → 0 (half to even)
    assert city["PM25_24H_n"].to_list() == [2, 1]
    assert city["CO_24H"].to_list() == [Decimal("1.2"), None]  # 1.25 → 1.2
    assert city["CO_24H_n"].to_list() == [2, 0]
    both = air.city_daily_frame(daily, pl.DataFrame({"station": ["A", "A", "B"], "city": ["C1", "C2", "C1"]}))
    assert both["city"].to_list() == ["C1", "C1", "C2", "C2"]
    assert both["PM25_24H"].to_list() == [Decimal(0), Decimal(10), Decimal(-3), Decimal(10)]
    assert both["PM25_24H_n"].to_list() == [2, 1, 1, 1]


@pytest.mark.parametrize(
    "top",
    [
        pytest.param(400, id="int32-packing"),
        pytest.param(10**17, id="int64-packing"),
        pytest.param(2**60 - 1, id="int128-sums"),  # the packing fits Int64, a CO sum × 10 does not
        pytest.param(4 * 10**18, id="int128-packing"),
    ],
)
def test_city_packed_sums_match_scalar_at_every_size(top):
    """City values through the packed sums (value and presence in one 32-, 64- or 128-bit integer),
    two stations on one day."""
    rng = random.Random(top)
    day = date(2025, 3, 1)
    rows = [
        {
            "station": station,
            "date": day,
            "PM25_24H": rng.randint(top // 2, top),
            "CO_24H": Decimal(rng.randint(top // 2, top)).scaleb(-1),
        }
        for station in ("A", "B")
    ]
    daily = pl.DataFrame(
        rows, schema={"station": pl.String, "date": pl.Date, "PM25_24H": pl.Int64, "CO_24H": pl.Decimal(38, 1)}
    )
    row = air.city_daily_frame(daily, {"A": "C", "B": "C"}).row(0, named=True)
    for item, pollutant in (("PM25_24H", "PM25"), ("CO_24H", "CO")):
        expected = air.city_mean([r[item] for r in rows], pollutant)
        assert row[item] == expected.value, item
        assert row[f"{item}_n"] == expected.count
