import datetime as dt
from decimal import Decimal

import pytest

from docgen.numbers import cn_amount, cn_change, cn_date, cn_month, cn_number, cn_percent, wan_to_yi


@pytest.mark.parametrize(("value", "places", "expected"), [
    (Decimal("1234.50"), None, "1,234.5"),
    (Decimal("1E+2"), None, "100"),
    (1234567, None, "1,234,567"),
    (0.1 + 0.2, 2, "0.3"),
    (Decimal("-9876.543"), 1, "-9,876.5"),
    (Decimal("0.000"), None, "0"),
    (None, None, "—"),
])
def test_numbers_print_with_thousands_separators_and_no_artefacts(value, places, expected):
    assert cn_number(value, places) == expected


def test_amounts_are_in_yi_from_one_yi_up_else_in_wan():
    assert cn_amount(Decimal("22217100")) == "2,221.71亿元"
    assert cn_amount(Decimal("3565")) == "3,565万元"
    assert cn_amount(Decimal("356.456")) == "356.46万元"
    assert wan_to_yi(Decimal("15000")) == Decimal("1.50")


def test_dates_percent_and_change():
    assert cn_date(dt.date(2026, 1, 23)) == "2026年1月23日"
    assert cn_month(dt.date(2025, 6, 30)) == "2025年6月"
    assert cn_percent(Decimal("93.456")) == "93.5%"
    assert cn_change(Decimal("1.2")) == "+1.2"
    assert cn_change(Decimal("-0.345"), "个百分点") == "-0.35个百分点"
    assert cn_change(Decimal(0)) == "持平"
    assert cn_change(None) == "—"
