"""IAQI after HJ 633-2012 and HJ 633-2026: the reference vectors, every breakpoint and ±0.1 around it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

import calc.air as air
from calc.air.tables import breakpoint_table

# hj633_vectors.csv, rows A01–A22 and B01–B09: (id, rule, item, concentration, substitute, expected)
VECTORS = [
    ("A01", "HJ633-2012", "PM25_24H", "0", None, 0),
    ("A02", "HJ633-2012", "PM25_24H", "35", None, 50),
    ("A03", "HJ633-2012", "PM25_24H", "35.1", None, 51),
    ("A04", "HJ633-2012", "PM25_24H", "75", None, 100),
    ("A05", "HJ633-2012", "PM25_24H", "80", None, 107),
    ("A06", "HJ633-2012", "PM25_24H", "500", None, 500),
    ("A07", "HJ633-2012", "PM25_24H", "501", None, 500),
    ("A08", "HJ633-2012", "PM10_24H", "151", None, 101),
    ("A09", "HJ633-2012", "PM10_24H", "420", None, 300),
    ("A10", "HJ633-2012", "SO2_24H", "300", None, 124),
    ("A11", "HJ633-2012", "NO2_24H", "85", None, 103),
    ("A12", "HJ633-2012", "NO2_1H", "250", None, 105),
    ("A13", "HJ633-2012", "CO_24H", "2.5", None, 63),
    ("A14", "HJ633-2012", "CO_1H", "12", None, 104),
    ("A15", "HJ633-2012", "O3_1H", "250", None, 125),
    ("A16", "HJ633-2012", "O3_8H", "200", None, 137),
    ("A17", "HJ633-2012", "O3_8H", "800", None, 300),
    ("A18", "HJ633-2012", "O3_8H", "850", "900", 350),
    ("A19", "HJ633-2012", "SO2_1H", "800", None, 200),
    ("A20", "HJ633-2012", "SO2_1H", "900", "300", 124),
    ("A21", "HJ633-2012", "SO2_24H", "2620", None, 500),
    ("A22", "HJ633-2012", "CO_24H", "60", None, 500),
    ("B01", "HJ633-2026", "PM25_24H", "80", None, 119),
    ("B02", "HJ633-2026", "PM25_24H", "60", None, 100),
    ("B03", "HJ633-2026", "PM10_24H", "130", None, 104),
    ("B04", "HJ633-2026", "SO2_1H", "900", None, 200),
    ("B05", "HJ633-2026", "O3_8H", "850", None, 300),
    ("B06", "HJ633-2026", "PM25_24H", "34.5", None, 49),
    ("B07", "HJ633-2026", "PM25_24H", "35.5", None, 52),
    ("B08", "HJ633-2026", "CO_24H", "2.45", None, 60),
    ("B09", "HJ633-2026", "PM25_1H", "80", None, 119),
]

# raw 式1 values of the 2012 vectors (hj633_vectors.csv column raw_or_iaqis)
RAW = {
    "A03": Fraction("50.125"),
    "A05": Fraction("106.25"),
    "A08": Fraction("100.5"),
    "A10": Fraction(1600, 13),  # 123.0769…
    "A13": Fraction("62.5"),
    "A16": Fraction(1500, 11),  # 136.3636…
}


@pytest.mark.parametrize(
    ("rule", "item", "concentration", "substitute", "expected"),
    [pytest.param(*row[1:], id=row[0]) for row in VECTORS],
)
def test_reference_vectors(rule, item, concentration, substitute, expected):
    assert air.iaqi(item, Decimal(concentration), rule=rule, substitute=substitute) == expected


@pytest.mark.parametrize(("vector", "raw"), list(RAW.items()), ids=list(RAW))
def test_raw_value_before_the_ceiling(vector, raw):
    row = next(row for row in VECTORS if row[0] == vector)
    detail = air.iaqi_detail(row[2], Decimal(row[3]), rule=row[1])
    assert detail.raw == raw
    assert detail.iaqi == -(-raw.numerator // raw.denominator)


# Hand-worked values at and around breakpoints (rule, item, concentration, IAQI)
AROUND = [
    ("HJ633-2012", "PM25_24H", "34.9", 50),  # 49.857 → 50
    ("HJ633-2012", "PM25_24H", "35.0", 50),
    ("HJ633-2012", "PM25_24H", "35.1", 51),
    ("HJ633-2012", "PM25_24H", "74.9", 100),  # 99.875
    ("HJ633-2012", "PM25_24H", "75.1", 101),  # 100.125
    ("HJ633-2012", "PM10_24H", "149.9", 100),
    ("HJ633-2012", "PM10_24H", "150.1", 101),  # 100.05
    ("HJ633-2012", "CO_24H", "3.9", 98),  # 97.5 → 98
    ("HJ633-2012", "CO_24H", "4.1", 101),  # 100.5 → 101
    ("HJ633-2012", "O3_8H", "159.9", 100),
    ("HJ633-2012", "O3_8H", "160.1", 101),
    ("HJ633-2012", "SO2_1H", "799.9", 200),
    ("HJ633-2012", "SO2_1H", "800.1", None),  # > 800 without the 24-h mean: NA
    ("HJ633-2012", "O3_8H", "800.1", None),  # > 800 without the 1-h value: NA
    ("HJ633-2026", "PM25_24H", "34.9", 50),  # rounded to 35
    ("HJ633-2026", "PM25_24H", "35.1", 50),  # rounded to 35 (2012: 51)
    ("HJ633-2026", "PM25_24H", "59.9", 100),  # rounded to 60
    ("HJ633-2026", "PM25_24H", "60.1", 100),  # rounded to 60
    ("HJ633-2026", "PM25_24H", "60.5", 100),  # half to even: 60
    ("HJ633-2026", "PM25_24H", "60.6", 101),  # 61 → 100.909 → 101
    ("HJ633-2026", "PM10_24H", "119.9", 100),
    ("HJ633-2026", "PM10_24H", "120.5", 100),  # half to even: 120
    ("HJ633-2026", "PM10_24H", "121", 101),
    ("HJ633-2026", "CO_24H", "2.05", 50),  # half to even: 2.0
    ("HJ633-2026", "SO2_1H", "800.4", 200),  # rounded to 800: the table
    ("HJ633-2026", "SO2_1H", "800.6", 200),  # rounded to 801 > 800: fixed 200
    ("HJ633-2026", "O3_8H", "800.6", 300),
]


@pytest.mark.parametrize(
    ("rule", "item", "concentration", "expected"),
    [pytest.param(*row, id=f"{row[0][-4:]}-{row[1]}-{row[2]}") for row in AROUND],
)
def test_hand_worked_values_around_breakpoints(rule, item, concentration, expected):
    assert air.iaqi(item, Decimal(concentration), rule=rule) == expected


def test_co_half_even_rounding_under_2026():
    # 2.15 → 2.2 (half to even keeps the even digit 2): (2.2 − 2)·25 + 50 = 55
    assert air.iaqi("CO_24H", Decimal("2.15"), rule=air.RULE_2026) == 55
    assert air.iaqi("CO_24H", Decimal("2.25"), rule=air.RULE_2026) == 55  # 2.2 again
    assert air.iaqi("CO_24H", Decimal("2.15"), rule=air.RULE_2012) == 54  # 53.75, no rounding


def _breakpoint_cases():
    for rule in air.RULES:
        for column, segments in breakpoint_table(rule).items():
            for index, segment in enumerate(segments):
                yield pytest.param(rule, column, segment, index, id=f"{rule[-4:]}-{column}-{segment.bp_hi}")


def _expected(segment, concentration: Fraction) -> int:
    raw = (
        Fraction(segment.iaqi_hi - segment.iaqi_lo, 1)
        / Fraction(segment.bp_hi - segment.bp_lo)
        * (concentration - Fraction(segment.bp_lo))
        + segment.iaqi_lo
    )
    return -(-raw.numerator // raw.denominator)


@pytest.mark.parametrize(("rule", "column", "segment", "index"), list(_breakpoint_cases()))
def test_every_breakpoint_and_a_tenth_around_it(rule, column, segment, index):
    """At each upper breakpoint the IAQI is the table value; 0.1 below/above follow the segments.

    Under HJ 633-2026 inputs are first rounded (integers; CO 1 decimal), so ±0.1 of a µg/m³ value
    falls back on the breakpoint itself.
    """
    table = breakpoint_table(rule)[column]
    top = Fraction(segment.bp_hi)
    assert air.iaqi(column, segment.bp_hi, rule=rule) == segment.iaqi_hi
    assert air.iaqi(column, segment.bp_lo, rule=rule) == segment.iaqi_lo
    tenth = Fraction(1, 10)
    rounds_away = rule == air.RULE_2026 and not column.startswith("CO")
    below = air.iaqi(column, Decimal(segment.bp_hi) - Decimal("0.1"), rule=rule)
    above = air.iaqi(column, Decimal(segment.bp_hi) + Decimal("0.1"), rule=rule)
    assert below == (segment.iaqi_hi if rounds_away else _expected(segment, top - tenth))
    if index + 1 < len(table):
        following = table[index + 1]
        assert above == (segment.iaqi_hi if rounds_away else _expected(following, top + tenth))
        assert above is not None and above > segment.iaqi_hi or rounds_away
    elif column in ("SO2_1H", "O3_8H") and top == 800:
        if rule == air.RULE_2012:
            assert above == (None if not rounds_away else segment.iaqi_hi)
        else:
            assert above == (segment.iaqi_hi if rounds_away else air.FIXED_ABOVE_800_2026[column])
    else:
        assert above == 500  # above the table: capped by convention


@pytest.mark.parametrize("rule", air.RULES)
def test_iaqi_never_decreases_with_concentration(rule):
    for column in ("PM25_24H", "PM10_24H", "CO_24H", "O3_1H", "NO2_1H"):
        previous = -1
        for tenths in range(0, 6500, 7):
            value = air.iaqi(column, Decimal(tenths) / 10, rule=rule)
            assert value is not None and value >= previous
            previous = value


def test_float_input_is_read_through_its_repr():
    assert air.iaqi("PM25_24H", 35.1, rule=air.RULE_2012) == 51
    assert air.iaqi("PM25_24H", 75.0, rule=air.RULE_2012) == 100  # no 100.00000000000001 → 101


def test_substitution_is_explained():
    detail = air.iaqi_detail("SO2_1H", 900, rule=air.RULE_2012, substitute=300)
    assert detail.iaqi == 124
    assert detail.substituted_by == "SO2_24H"
    assert "SO2_24H" in detail.note


def test_cap_is_explained():
    detail = air.iaqi_detail("PM25_24H", 501, rule=air.RULE_2012)
    assert detail.iaqi == 500
    assert "convention" in detail.note


def test_rule_from_date():
    assert air.rule_for_date(date(2026, 2, 28)) == air.RULE_2012
    assert air.rule_for_date(date(2026, 3, 1)) == air.RULE_2026
    assert air.iaqi("PM25_24H", 80, on=date(2026, 2, 28)) == 107
    assert air.iaqi("PM25_24H", 80, on=date(2026, 3, 1)) == 119


def test_explicit_rule_wins_over_date():
    assert air.iaqi("PM25_24H", 80, rule=air.RULE_2012, on=date(2026, 3, 1)) == 107


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"rule": "HJ633-2016"}, "unknown rule", id="unknown-rule"),
        pytest.param({}, "pass rule=", id="no-rule-no-date"),
    ],
)
def test_rule_must_be_known(kwargs, message):
    with pytest.raises(ValueError, match=message):
        air.iaqi("PM25_24H", 35, **kwargs)


@pytest.mark.parametrize(
    ("item", "concentration", "message"),
    [
        pytest.param("PM2.5", 35, "unknown item", id="unknown-item"),
        pytest.param("PM25_24H", -1, "negative", id="negative"),
        pytest.param("PM25_1H", 35, "24-hour moving mean", id="pm-1h-under-2012"),
        pytest.param("PM25_24H", "abc", "not a decimal", id="not-a-number"),
        pytest.param("PM25_24H", float("nan"), "not a finite", id="nan"),
    ],
)
def test_invalid_input(item, concentration, message):
    with pytest.raises(ValueError, match=message):
        air.iaqi(item, concentration, rule=air.RULE_2012)


def test_bool_is_not_a_concentration():
    with pytest.raises(TypeError):
        air.iaqi("PM25_24H", True, rule=air.RULE_2012)
