"""AQI of daily and real-time reports (HJ 633-2012 §5, HJ 633-2026 §5): reference vectors and rules."""

from __future__ import annotations

from datetime import date, datetime

import pytest

import calc.air as air

ITEMS_2012 = ("SO2_24H", "NO2_24H", "PM10_24H", "CO_24H", "O3_1H", "O3_8H", "PM25_24H")

# hj633_vectors.csv rows D1–D7: concentrations (in ITEMS_2012 order), IAQIs, AQI, level, category,
# primary, non-attainment
DAILY = [
    ("D1", ("20", "50", "120", "1.2", "180", "150", "80"), (20, 63, 85, 30, 75, 92, 107), 107, "三级", "轻度污染", ("PM25_24H",), ("PM25_24H",)),
    ("D2", ("5", "20", "40", "0.5", "60", "50", "30"), (5, 25, 40, 13, 19, 25, 43), 43, "一级", "优", (), ()),
    ("D3", ("10", "30", "45", "0.8", "100", "80", "35"), (10, 38, 45, 20, 32, 40, 50), 50, "一级", "优", (), ()),
    ("D4", ("10", "30", "150", "0.8", "100", "80", "75"), (10, 38, 100, 20, 32, 40, 100), 100, "二级", "良", ("PM10_24H", "PM25_24H"), ()),
    ("D5", ("10", "30", None, "1", "100", "90", "160"), (10, 38, None, 25, 32, 45, 210), 210, "五级", "重度污染", ("PM25_24H",), ("PM25_24H",)),
    ("D6", ("30", "90", "450", "3", "50", "40", "300"), (30, 105, 338, 75, 16, 20, 350), 350, "六级", "严重污染", ("PM25_24H",), ("NO2_24H", "PM10_24H", "PM25_24H")),
    ("D7", ("8", "25", "60", "0.6", "280", "230", "40"), (8, 32, 55, 15, 140, 165, 57), 165, "四级", "中度污染", ("O3_8H",), ("O3_1H", "O3_8H")),
]


@pytest.mark.parametrize(
    ("concentrations", "iaqis", "expected_aqi", "level", "category", "primary", "exceeding"),
    [pytest.param(*row[1:], id=row[0]) for row in DAILY],
)
def test_daily_report_vectors(concentrations, iaqis, expected_aqi, level, category, primary, exceeding):
    result = air.aqi(dict(zip(ITEMS_2012, concentrations, strict=True)), rule=air.RULE_2012)
    assert dict(result.iaqi_by_pollutant) == dict(zip(ITEMS_2012, iaqis, strict=True))
    assert result.aqi == expected_aqi
    assert (result.level, result.category) == (level, category)
    assert result.primary_pollutants == primary
    assert result.non_attainment_pollutants == exceeding
    assert result.missing == tuple(
        item for item, value in zip(ITEMS_2012, concentrations, strict=True) if value is None
    )


def test_realtime_vector_r1():
    result = air.aqi(
        {
            "SO2_1H": 900,
            "SO2_24H": 300,
            "NO2_1H": 150,
            "CO_1H": 3,
            "O3_1H": 100,
            "O3_8H": 80,
            "PM10_24H": 100,  # 24-hour moving mean
            "PM25_24H": 60,  # 24-hour moving mean
        },
        rule=air.RULE_2012,
        report=air.REPORT_REALTIME,
    )
    assert dict(result.iaqi_by_pollutant) == {
        "SO2_1H": 124,
        "NO2_1H": 75,
        "PM10_24H": 75,
        "CO_1H": 30,
        "O3_1H": 32,
        "O3_8H": 40,
        "PM25_24H": 82,
    }
    assert result.aqi == 124
    assert (result.level, result.category, result.colour) == ("三级", "轻度污染", "橙色")
    assert result.primary_pollutants == ("SO2_1H",)
    assert result.details["SO2_1H"].substituted_by == "SO2_24H"
    assert result.ignored == ()


def test_realtime_2026_uses_six_one_hour_means():
    result = air.aqi(
        {"SO2_1H": 900, "NO2_1H": 150, "CO_1H": 3, "O3_1H": 100, "PM10_1H": 130, "PM25_1H": 80},
        rule=air.RULE_2026,
        report=air.REPORT_REALTIME,
    )
    assert dict(result.iaqi_by_pollutant) == {
        "SO2_1H": 200,  # > 800: fixed 200
        "NO2_1H": 75,
        "PM10_1H": 104,  # daily breakpoints
        "CO_1H": 30,
        "O3_1H": 32,
        "PM25_1H": 119,
    }
    assert result.aqi == 200
    assert result.primary_pollutants == ("SO2_1H",)
    assert result.non_attainment_pollutants is None  # definition deleted in HJ 633-2026


# HJ 633 Table 2: each band's (lower, upper) AQI, level, category, colour and RGB, tested at both ends
BANDS = [
    (0, 50, "一级", "优", "绿色", (0, 228, 0)),
    (51, 100, "二级", "良", "黄色", (255, 255, 0)),
    (101, 150, "三级", "轻度污染", "橙色", (255, 126, 0)),
    (151, 200, "四级", "中度污染", "红色", (255, 0, 0)),
    (201, 300, "五级", "重度污染", "紫色", (153, 0, 76)),
    (301, 500, "六级", "严重污染", "褐红色", (126, 0, 35)),
]


@pytest.mark.parametrize(
    ("value", "level", "category", "colour", "rgb"),
    [pytest.param(value, *row, id=str(value)) for lower, upper, *row in BANDS for value in (lower, upper)],
)
def test_levels_categories_colours(value, level, category, colour, rgb):
    row = air.level_of(value)
    assert (row.level, row.category, row.colour, row.rgb) == (level, category, colour, rgb)


def test_no_primary_pollutant_at_or_below_50():
    result = air.aqi({"PM25_24H": 35, "PM10_24H": 50}, rule=air.RULE_2012)
    assert result.aqi == 50
    assert result.primary_pollutants == ()


def test_primary_pollutant_just_above_50():
    result = air.aqi({"PM25_24H": "35.1"}, rule=air.RULE_2012)
    assert result.aqi == 51
    assert result.primary_pollutants == ("PM25_24H",)


def test_iaqi_100_is_not_exceeding_but_101_is():
    assert air.aqi({"PM25_24H": 75}, rule=air.RULE_2012).non_attainment_pollutants == ()
    assert air.aqi({"PM25_24H": "75.1"}, rule=air.RULE_2012).non_attainment_pollutants == ("PM25_24H",)


def test_missing_pollutants_2012_computed_on_the_rest():
    result = air.aqi({"PM25_24H": 80, "NO2_24H": None}, rule=air.RULE_2012)
    assert result.aqi == 107
    assert result.missing == ("SO2_24H", "NO2_24H", "PM10_24H", "CO_24H", "O3_1H", "O3_8H")
    assert result.iaqi_by_pollutant["NO2_24H"] is None


def test_nothing_present_gives_na():
    result = air.aqi({}, rule=air.RULE_2012)
    assert result.aqi is None and result.level is None and result.primary_pollutants == ()
    assert len(result.missing) == 7


def test_missing_2026_withholds_aqi_when_not_above_100():
    result = air.aqi({"PM25_24H": 50, "PM10_24H": 60}, rule=air.RULE_2026)
    assert result.aqi is None
    assert result.aqi_of_present == 80  # PM2.5 50 in (35, 60] → 80; PM10 60 in (50, 120] → 57.1 → 58
    assert result.level is None and result.primary_pollutants == ()
    assert dict(result.iaqi_by_pollutant) == {
        "SO2_24H": None,
        "NO2_24H": None,
        "PM10_24H": 58,
        "CO_24H": None,
        "O3_8H": None,
        "PM25_24H": 80,
    }
    assert any("5.3.1" in note for note in result.notes)


def test_missing_2026_publishes_when_above_100():
    result = air.aqi({"PM25_24H": 80}, rule=air.RULE_2026)
    assert result.aqi == 119
    assert result.primary_pollutants == ("PM25_24H",)
    assert result.category == "轻度污染"


def test_not_monitored_2026_does_not_count_as_missing():
    complete = {"SO2_24H": 5, "NO2_24H": 20, "PM10_24H": 40, "CO_24H": "0.5", "PM25_24H": 30}
    withheld = air.aqi(complete, rule=air.RULE_2026)
    assert withheld.aqi is None and withheld.missing == ("O3_8H",)
    published = air.aqi(complete, rule=air.RULE_2026, not_monitored={"O3_8H"})
    assert published.aqi == 43 and published.missing == ()
    assert "O3_8H" not in published.iaqi_by_pollutant


def test_2026_daily_report_drops_the_o3_one_hour_item():
    result = air.aqi(
        {"PM25_24H": 30, "O3_1H": 400, "O3_8H": 100, "SO2_24H": 5, "NO2_24H": 5, "PM10_24H": 5, "CO_24H": 1},
        rule=air.RULE_2026,
    )
    assert "O3_1H" not in result.iaqi_by_pollutant
    assert result.ignored == ("O3_1H",)
    assert result.aqi == 50


def test_rule_chosen_by_date():
    concentrations = {"PM25_24H": 80}
    assert air.aqi(concentrations, on=date(2026, 2, 28)).aqi == 107
    assert air.aqi(concentrations, on=date(2026, 3, 1)).aqi == 119
    assert air.aqi(concentrations, on=datetime(2026, 3, 1, 0, 0)).rule == air.RULE_2026


def test_over_800_rules_2012():
    # O3 8h > 800 reports the O3 1-h IAQI; SO2 1h > 800 the SO2 24-h IAQI
    daily = air.aqi({"O3_8H": 850, "O3_1H": 900}, rule=air.RULE_2012)
    assert daily.iaqi_by_pollutant["O3_8H"] == 350 and daily.iaqi_by_pollutant["O3_1H"] == 350
    without = air.aqi({"O3_8H": 850}, rule=air.RULE_2012)
    assert without.iaqi_by_pollutant["O3_8H"] is None and "O3_8H" in without.missing
    realtime = air.aqi({"SO2_1H": 900}, rule=air.RULE_2012, report=air.REPORT_REALTIME)
    assert realtime.iaqi_by_pollutant["SO2_1H"] is None and realtime.aqi is None


def test_over_800_rules_2026():
    assert (
        air.aqi(
            {"O3_8H": 850},
            rule=air.RULE_2026,
            not_monitored=("SO2_24H", "NO2_24H", "PM10_24H", "CO_24H", "PM25_24H"),
        ).aqi
        == 300
    )
    realtime = air.aqi({"SO2_1H": 900}, rule=air.RULE_2026, report=air.REPORT_REALTIME)
    assert realtime.iaqi_by_pollutant["SO2_1H"] == 200
    assert realtime.aqi == 200  # > 100, so published although the others are missing


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"rule": "nope"}, "unknown rule", id="rule"),
        pytest.param({"rule": air.RULE_2012, "report": "weekly"}, "unknown report", id="report"),
    ],
)
def test_invalid_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        air.aqi({"PM25_24H": 35}, **kwargs)


def test_unknown_item_is_refused():
    with pytest.raises(ValueError, match="unknown item"):
        air.aqi({"PM2.5": 35}, rule=air.RULE_2012)


def test_result_is_immutable():
    result = air.aqi({"PM25_24H": 35}, rule=air.RULE_2012)
    with pytest.raises(AttributeError):
        result.aqi = 1  # type: ignore[misc]
    with pytest.raises(TypeError):
        result.iaqi_by_pollutant["PM25_24H"] = 1  # type: ignore[index]
