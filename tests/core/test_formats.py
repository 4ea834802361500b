"""Numbers and dates as offices print them (issue #12): one filter for numbers, one for dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from apps.core.templatetags.ecociv import cn_date, cn_datetime, cn_number, plain_number


@pytest.mark.parametrize(("value", "places", "text"), [
    (Decimal("22217100"), 2, "22,217,100.00"),  # 万元 with two decimals in the whole column
    (Decimal("85.5"), 2, "85.50"),
    (Decimal("2221.71"), None, "2,221.71"),
    (1234, 0, "1,234"),
    (1234, None, "1,234"),
    (Decimal("93.10"), None, "93.1"),  # no trailing zeros when the column does not fix them
    (Decimal("100.0000"), None, "100"),  # never 1E+2
    (Decimal("0.125"), 2, "0.13"),  # rounded half up, as offices round
    (Decimal("-1234.5"), 1, "-1,234.5"),
    (None, 2, "—"),
    ("", None, "—"),
    ("无", 2, "无"),  # text that is no number stays as it is
])
def test_cn_number(value, places, text):
    assert cn_number(value, places) == text


def test_an_input_value_has_no_separators():
    assert plain_number(Decimal("12345.6000")) == "12345.6" and plain_number(None) == ""


def test_dates_print_in_chinese_and_in_the_locale_in_english():
    day = dt.date(2026, 1, 23)
    moment = dt.datetime(2026, 1, 23, 6, 5, 9, tzinfo=dt.UTC)  # 14:05:09 in Beijing
    with translation.override("zh-hans"):
        assert cn_date(day) == "2026年1月23日" and cn_date(moment) == "2026年1月23日"
        assert cn_datetime(moment) == "2026年1月23日 14:05:09"
        assert cn_datetime(moment, "minutes") == "2026年1月23日 14:05"
    with translation.override("en"):
        assert "2026" in cn_date(day) and "-" not in cn_date(day)
