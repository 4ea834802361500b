"""#11.4: high-scale decimals never overflow a bulk path. Every bulk entry point rescales ``Decimal`` columns
exactly (or refuses them) and refuses values that would overflow, so bulk equals scalar at scales 0..18."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import calc.air as air
import calc.water as water
from calc.bulk_inputs import MAX_VALUE, normalise_numbers

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SCALES = st.integers(0, 18)
YEAR = [date(2025, 1, 1) + timedelta(days=i) for i in range(365)]


def _value(rng: random.Random, top: int, scale: int, places: int = 3) -> Decimal:
    """A value up to ``top`` with at most ``min(scale, places)`` decimals (exact at the column's scale)."""
    digits = min(scale, places)
    return Decimal(rng.randint(0, top * 10**digits)).scaleb(-digits)


def test_the_reported_cases():
    """Decimal(38, 15): IAQI 300 (was 197), annual mean 35 (was −16)."""
    frame = pl.DataFrame({"date": [date(2025, 1, 1)], "PM25_24H": [Decimal(250)]},
                         schema={"date": pl.Date, "PM25_24H": pl.Decimal(38, 15)})
    assert air.daily_aqi_frame(frame, rule=air.RULE_2012)["aqi"].to_list() == [300]
    year = pl.DataFrame({"city": "c", "date": YEAR, "PM25_24H": [Decimal(35)] * 365},
                        schema={"city": pl.String, "date": pl.Date, "PM25_24H": pl.Decimal(38, 15)})
    assert air.annual_city_statistics(year)["PM25_mean"].to_list() == [Decimal(35)]


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), scale=SCALES)
def test_daily_aqi_bulk_equals_scalar_at_every_scale(seed, scale):
    rng = random.Random(seed)
    rows = [{"date": date(2025, 1, 1) + timedelta(days=i),
             **{item: _value(rng, 1200 if item != "CO_24H" else 40, scale) for item in air.DAILY_ITEMS}}
            for i in range(20)]
    frame = pl.DataFrame(rows, schema={"date": pl.Date, **{item: pl.Decimal(38, scale) for item in air.DAILY_ITEMS}})
    result = air.daily_aqi_frame(frame, rule=air.RULE_2012)
    for source, row in zip(rows, result.to_dicts(), strict=True):
        expected = air.aqi({item: source[item] for item in air.DAILY_ITEMS}, rule=air.RULE_2012)
        assert row["aqi"] == expected.aqi
        assert {item: row[f"{item}_iaqi"] for item in air.DAILY_ITEMS} == {
            item: expected.iaqi_by_pollutant.get(item) for item in air.DAILY_ITEMS}


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), scale=SCALES)
def test_annual_statistics_and_decline_bulk_equal_scalar_at_every_scale(seed, scale):
    rng = random.Random(seed)
    days = YEAR + [date(2020, 1, 1) + timedelta(days=i) for i in range(366)]
    rows = [{"city": "c", "date": day, "PM25_24H": _value(rng, 400, scale), "CO_24H": _value(rng, 30, scale)}
            for day in days if rng.random() < 0.95]
    frame = pl.DataFrame(rows, schema={"city": pl.String, "date": pl.Date, "PM25_24H": pl.Decimal(38, scale),
                                       "CO_24H": pl.Decimal(38, scale)})
    annual = air.annual_city_statistics(frame)
    by_year = {row["year"]: row for row in annual.to_dicts()}
    for year, row in by_year.items():
        for item, name, p in (("PM25_24H", "PM25", 95), ("CO_24H", "CO", 95)):
            expected = air.annual_statistic(item, {r["date"]: r[item] for r in rows}, year=year)
            assert row[f"{name}_p{p}"] == expected.percentile_value
            assert row[f"{name}_valid"] == expected.valid
        expected_mean = air.annual_statistic("PM25_24H", {r["date"]: r["PM25_24H"] for r in rows}, year=year).mean
        assert row["PM25_mean"] == expected_mean
    declines = air.decline_frame(annual.with_columns(pl.col("PM25_mean").cast(pl.Decimal(38, scale))),
                                 base_year=2020, key="city")
    base, current = by_year[2020]["PM25_mean"], by_year[2025]["PM25_mean"]
    assert declines.filter(pl.col("year") == 2025)["decline_pct"].item() == air.pm25_decline(base, current)


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), scale=SCALES)
def test_hourly_and_city_bulk_equal_scalar_at_every_scale(seed, scale):
    rng = random.Random(seed)
    start = datetime(2025, 7, 1)
    hours = {station: {p: [_value(rng, 500 if p != "CO" else 20, scale) for _ in range(24)] for p in air.POLLUTANTS}
             for station in ("A", "B")}
    rows = [{"station": station, "time": start + timedelta(hours=h), **{p: hours[station][p][h] for p in air.POLLUTANTS}}
            for station in hours for h in range(24)]
    frame = pl.DataFrame(rows, schema={"station": pl.String, "time": pl.Datetime("us"),
                                       **{p: pl.Decimal(38, scale) for p in air.POLLUTANTS}})
    daily = air.daily_station_frame(frame)
    scalar = {station: air.station_daily(hours[station]) for station in hours}
    for row in daily.to_dicts():
        assert {item: row[item] for item in air.DAILY_ITEMS} == {
            item: value.value for item, value in scalar[row["station"]].items()}
    wide = daily.with_columns(pl.col(item).cast(pl.Decimal(38, scale)) for item in air.DAILY_ITEMS
                              if scale >= air.DECIMALS[item.split("_")[0]])
    city = air.city_daily_frame(wide, {"A": "C", "B": "C"}).row(0, named=True)
    for item in air.DAILY_ITEMS:
        expected = air.city_mean([scalar[s][item].value for s in scalar], item.split("_")[0])
        assert city[item] == expected.value, item


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), scale=SCALES)
def test_water_bulk_equals_scalar_at_every_scale(seed, scale):
    rng = random.Random(seed)
    items = ("NH3N", "TP", "Hg", "DO", "COD")
    rows = [{"section": f"S{i % 3}", **{item: _value(rng, 3 if item != "COD" else 60, scale, places=6)
                                          for item in items}} for i in range(12)]
    frame = pl.DataFrame(rows, schema={"section": pl.String, **{item: pl.Decimal(38, scale) for item in items}})
    classes = {row["section"]: row["class"] for row in water.section_classes_frame(frame, by="section").to_dicts()}
    for section, class_ in classes.items():
        samples = [{item: r[item] for item in items} for r in rows if r["section"] == section]
        assert class_ == water.classify_section(water.mean_values(samples)).class_
    per_row = water.classify_samples_frame(frame)["class"].to_list()
    assert per_row == [water.classify_section({item: r[item] for item in items}).class_ for r in rows]


@pytest.mark.parametrize("scale", [4, 15, 18])
def test_more_significant_decimals_than_a_path_needs_are_refused(scale):
    frame = pl.DataFrame({"date": [date(2025, 1, 1)], "PM25_24H": [Decimal("35.0001")]},
                         schema={"date": pl.Date, "PM25_24H": pl.Decimal(38, scale)})
    with pytest.raises(ValueError, match="'PM25_24H' has values with more than 3 decimals"):
        air.daily_aqi_frame(frame, rule=air.RULE_2012)
    with pytest.raises(ValueError, match="more than 3 decimals"):
        air.annual_city_statistics(frame.with_columns(pl.lit("c").alias("city")))
    samples = pl.DataFrame({"section": ["S"], "Hg": [Decimal("0.000050001")]},
                           schema={"section": pl.String, "Hg": pl.Decimal(38, max(scale, 9))})
    with pytest.raises(ValueError, match="'Hg' has values with more than 8 decimals"):
        water.section_classes_frame(samples, by="section")


@pytest.mark.parametrize("dtype", [pl.Int64, pl.Decimal(38, 0), pl.Decimal(38, 3), pl.Decimal(38, 18)])
def test_values_that_would_overflow_the_int64_paths_are_refused(dtype):
    frame = pl.DataFrame({"date": [date(2025, 1, 1)] * 2, "PM25_24H": [MAX_VALUE, 5]},
                         schema={"date": pl.Date, "PM25_24H": dtype})
    with pytest.raises(ValueError, match="'PM25_24H' has values of 1e\\+09 or more"):
        air.daily_aqi_frame(frame, rule=air.RULE_2012)
    below = frame.with_columns(pl.col("PM25_24H") - 1)
    assert air.daily_aqi_frame(below, rule=air.RULE_2012)["aqi"].to_list() == [500, 6]  # 4 µg/m³ → ⌈5.7⌉


def test_normalise_numbers_keeps_exact_columns_and_floats_as_they_are():
    frame = pl.DataFrame({"a": [Decimal("1.500")], "b": [2.5], "c": [3]},
                         schema={"a": pl.Decimal(38, 3), "b": pl.Float64, "c": pl.Int64})
    assert normalise_numbers(frame, ["a", "b", "c"], max_scale=3).equals(frame)
    high = frame.with_columns(pl.col("a").cast(pl.Decimal(38, 18)))
    assert normalise_numbers(high, ["a"], max_scale=3).schema["a"] == pl.Decimal(38, 3)
    assert normalise_numbers(high.with_columns(pl.lit(None, pl.Decimal(38, 18)).alias("a")), ["a"],
                             max_scale=3)["a"].to_list() == [None]
