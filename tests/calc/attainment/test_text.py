"""Chinese wording of numbers, units and differences."""

from __future__ import annotations

from decimal import Decimal

import pytest

from calc.attainment import fmt_difference, fmt_number, fmt_quantity, unit_label
from calc.attainment.exact import round_ratio


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        pytest.param("93.10", None, "93.1", id="trailing-zero"),
        pytest.param("1E+2", None, "100", id="exponent"),
        pytest.param("100.000", None, "100", id="integral"),
        pytest.param("-0.0", None, "0", id="negative-zero"),
        pytest.param("0.000015", None, "0.000015", id="small"),
        pytest.param("-1.25", None, "-1.25", id="negative"),
        pytest.param("1.245", 2, "1.25", id="round-half-up"),
        pytest.param("-1.245", 2, "-1.25", id="round-half-away-from-zero"),
        pytest.param("1.999", 2, "2", id="round-to-integer"),
    ],
)
def test_fmt_number(value: str, places: int | None, expected: str) -> None:
    assert fmt_number(Decimal(value), places=places) == expected


@pytest.mark.parametrize(
    ("unit", "label"),
    [
        pytest.param("%", "%", id="percent"),
        pytest.param("μg/m3", "微克/立方米", id="micro-greek"),
        pytest.param("µg/m³", "微克/立方米", id="micro-sign-superscript"),
        pytest.param("m3/万元", "立方米/万元", id="water-intensity"),
        pytest.param("m2/人", "平方米/人", id="park-area"),
        pytest.param("tce/万元", "吨标准煤/万元", id="energy-intensity"),
        pytest.param("吨标准煤/万元", "吨标准煤/万元", id="chinese-passes-through"),
        pytest.param("-", "", id="dash-means-none"),
        pytest.param(None, "", id="none"),
    ],
)
def test_unit_label(unit: str | None, label: str) -> None:
    assert unit_label(unit) == label


def test_quantities_and_differences() -> None:
    assert fmt_quantity(Decimal("93.10"), "%") == "93.1%"
    assert fmt_difference(Decimal("1.9"), "%") == "1.9个百分点"
    assert fmt_difference(Decimal("0.3"), "μg/m3") == "0.3微克/立方米"
    assert fmt_difference(Decimal("0.30"), "") == "0.3"


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        pytest.param(1, 3, "0.333333", id="third"),
        pytest.param(2, 3, "0.666667", id="two-thirds"),
        pytest.param(1, 2_000_000, "0.000001", id="half-rounds-up"),
        pytest.param(-1, 2_000_000, "-0.000001", id="negative-half-rounds-away"),
        pytest.param(1, 3_000_000, "0", id="below-half"),
        pytest.param(5, -2, "-2.5", id="negative-denominator"),
    ],
)
def test_round_ratio(numerator: int, denominator: int, expected: str) -> None:
    assert round_ratio(numerator, denominator) == Decimal(expected)


def test_round_ratio_rejects_zero_denominator() -> None:
    with pytest.raises(ZeroDivisionError):
        round_ratio(1, 0)
