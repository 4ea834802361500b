"""python-aqi 0.6.1 (``aqi.ALGO_MEP``) against our HJ 633-2012 implementation on shared inputs.

Each difference asserted here is explained in ``docs/standards.md`` ("python-aqi"). python-aqi is not
an oracle: ours follows the text of HJ 633-2012 (continuous segments, exact arithmetic, ceiling).
"""

from __future__ import annotations

from decimal import Decimal

import aqi  # python-aqi 0.6.1, a dev dependency (pyproject.toml)
import pytest
from aqi import constants

import calc.air as air

KEYS = {
    constants.POLLUTANT_PM25: "PM25_24H",
    constants.POLLUTANT_PM10: "PM10_24H",
    constants.POLLUTANT_SO2_24H: "SO2_24H",
    constants.POLLUTANT_SO2_1H: "SO2_1H",
    constants.POLLUTANT_NO2_24H: "NO2_24H",
    constants.POLLUTANT_NO2_1H: "NO2_1H",
    constants.POLLUTANT_CO_24H: "CO_24H",
    constants.POLLUTANT_CO_1H: "CO_1H",
    constants.POLLUTANT_O3_1H: "O3_1H",
    constants.POLLUTANT_O3_8H: "O3_8H",
}

# python_aqi_vs_hj633.csv: key, concentration, python-aqi 0.6.1 result (or exception), HJ 633-2012
# value, substitute concentration for the > 800 rows, difference number in docs/standards.md
ROWS = [
    ("pm25", "35", 50, 50, None, None),
    ("pm25", "36", 51, 52, None, 2),
    ("pm25", "35.5", 50, 51, None, 1),
    ("pm25", "80", 106, 107, None, 3),
    ("pm25", "501", IndexError, 500, None, 5),
    ("pm10", "151", 101, 101, None, None),
    ("so2_24h", "300", 124, 124, None, None),
    ("co_24h", "2.5", 50, 63, None, 1),
    ("co_24h", "3", 51, 75, None, 2),
    ("o3_8h", "200", 136, 137, None, 3),
    ("o3_8h", "801", TypeError, 350, "900", 4),
    ("so2_1h", "801", TypeError, 124, "300", 4),
    ("no2_24h", "85", 103, 103, None, None),
]


def _python_aqi(key: str, concentration: str) -> int:
    return int(aqi.to_iaqi(key, concentration, algo=aqi.ALGO_MEP))


@pytest.mark.parametrize(
    ("key", "concentration", "theirs", "ours", "substitute", "difference"),
    [pytest.param(*row, id=f"{row[0]}-{row[1]}") for row in ROWS],
)
def test_reference_rows(key, concentration, theirs, ours, substitute, difference):
    mine = air.iaqi(KEYS[key], Decimal(concentration), rule=air.RULE_2012, substitute=substitute)
    assert mine == ours
    if isinstance(theirs, type):
        with pytest.raises(theirs):
            _python_aqi(key, concentration)
    else:
        assert _python_aqi(key, concentration) == theirs
        assert (theirs != ours) is (difference is not None)


@pytest.mark.parametrize("key", list(KEYS))
def test_breakpoints_agree(key):
    """Difference 2 does not touch the breakpoints themselves: python-aqi's band ends are Table 1's."""
    table = air.tables.breakpoint_table(air.RULE_2012)[KEYS[key]]
    for segment in table:
        assert (
            _python_aqi(key, str(segment.bp_hi))
            == segment.iaqi_hi
            == air.iaqi(KEYS[key], segment.bp_hi, rule=air.RULE_2012)
        )


@pytest.mark.parametrize("key", [k for k in KEYS if not k.startswith("co")])
def test_integer_inputs_differ_by_at_most_one(key):
    """Differences 2 and 3 (EPA-style bands, half-even rounding) move µg/m³ values by at most 1."""
    top = int(air.tables.breakpoint_table(air.RULE_2012)[KEYS[key]][-1].bp_hi)
    differences = {
        _python_aqi(key, str(c)) - air.iaqi(KEYS[key], c, rule=air.RULE_2012) for c in range(top + 1)
    }
    assert differences <= {-1, 0, 1}
    assert -1 in differences  # they do differ somewhere


@pytest.mark.parametrize("key", ["co_24h", "co_1h"])
def test_carbon_monoxide_differs_widely(key):
    """Differences 1 and 2 on CO (mg/m³): truncation to an integer and the 1-mg gaps between bands."""
    worst = max(
        abs(
            _python_aqi(key, f"{tenths / 10:.1f}")
            - air.iaqi(KEYS[key], Decimal(tenths) / 10, rule=air.RULE_2012)
        )
        for tenths in range(0, 600)
    )
    assert worst >= 15  # e.g. CO 24-h 3 mg/m³: 51 against 75


@pytest.mark.parametrize(
    ("key", "concentration"),
    [
        pytest.param("pm25", "35.9", id="pm25"),
        pytest.param("pm10", "152.5", id="pm10"),
        pytest.param("co_24h", "2.9", id="co"),
    ],
)
def test_python_aqi_truncates_the_input(key, concentration):
    """Difference 1: python-aqi reads 35.9 as 35; we use the value."""
    truncated = str(int(Decimal(concentration)))
    assert _python_aqi(key, concentration) == _python_aqi(key, truncated)
    assert air.iaqi(KEYS[key], Decimal(concentration), rule=air.RULE_2012) != air.iaqi(
        KEYS[key], Decimal(truncated), rule=air.RULE_2012
    )


def test_missing_value_fails_in_python_aqi():
    """Difference 6: python-aqi cannot skip a missing pollutant; we compute on the rest (NA)."""
    with pytest.raises((TypeError, ValueError)):
        aqi.to_aqi([(constants.POLLUTANT_PM25, None)], algo=aqi.ALGO_MEP)
    assert air.aqi({"PM25_24H": None, "PM10_24H": 151}, rule=air.RULE_2012).aqi == 101


def test_python_aqi_has_no_2026_rules():
    """Difference 8: HJ 633-2026 moved the PM IAQI-100 breakpoints to 120/60."""
    assert _python_aqi("pm25", "80") == 106
    assert air.iaqi("PM25_24H", 80, rule=air.RULE_2026) == 119


def test_daily_aqi_of_the_vectors():
    """On whole daily records the AQI differs when the maximum pollutant hits a difference."""
    record = {
        "SO2_24H": "20",
        "NO2_24H": "50",
        "PM10_24H": "120",
        "CO_24H": "1.2",
        "O3_1H": "180",
        "O3_8H": "150",
        "PM25_24H": "80",
    }  # vector D1
    reverse = {item: key for key, item in KEYS.items()}
    theirs = int(aqi.to_aqi([(reverse[item], value) for item, value in record.items()], algo=aqi.ALGO_MEP))
    assert theirs == 106
    assert air.aqi(record, rule=air.RULE_2012).aqi == 107
