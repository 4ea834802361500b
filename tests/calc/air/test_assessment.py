"""HJ 663-2013 / GB 3095-2012 assessment statistics: the reference vectors H01–H20 and more."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest

import calc.air as air

# hj663_vectors.csv H01–H05: (id, values, p, exact percentile)
PERCENTILES = [
    ("H01", [3, 4, 8, 2, 5, 4], 90, Decimal("6.5")),
    ("H02", list(range(1, 11)), 95, Decimal("9.55")),
    ("H03", [150], 90, Decimal(150)),
    (
        "H04",
        [
            "0.4",
            "0.5",
            "0.5",
            "0.6",
            "0.6",
            "0.7",
            "0.7",
            "0.8",
            "0.8",
            "0.9",
            "0.9",
            "1.0",
            "1.0",
            "1.1",
            "1.2",
            "1.3",
            "1.4",
            "1.6",
            "1.9",
            "2.3",
        ],
        95,
        Decimal("1.92"),
    ),
    ("H05", list(range(100, 201, 10)), 90, Decimal(190)),
]


@pytest.mark.parametrize(
    ("values", "p", "expected"), [pytest.param(*row[1:], id=row[0]) for row in PERCENTILES]
)
def test_percentile_vectors(values, p, expected):
    assert air.percentile(values, p) == expected


def test_h04_reported_with_one_decimal():
    values = PERCENTILES[3][1]
    days = {date(2025, 1, 1) + timedelta(days=i): Decimal(v) for i, v in enumerate(values)}
    statistic = air.annual_statistic("CO_24H", days, year=2025)
    assert statistic.percentile_exact == Decimal("1.92")
    assert statistic.percentile_value == Decimal("1.9")
    assert statistic.mean is None  # CO has no annual-mean assessment


@pytest.mark.parametrize(
    ("p", "expected"),
    [
        pytest.param(0, Decimal(2), id="p0"),
        pytest.param(100, Decimal(8), id="p100"),
        pytest.param(50, Decimal(4), id="p50"),
    ],
)
def test_percentile_ends(p, expected):
    assert air.percentile([3, 4, 8, 2, 5, 4], p) == expected


def test_percentile_refuses_no_values_and_bad_p():
    with pytest.raises(ValueError):
        air.percentile([], 90)
    with pytest.raises(ValueError):
        air.percentile([1, 2], 101)


def test_h06_annual_mean_rounds_half_to_even():
    days = {date(2025, 1, d): Decimal(v) for d, v in zip(range(1, 5), [34, 35, 35, 34], strict=True)}
    statistic = air.annual_statistic("PM25_24H", days, year=2025)
    assert statistic.mean_exact == Fraction(69, 2)
    assert statistic.mean == Decimal(34)  # half-up would give 35
    assert not statistic.valid  # 4 days


@pytest.mark.parametrize(
    ("hours", "valid"), [pytest.param(19, False, id="H07-19h"), pytest.param(20, True, id="H08-20h")]
)
def test_daily_validity(hours, valid):
    values = [Decimal(40)] * hours + [None] * (24 - hours)
    result = air.daily_mean(values, "PM25")
    assert result.valid is valid
    assert result.count == hours
    assert result.value == (Decimal(40) if valid else None)


@pytest.mark.parametrize(
    ("hours", "valid"), [pytest.param(5, False, id="H09-5of8"), pytest.param(6, True, id="H10-6of8")]
)
def test_eight_hour_window_validity(hours, valid):
    values: list[Decimal | None] = [None] * 24
    for hour in range(8 - hours, 8):  # the window ending at the hour starting 07:00
        values[hour] = Decimal(100)
    means = air.o3_8h_means(values)
    assert (means[0] is not None) is valid


def _o3_day(missing_leading_hours: int, value: int) -> list[Decimal | None]:
    return [None] * missing_leading_hours + [Decimal(value)] * (24 - missing_leading_hours)


@pytest.mark.parametrize(
    ("missing", "value", "windows", "valid"),
    [
        pytest.param(6, 170, 13, True, id="H11-13-windows-above-limit"),
        pytest.param(6, 150, 13, False, id="H12-13-windows-below-limit"),
        pytest.param(5, 150, 14, True, id="H13-14-windows"),
        pytest.param(6, 160, 13, False, id="13-windows-at-limit-is-not-exceeding"),
        pytest.param(6, 161, 13, True, id="13-windows-161"),
    ],
)
def test_o3_daily_max_8h_validity(missing, value, windows, valid):
    result = air.o3_daily_max_8h(_o3_day(missing, value))
    assert result.count == windows
    assert result.valid is valid
    assert result.value == (Decimal(value) if valid else None)


def test_o3_daily_max_8h_uses_windows_inside_the_day_and_rounds_each_mean():
    hourly: list[Decimal | None] = [Decimal(50)] * 24
    hourly[20:24] = [Decimal(201)] * 4  # window 16–23: (4·50 + 4·201)/8 = 125.5 → 126? half-even → 126
    result = air.o3_daily_max_8h(hourly)
    assert result.exact == Fraction(1004, 8)
    assert result.value == Decimal(126)  # 125.5 → 126 (6 is even)
    hourly[20:24] = [Decimal(199)] * 4  # 124.5 → 124
    assert air.o3_daily_max_8h(hourly).value == Decimal(124)


@pytest.mark.parametrize(
    ("removals", "valid"),
    [
        pytest.param({1: 1, 3: 1, 5: 1, 7: 1, 8: 1, 10: 1, 12: 1}, True, id="H14-358d-all-months-ok"),
        pytest.param({4: 4, 1: 1, 3: 1, 5: 1, 7: 1, 8: 1, 10: 1, 12: 1}, False, id="H15-354d-april-26"),
        pytest.param({2: 3, 1: 1, 3: 1, 5: 1, 7: 1, 8: 1, 10: 1, 12: 1}, True, id="H16-355d-feb-25"),
    ],
)
def test_annual_validity_vectors(removals, valid):
    days = []
    for month in range(1, 13):
        length = (date(2025, month % 12 + 1, 1) - timedelta(days=1)).day if month < 12 else 31
        days += [date(2025, month, d) for d in range(1 + removals.get(month, 0), length + 1)]
    result = air.annual_validity(days, 2025)
    assert result.days == 365 - sum(removals.values())
    assert result.valid is valid


def test_h17_exactly_27_per_month_is_valid():
    days = [date(2025, month, d) for month in range(1, 13) for d in range(1, 28)]
    result = air.annual_validity(days, 2025)
    assert (result.days, result.valid, result.short_months) == (324, True, ())


def test_h18_323_days_is_invalid_even_with_every_month_complete():
    days = [date(2025, month, d) for month in range(1, 13) for d in range(1, 28 if month != 2 else 27)]
    result = air.annual_validity(days, 2025)
    assert (result.days, result.valid, result.short_months) == (323, False, ())


def test_february_minimum_is_25_and_26_is_not_enough_elsewhere():
    days = [date(2025, month, d) for month in range(1, 13) for d in range(1, 29 if month != 2 else 26)]
    assert air.annual_validity(days, 2025).valid  # Feb 25, others 28: 333
    days = [day for day in days if not (day.month == 6 and day.day > 26)]
    result = air.annual_validity(days, 2025)
    assert not result.valid and result.short_months == (6,)


def test_h19_good_days_ratio():
    aqis = [80] * 300 + [150] * 60 + [None] * 5
    result = air.good_days_ratio(aqis)
    assert (result.good_days, result.valid_days) == (300, 360)
    assert result.ratio == Decimal("83.3")


def test_good_days_ratio_counts_100_as_good():
    assert air.good_days_ratio([100, 101]).ratio == Decimal("50.0")
    assert air.good_days_ratio([None]).ratio is None


def test_h20_city_mean_of_valid_stations():
    result = air.city_mean([30, 45, None, 52], "PM25")
    assert result.exact == Fraction(127, 3)
    assert result.value == Decimal(42)
    assert result.count == 3


def test_city_mean_co_keeps_one_decimal():
    assert air.city_mean([Decimal("1.2"), Decimal("1.3")], "CO").value == Decimal("1.2")  # 1.25 → 1.2
    assert air.city_mean([None, None], "CO").value is None


def test_daily_mean_rounding():
    assert air.daily_mean([Decimal(34), Decimal(35)] * 10, "PM25").value == Decimal(34)  # 34.5 → 34
    assert air.daily_mean([Decimal(35), Decimal(36)] * 10, "PM25").value == Decimal(36)  # 35.5 → 36
    assert air.daily_mean([Decimal("2.4"), Decimal("2.5")] * 10, "CO").value == Decimal("2.4")  # 2.45 → 2.4


def test_station_daily_gives_every_daily_item():
    hourly = {p: [Decimal(10)] * 24 for p in ("SO2", "NO2", "PM10", "PM25", "O3")}
    hourly["CO"] = [Decimal("0.8")] * 24
    result = air.station_daily(hourly)
    assert set(result) == set(air.DAILY_ITEMS)
    assert result["CO_24H"].value == Decimal("0.8")
    assert result["O3_8H"].count == 17


def test_city_daily_series():
    stations = {"A": {date(2025, 1, 1): 30}, "B": {date(2025, 1, 1): 45, date(2025, 1, 2): 50}}
    series = air.city_daily_series(stations, "PM25")
    assert series[date(2025, 1, 1)].value == Decimal(38)  # 37.5 → 38
    assert series[date(2025, 1, 2)].value == Decimal(50)


@pytest.mark.parametrize(
    ("base", "current", "expected"),
    [
        pytest.param(50, 40, Decimal("20.0"), id="20pct"),
        pytest.param(35, 33, Decimal("5.7"), id="5.714"),
        pytest.param(40, 42, Decimal("-5.0"), id="worse"),
        pytest.param(32, 31, Decimal("3.1"), id="3.125-half-even"),
    ],
)
def test_pm25_decline(base, current, expected):
    assert air.pm25_decline(base, current) == expected


def test_pm25_decline_needs_positive_base():
    with pytest.raises(ValueError):
        air.pm25_decline(0, 10)


def test_annual_statistics_of_a_full_year():
    start = date(2025, 1, 1)
    daily = {start + timedelta(days=i): Decimal(i % 100) for i in range(365)}
    statistic = air.annual_statistic("SO2_24H", daily, year=2025)
    assert statistic.valid and statistic.percentile == 98
    assert statistic.mean_exact == Fraction(sum(i % 100 for i in range(365)), 365)
    assert statistic.percentile_exact == air.percentile([i % 100 for i in range(365)], 98)


def test_unknown_statistic_item():
    with pytest.raises(ValueError):
        air.annual_statistic("O3_1H", {}, year=2025)
