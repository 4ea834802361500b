"""Attainment of every target form, at and around its boundaries (table-driven)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from calc.attainment import (
    STATUS_LABELS,
    Evaluation,
    Observation,
    compare,
    evaluate,
    not_applicable,
)
from calc.targets import RegionProfile, parse_target, resolve

D = Decimal


def ev(
    target: str,
    values: dict[int, str] | None = None,
    *,
    direction: str = "higher",
    unit: str = "%",
    name: str = "城镇污水处理率",
    year: int = 2024,
    base_year: int | None = None,
    assigned: dict[int, str] | None = None,
    statuses: dict[int, str] | None = None,
    tolerance: str = "0.01",
) -> Evaluation:
    observation = Observation(
        values={y: D(v) for y, v in (values or {}).items()},
        assigned={y: D(v) for y, v in (assigned or {}).items()},
        statuses=statuses or {},
        base_year=base_year,
    )
    return evaluate(
        parse_target(target),
        year=year,
        direction=direction,  # type: ignore[arg-type]
        unit=unit,
        indicator_name=name,
        observation=observation,
        stable_tolerance=D(tolerance),
    )


def gap(value: str | None) -> Decimal | None:
    return None if value is None else D(value)


# --- thresholds -------------------------------------------------------------------------------

THRESHOLD_CASES = [
    # target, direction, value, status, gap_abs, comparison
    pytest.param(">=95", "higher", "95", "attained", "0", id=">=:at"),
    pytest.param(">=95", "higher", "95.1", "attained", "-0.1", id=">=:above"),
    pytest.param(">=95", "higher", "94.9", "not_attained", "0.1", id=">=:below"),
    pytest.param(">95", "higher", "95", "not_attained", "0", id=">:at"),
    pytest.param(">95", "higher", "95.1", "attained", "-0.1", id=">:above"),
    pytest.param(">95", "higher", "94.9", "not_attained", "0.1", id=">:below"),
    pytest.param("<=25", "lower", "25", "attained", "0", id="<=:at"),
    pytest.param("<=25", "lower", "25.1", "not_attained", "0.1", id="<=:above"),
    pytest.param("<=25", "lower", "24.9", "attained", "-0.1", id="<=:below"),
    pytest.param("<25", "lower", "25", "not_attained", "0", id="<:at"),
    pytest.param("<25", "lower", "24.9", "attained", "-0.1", id="<:below"),
    pytest.param("<25", "lower", "25.1", "not_attained", "0.1", id="<:above"),
    pytest.param("=100", "higher", "100", "attained", "0", id="=:at"),
    pytest.param("=100", "higher", "100.0", "attained", "0", id="=:at-with-trailing-zero"),
    pytest.param("=100", "higher", "99.9", "not_attained", "0.1", id="=:below"),
    pytest.param("=100", "higher", "100.1", "not_attained", "0.1", id="=:above-is-a-distance"),
    pytest.param(">-1", "higher", "-1", "not_attained", "0", id="negative-bound:at"),
    pytest.param(">-1", "higher", "-0.9", "attained", "-0.1", id="negative-bound:above"),
    pytest.param(">-1", "higher", "-1.1", "not_attained", "0.1", id="negative-bound:below"),
]


@pytest.mark.parametrize(("target", "direction", "value", "status", "gap_abs"), THRESHOLD_CASES)
def test_threshold(target: str, direction: str, value: str, status: str, gap_abs: str) -> None:
    result = ev(target, {2024: value}, direction=direction)
    assert result.status == status
    assert result.gap_abs == D(gap_abs)
    assert result.value == D(value)
    assert result.form == "threshold"
    assert result.bound == D(target.lstrip("<>="))
    assert result.comparison == target[: len(target) - len(target.lstrip("<>="))]


@pytest.mark.parametrize(
    ("target", "value", "gap_rel"),
    [
        pytest.param(">=95", "93.1", "0.02", id="short-by-2-percent"),
        pytest.param(">=95", "96", "-0.010526", id="surplus-rounded-to-6-places"),
        pytest.param(">-1", "-1.5", "0.5", id="relative-to-magnitude-of-negative-bound"),
        pytest.param(">=0", "-1", None, id="zero-bound-has-no-relative-gap"),
    ],
)
def test_relative_gap(target: str, value: str, gap_rel: str | None) -> None:
    assert ev(target, {2024: value}).gap_rel == gap(gap_rel)


@pytest.mark.parametrize(
    ("target", "direction", "unit", "name", "value", "sentence"),
    [
        pytest.param(">=95", "higher", "%", "城镇污水处理率", "93.1", "2024年城镇污水处理率93.1%，低于目标值95%，差1.9个百分点", id="short-in-percentage-points"),
        pytest.param(">=95", "higher", "%", "城镇污水处理率", "95.0", "2024年城镇污水处理率95%，达到目标值（≥95%）", id="exactly-at-target"),
        pytest.param(">=95", "higher", "%", "城镇污水处理率", "96.5", "2024年城镇污水处理率96.5%，达到目标值（≥95%），优于目标值1.5个百分点", id="beats-target"),
        pytest.param("<=25", "lower", "μg/m3", "PM2.5浓度", "25.3", "2024年PM2.5浓度25.3微克/立方米，高于目标值25微克/立方米，超出0.3微克/立方米", id="unit-in-chinese"),
        pytest.param(">=15", "higher", "m2/人", "城镇人均公园绿地面积", "14.2", "2024年城镇人均公园绿地面积14.2平方米/人，低于目标值15平方米/人，差0.8平方米/人", id="area-per-person"),
        pytest.param("=100", "higher", "%", "危险废物利用处置率", "99.50", "2024年危险废物利用处置率99.5%，未达到目标值100%，差0.5个百分点", id="equals"),
        pytest.param(">-1", "higher", "", "ΔEQI", "-1", "2024年ΔEQI-1，未高于目标值-1", id="strict-at-bound"),
    ],
)  # fmt: skip
def test_threshold_sentence(
    target: str, direction: str, unit: str, name: str, value: str, sentence: str
) -> None:
    result = ev(target, {2024: value}, direction=direction, unit=unit, name=name)
    assert result.explanation == sentence


def test_missing_year_is_no_data() -> None:
    result = ev(">=95", {2023: "96"})
    assert (result.status, result.label, result.gap_abs, result.gap_rel) == ("no_data", "无数据", None, None)
    assert result.bound == D(95)
    assert result.explanation == "城镇污水处理率无2024年数据"


# --- baseline-relative targets ----------------------------------------------------------------

TREND_CASES = [
    # rule, direction, base, value, status, bound, gap
    pytest.param("not_worse", "higher", "60", "60", "attained", "60", "0", id="not_worse:equal"),
    pytest.param("not_worse", "higher", "60", "59.9", "not_attained", "60", "0.1", id="not_worse:worse"),
    pytest.param("not_worse", "higher", "60", "60.1", "attained", "60", "-0.1", id="not_worse:better"),
    pytest.param("not_worse", "lower", "30", "30.1", "not_attained", "30", "0.1", id="not_worse:lower-worse"),
    pytest.param("stable_or_improving", "higher", "60", "59.4", "attained", "59.40", "0", id="stable:at-tolerance"),
    pytest.param("stable_or_improving", "higher", "60", "59.3", "not_attained", "59.40", "0.1", id="stable:past-tolerance"),
    pytest.param("stable_or_improving", "higher", "60", "59.5", "attained", "59.40", "-0.1", id="stable:within-tolerance"),
    pytest.param("stable_or_improving", "lower", "30", "30.3", "attained", "30.30", "0", id="stable:lower-at-tolerance"),
    pytest.param("stable_or_improving", "lower", "30", "30.4", "not_attained", "30.30", "0.1", id="stable:lower-past"),
    pytest.param("stable_or_improving", "higher", "-50", "-50.5", "attained", "-50.50", "0", id="stable:negative-base"),
    pytest.param("improving", "higher", "60", "60", "not_attained", "60", "0", id="improving:equal"),
    pytest.param("improving", "higher", "60", "60.1", "attained", "60", "-0.1", id="improving:up"),
    pytest.param("improving", "lower", "30", "29.9", "attained", "30", "-0.1", id="improving:lower-down"),
    pytest.param("improving", "lower", "30", "30", "not_attained", "30", "0", id="improving:lower-equal"),
    pytest.param("decreasing", "lower", "30", "29.9", "attained", "30", "-0.1", id="decreasing:down"),
    pytest.param("decreasing", "lower", "30", "30", "not_attained", "30", "0", id="decreasing:equal"),
    pytest.param("decreasing", "higher", "30", "30.1", "not_attained", "30", "0.1", id="decreasing:ignores-direction"),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "direction", "base", "value", "status", "bound", "gap_abs"), TREND_CASES)
def test_trend(
    rule: str, direction: str, base: str, value: str, status: str, bound: str, gap_abs: str
) -> None:
    result = ev(f"trend:{rule}", {2020: base, 2024: value}, direction=direction, base_year=2020)
    assert (result.status, result.bound, result.gap_abs) == (status, D(bound), D(gap_abs))
    assert result.base_value == D(base)


def test_stable_tolerance_is_configurable() -> None:
    strict = ev("trend:stable_or_improving", {2020: "60", 2024: "59.9"}, base_year=2020, tolerance="0")
    loose = ev("trend:stable_or_improving", {2020: "60", 2024: "57"}, base_year=2020, tolerance="0.05")
    assert (strict.status, strict.bound) == ("not_attained", D(60))
    assert (loose.status, loose.bound) == ("attained", D(57))


@pytest.mark.parametrize(
    ("rule", "direction", "values", "sentence"),
    [
        pytest.param("stable_or_improving", "higher", {2020: "60", 2024: "59.5"}, "2024年森林覆盖率59.5%，较基准年2020年（60%）下降0.5个百分点，符合“保持稳定或持续改善”（在1%的稳定容差内）", id="stable-within-tolerance"),
        pytest.param("improving", "lower", {2020: "35", 2024: "32"}, "2024年森林覆盖率32%，较基准年2020年（35%）下降3个百分点，符合“持续下降”", id="improving-lower"),
        pytest.param("not_worse", "higher", {2020: "60", 2024: "60"}, "2024年森林覆盖率60%，与基准年2020年（60%）持平，符合“不降低”", id="flat"),
        pytest.param("improving", "higher", {2020: "60", 2024: "58"}, "2024年森林覆盖率58%，较基准年2020年（60%）下降2个百分点，不符合“持续提高”，差2个百分点", id="worse"),
        pytest.param("not_worse", "higher", {2024: "60"}, "2024年森林覆盖率60%，基准年2020年数据缺失，无法判断“不降低”", id="base-missing"),
    ],
)  # fmt: skip
def test_trend_sentence(rule: str, direction: str, values: dict[int, str], sentence: str) -> None:
    result = ev(f"trend:{rule}", values, direction=direction, name="森林覆盖率", base_year=2020)
    assert result.explanation == sentence


@pytest.mark.parametrize(
    ("values", "base_year", "reason"),
    [
        pytest.param({2024: "60"}, 2020, "基准年2020年数据缺失，无法判断“保持稳定或持续改善”", id="base-year-value-missing"),
        pytest.param({2024: "60"}, None, "未设定基准年，无法判断“保持稳定或持续改善”", id="no-base-year"),
        pytest.param({2020: "60"}, 2020, "无2024年数据", id="value-missing"),
    ],
)  # fmt: skip
def test_trend_without_data(values: dict[int, str], base_year: int | None, reason: str) -> None:
    result = ev("trend:stable_or_improving", values, base_year=base_year)
    assert (result.status, result.gap_abs, result.reason) == ("no_data", None, reason)


# --- assigned from above ----------------------------------------------------------------------

# (direction, assigned number, value, status, comparison, gap_abs), at / above / below the assigned number
ASSIGNED_CASES = [
    pytest.param(direction, number, value, *expected, id=f"{direction}:{where}")
    for direction, number, cases in (
        ("higher", "92", {"at": ("92", "attained", ">=", "0"), "above": ("92.1", "attained", ">=", "-0.1"),
                          "below": ("91.9", "not_attained", ">=", "0.1")}),
        ("lower", "0.45", {"at": ("0.45", "attained", "<=", "0"), "above": ("0.46", "not_attained", "<=", "0.01"),
                           "below": ("0.44", "attained", "<=", "-0.01")}),
    )
    for where, (value, *expected) in cases.items()
]


@pytest.mark.parametrize(("direction", "number", "value", "status", "comparison", "gap_abs"), ASSIGNED_CASES)
def test_assigned(
    direction: str, number: str, value: str, status: str, comparison: str, gap_abs: str
) -> None:
    result = ev("assigned", {2024: value}, direction=direction, assigned={2024: number})
    assert (result.status, result.comparison, result.bound, result.gap_abs) == (
        status,
        comparison,
        D(number),
        D(gap_abs),
    )


def test_assigned_sentences() -> None:
    missing = ev("assigned", {2024: "93.1"}, assigned={2023: "92"})
    assert missing.status == "no_data"
    assert missing.explanation == "2024年城镇污水处理率93.1%，未录入2024年上级下达的考核任务"
    short = ev(
        "assigned",
        {2024: "0.47"},
        direction="lower",
        unit="吨标准煤/万元",
        name="单位GDP能耗",
        assigned={2024: "0.45"},
    )
    assert short.explanation == (
        "2024年单位GDP能耗0.47吨标准煤/万元，未完成2024年上级下达的任务值（≤0.45吨标准煤/万元），"
        "差0.02吨标准煤/万元"
    )
    no_value = ev("assigned", {}, assigned={2024: "92"})
    assert (no_value.status, no_value.bound, no_value.explanation) == (
        "no_data",
        D(92),
        "城镇污水处理率无2024年数据",
    )


# --- qualitative ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statuses", "status", "sentence"),
    [
        pytest.param({2024: "achieved"}, "attained", "2024年河长制经审核已达到“全面实施”", id="achieved"),
        pytest.param({2024: "in_progress"}, "not_attained", "2024年河长制尚在推进中，未达到“全面实施”", id="in-progress"),
        pytest.param({2024: "not_started"}, "not_attained", "2024年河长制尚未开展，未达到“全面实施”", id="not-started"),
        pytest.param({2023: "achieved"}, "no_data", "河长制无2024年经审核的进展情况", id="other-year-only"),
    ],
)  # fmt: skip
def test_qualitative(statuses: dict[int, str], status: str, sentence: str) -> None:
    result = ev("qual:全面实施", {}, name="河长制", statuses=statuses, unit="")
    assert (result.status, result.explanation, result.gap_abs, result.bound) == (status, sentence, None, None)


def test_unknown_qualitative_status_is_rejected() -> None:
    with pytest.raises(ValueError, match="statuses"):
        Observation(statuses={2024: "done"})


# --- compound targets -------------------------------------------------------------------------

AIR = "assigned & (>=90 | trend:improving)"  # 优良天数比例: 完成上级规定的考核任务，且≥90%或持续提高

COMPOUND_CASES = [
    # target, values, assigned, status, decisive leaf form, gap
    pytest.param(AIR, {2020: "85", 2024: "91"}, {2024: "88"}, "attained", "assigned", "-3", id="and-or:all-met"),
    pytest.param(AIR, {2020: "85", 2024: "87"}, {2024: "88"}, "not_attained", "assigned", "1", id="and-or:assigned-missed"),
    pytest.param(AIR, {2020: "85", 2024: "89"}, {2024: "88"}, "attained", "assigned", "-1", id="and-or:improving-suffices"),
    pytest.param(AIR, {2020: "89.5", 2024: "89"}, {2024: "88"}, "not_attained", "trend", "0.5", id="and-or:closest-alternative"),
    pytest.param(AIR, {2020: "85", 2024: "91"}, {}, "no_data", "assigned", None, id="and-or:assigned-missing"),
    pytest.param(AIR, {2020: "95", 2024: "89"}, {}, "not_attained", "threshold", "1", id="and-or:failure-beats-missing"),
    pytest.param(">=90 | trend:improving", {2024: "89"}, {}, "no_data", "trend", None, id="or:none-met-some-missing"),
    pytest.param(">=90 | >=80", {2024: "85"}, {}, "attained", "threshold", "-5", id="or:largest-margin"),
    pytest.param(">=90 & >=80", {2024: "85"}, {}, "not_attained", "threshold", "5", id="and:largest-shortfall"),
    pytest.param(">=90 & >=95", {2024: "96"}, {}, "attained", "threshold", "-1", id="and:smallest-margin"),
    pytest.param(">=90 & qual:建立", {2024: "96"}, {}, "no_data", "qualitative", None, id="and:qualitative-missing"),
    pytest.param("(>=90 | <=10) & (>=50 | >=60)", {2024: "5"}, {}, "not_attained", "threshold", "45", id="nested"),
    pytest.param("(>=90 | <=10) & (>=50 | qual:建立)", {2024: "5"}, {}, "no_data", "qualitative", None, id="nested-missing"),
]  # fmt: skip


@pytest.mark.parametrize(("target", "values", "assigned", "status", "form", "gap_abs"), COMPOUND_CASES)
def test_compound(
    target: str, values: dict[int, str], assigned: dict[int, str], status: str, form: str, gap_abs: str | None
) -> None:
    result = ev(target, values, base_year=2020, assigned=assigned)
    leaf = result.decisive_leaf()
    assert (result.status, leaf.form, result.gap_abs) == (status, form, gap(gap_abs))
    assert (result.bound, result.comparison, result.gap_rel) == (leaf.bound, leaf.comparison, leaf.gap_rel)
    assert len(result.parts) >= 2


def test_compound_tie_goes_to_the_first_part() -> None:
    result = ev(">=90 & assigned", {2024: "85"}, assigned={2024: "90"})
    assert result.gap_abs == D(5)
    assert result.decisive == 0


def test_compound_sentence() -> None:
    result = ev(AIR, {2020: "89.5", 2024: "89"}, name="优良天数比例", base_year=2020, assigned={2024: "88"})
    assert result.target_text == "完成上级规定的考核任务，且≥90%或持续提高"
    assert result.explanation == (
        "2024年优良天数比例89%，未达到“完成上级规定的考核任务，且≥90%或持续提高”："
        "较基准年2020年（89.5%）下降0.5个百分点，不符合“持续提高”，差0.5个百分点"
    )


# --- not applicable, labels, errors -----------------------------------------------------------


def test_not_applicable() -> None:
    result = not_applicable(
        year=2024, indicator_name="近岸海域水质优良比例", target=parse_target("assigned"), reason="非沿海地区"
    )
    assert (result.status, result.label, result.value, result.gap_abs) == (
        "not_applicable",
        "不适用",
        None,
        None,
    )
    assert result.explanation == "近岸海域水质优良比例不适用：非沿海地区"
    assert result.target_text == "完成上级规定的考核任务"


def test_labels() -> None:
    assert STATUS_LABELS == {
        "attained": "达标",
        "not_attained": "未达标",
        "no_data": "无数据",
        "not_applicable": "不适用",
    }


def test_region_dependent_target_must_be_resolved() -> None:
    target = parse_target("region{arid: >=35; else: >=60}")
    with pytest.raises(ValueError, match="resolve"):
        evaluate(
            target, year=2024, direction="higher", unit="%", indicator_name="x", observation=Observation()
        )
    resolved = resolve(target, RegionProfile(level="county", arid=True))
    result = evaluate(
        resolved,
        year=2024,
        direction="higher",
        unit="%",
        indicator_name="x",
        observation=Observation(values={2024: D("36")}),
    )
    assert (result.status, result.bound) == ("attained", D(35))


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        pytest.param({"direction": "up"}, ValueError, id="bad-direction"),
        pytest.param({"stable_tolerance": D("-0.01")}, ValueError, id="negative-tolerance"),
    ],
)
def test_invalid_arguments(kwargs: dict[str, object], error: type[Exception]) -> None:
    arguments: dict[str, object] = {
        "year": 2024,
        "direction": "higher",
        "unit": "%",
        "indicator_name": "x",
        "observation": Observation(),
    }
    arguments.update(kwargs)
    with pytest.raises(error):
        evaluate(parse_target(">=1"), **arguments)  # type: ignore[arg-type]


def test_floats_are_rejected() -> None:
    with pytest.raises(TypeError, match="Decimal"):
        Observation(values={2024: 93.1})  # type: ignore[dict-item]


def test_compare_rejects_unknown_operator() -> None:
    with pytest.raises(ValueError):
        compare("!=", D(1), D(1))  # type: ignore[arg-type]
