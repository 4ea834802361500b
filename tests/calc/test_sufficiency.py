"""#11.2: annual values state whether their data suffice (air GB 3095 Table 4, water every month), with the
reason the user reads."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

import calc.air as air
import calc.water as water
from calc.sufficiency import SUFFICIENT, Sufficiency, combined, insufficient

YEAR = [date(2025, 1, 1) + timedelta(days=i) for i in range(365)]


def test_two_days_are_insufficient_with_the_reason():
    validity = air.annual_validity([date(2025, 1, 1), date(2025, 1, 2)], 2025)
    assert validity.sufficiency == Sufficiency(False, "有效天数 2 天，少于 324 天；1月有效天数 2 天，少于 27 天；2–12月无有效天数")
    assert validity.sufficiency.label.startswith("数据不足（有效天数 2 天")


def test_a_full_year_is_sufficient_and_one_short_month_is_named():
    assert air.annual_validity(YEAR, 2025).sufficiency == SUFFICIENT
    short = air.annual_validity([d for d in YEAR if not (d.month == 4 and d.day > 26)], 2025).sufficiency
    assert short == insufficient("4月有效天数 26 天，少于 27 天")  # 361 days in the year: only April is short
    months = [d for d in YEAR if d.month not in (3, 4, 5, 9)]
    assert air.annual_validity(months, 2025).sufficiency.reason.endswith("3–5月、9月无有效天数")


def test_validity_of_counts_equals_validity_of_days_and_checks_its_input():
    days = [d for d in YEAR if d.day % 9]
    assert air.annual_validity_of_counts(air.annual_validity(days, 2025).days_by_month) == air.annual_validity(days, 2025)
    with pytest.raises(ValueError, match="12 monthly counts"):
        air.annual_validity_of_counts([30] * 11)


def test_good_days_ratio_of_a_year_carries_its_validity():
    two = air.annual_good_days_ratio({date(2025, 1, 1): 50, date(2025, 1, 2): 150, date(2024, 12, 31): 10}, year=2025)
    assert (two.ratio, two.valid_days, two.sufficiency.sufficient) == (50, 2, False)  # the other year is ignored
    full = air.annual_good_days_ratio({d: 50 for d in YEAR}, year=2025)
    assert full.sufficiency.sufficient and full.ratio == 100
    assert air.good_days_ratio([50]).sufficiency == SUFFICIENT  # not an annual figure: no annual rule


def test_water_sections_need_samples_in_every_month():
    assert water.annual_sampling(range(1, 13)) == SUFFICIENT
    assert water.annual_sampling([1, 1, 2]) == insufficient("采样月份 2 个，少于 12 个")
    with pytest.raises(ValueError):
        water.annual_sampling([13])
    region = water.annual_sampling_of_sections({"W2": [1], "W1": range(1, 13), "W3": []})
    assert region == insufficient("断面W2采样月份 1 个，少于 12 个；断面W3采样月份 0 个，少于 12 个")
    many = water.annual_sampling_of_sections({f"W{i}": [1] for i in range(7)})
    assert many.reason.count("断面W") == 5 and many.reason.endswith("另有2个断面采样月份不足")


def test_a_comparison_needs_both_years():
    assert combined([("2025年", SUFFICIENT), ("基准年2020年", SUFFICIENT)]) == SUFFICIENT
    both = combined([("2025年", insufficient("a")), ("基准年2020年", insufficient("b"))])
    assert both.label == "数据不足（2025年a；基准年2020年b）"
    with pytest.raises(ValueError, match="reason"):
        Sufficiency(False)
