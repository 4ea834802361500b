"""The numbers behind reachability said in sentences (calc.attainment.pace), one row per kind of result."""

from __future__ import annotations

import pytest

from calc.attainment import pace_details, pace_summary

from .test_reachability import SERIES, reach

CASES = [
    pytest.param(">=95", SERIES, 2027, {}, (
        "按4年经审核数据，年均上升1.02个百分点",
        "要在2027年达到目标值≥95%，需每年提高0.95个百分点",
        "实际进度是所需进度的1.07倍",
        "按此速度2027年可达目标",
    ), id="on-track"),
    pytest.param(">=95", SERIES, 2026, {}, (
        "按4年经审核数据，年均上升1.02个百分点",
        "要在2026年达到目标值≥95%，需每年提高1.27个百分点",
        "实际进度为所需进度的81%",
        "按此速度2027年才能达到目标，晚于目标年2026年",
    ), id="accelerate"),
    pytest.param(">=95", {2022: "92", 2023: "91"}, 2027, {}, (
        "按2年经审核数据，年均下降1个百分点",
        "要在2027年达到目标值≥95%，需每年提高1个百分点",
        "实际变化方向与目标相反",
        "按此速度无法达到目标",
    ), id="moving-away"),
    pytest.param(">=95", {2022: "91", 2023: "91"}, 2027, {}, (
        "按2年经审核数据，基本持平",
        "要在2027年达到目标值≥95%，需每年提高1个百分点",
        "实际变化未朝目标方向",
        "按此速度无法达到目标",
    ), id="flat"),
    pytest.param(">=95", SERIES, 2023, {}, (
        "按4年经审核数据，年均上升1.02个百分点",
        "按此速度2027年才能达到目标，晚于目标年2023年",
    ), id="deadline-passed"),
    pytest.param("<=25", {2021: "30", 2022: "29.96", 2023: "29.92"}, 2027, {"unit": "μg/m3", "direction": "lower"}, (
        "按3年经审核数据，年均下降0.04微克/立方米",
        "要在2027年达到目标值≤25微克/立方米，需每年降低1.23微克/立方米",
        "实际进度为所需进度的3%",
        "按此速度2146年才能达到目标，晚于目标年2027年",
    ), id="lower-is-better"),
    pytest.param(">=90", SERIES, 2027, {}, (), id="attained-has-nothing-to-explain"),
    pytest.param(">=95", {2023: "91"}, 2027, {}, (), id="one-year-is-insufficient"),
    pytest.param("qual:建立", {}, 2027, {"statuses": {2023: "in_progress"}}, (), id="qualitative"),
]


@pytest.mark.parametrize(("target", "values", "deadline", "options", "expected"), CASES)
def test_pace_details(target, values, deadline, options, expected):
    result = reach(target, values, deadline, **options)
    assert pace_details(result) == expected
    assert pace_summary(result) == "；".join(expected)


def test_no_raw_ratio_or_long_decimals_in_any_sentence():
    for param in CASES:
        target, values, deadline, options, _ = param.values
        text = pace_summary(reach(target, values, deadline, **options))
        assert "比值" not in text and "666" not in text
