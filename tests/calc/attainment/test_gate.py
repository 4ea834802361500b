"""Certification gate: binding indicators must all be attained; counties blocking their own goals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from calc.attainment import (
    CountyGoal,
    Evaluation,
    GateItem,
    Observation,
    certification_gate,
    city_gate,
    evaluate,
    not_applicable,
)
from calc.targets import parse_target


def ev(
    target: str, value: str | None, name: str = "指标", statuses: dict[int, str] | None = None
) -> Evaluation:
    values = {} if value is None else {2024: Decimal(value)}
    return evaluate(
        parse_target(target),
        year=2024,
        direction="higher",
        unit="%",
        indicator_name=name,
        observation=Observation(values=values, statuses=statuses or {}),
    )


ATTAINED = ev(">=95", "96", "城镇污水处理率")
SHORT = ev(">=95", "93.1", "城镇污水处理率")
MISSING = ev(">=80", None, "政府绿色采购比例")
NOT_APPLICABLE = not_applicable(year=2024, indicator_name="近岸海域水质优良比例", reason="非沿海地区")


@pytest.mark.parametrize(
    ("items", "passed", "blockers", "share"),
    [
        pytest.param([("29", "a", True, ATTAINED), ("39", "b", False, ATTAINED)], True, [], "1", id="all-attained"),
        pytest.param([("29", "a", True, SHORT), ("39", "b", False, ATTAINED)], False, ["29"], "1", id="binding-short"),
        pytest.param([("37", "a", True, MISSING), ("29", "b", True, ATTAINED)], False, ["37"], None, id="binding-no-data"),
        pytest.param([("29", "a", True, ATTAINED), ("39", "b", False, SHORT)], True, [], "0", id="reference-never-blocks"),
        pytest.param([("29", "a", True, ATTAINED), ("9", "b", True, NOT_APPLICABLE)], True, [], None, id="not-applicable-skipped"),
        pytest.param([("9", "b", True, NOT_APPLICABLE)], False, [], None, id="nothing-applicable"),
        pytest.param([], False, [], None, id="empty"),
    ],
)  # fmt: skip
def test_gate(
    items: list[tuple[str, str, bool, Evaluation]], passed: bool, blockers: list[str], share: str | None
) -> None:
    result = certification_gate(items)
    assert result.passed is passed
    assert [b.code for b in result.blockers] == blockers
    assert result.reference_share == (None if share is None else Decimal(share))


def test_gate_counts_and_shares() -> None:
    items = [
        GateItem("29", "城镇污水处理率", True, SHORT),
        GateItem("37", "政府绿色采购比例", True, MISSING),
        GateItem("5", "生态环境信息公开率", True, ATTAINED),
        GateItem("39", "公众满意度", False, ATTAINED),
        GateItem("40", "公众参与度", False, ATTAINED),
        GateItem("33", "绿色建筑比例", False, SHORT),
        GateItem("9", "近岸海域水质优良比例", False, NOT_APPLICABLE),
    ]
    result = certification_gate(items)
    assert dict(result.counts) == {"attained": 3, "not_attained": 2, "no_data": 1, "not_applicable": 1}
    assert (result.binding_applicable, result.binding_attained) == (3, 1)
    assert (result.reference_applicable, result.reference_attained) == (3, 2)
    assert result.reference_share == Decimal("0.666667")
    assert [(b.code, b.label) for b in result.blockers] == [("29", "未达标"), ("37", "无数据")]
    assert result.blockers[0].reason == "2024年城镇污水处理率93.1%，低于目标值95%，差1.9个百分点"
    assert result.explanation == (
        "3项约束性指标中1项未达标、1项无数据（城镇污水处理率、政府绿色采购比例）；"
        "参考性指标达标2项，占66.7%（2/3）"
    )


def test_gate_rejects_duplicate_codes() -> None:
    with pytest.raises(ValueError, match="twice"):
        certification_gate([("29", "a", True, ATTAINED), ("29", "a", False, ATTAINED)])


def test_city_gate() -> None:
    passing = certification_gate([("29", "城镇污水处理率", True, ATTAINED)])
    failing = certification_gate([("29", "城镇污水处理率", True, SHORT)])
    result = city_gate(
        passing,
        {
            "甲县": ("国家生态文明建设示范区", 2023, failing),
            "乙县": CountyGoal("省级生态文明建设示范区", 2024, passing),
            "丙县": ("国家生态文明建设示范区", 2026, failing),
        },
        year=2024,
    )
    assert result.passed and not result.all_clear
    assert [c.region for c in result.counties_blocked] == ["甲县"]
    assert result.counties_passed == ("乙县",)
    assert result.counties_pending == ("丙县",)
    assert result.explanation == (
        "市级约束性指标全部达标；1个县区未达到各自创建目标的约束性要求："
        "甲县计划2023年创建国家生态文明建设示范区，1项约束性指标未达标或无数据（城镇污水处理率）"
    )
    without_year = city_gate(failing, {"丙县": ("国家生态文明建设示范区", 2026, failing)})
    assert [c.region for c in without_year.counties_blocked] == ["丙县"]
    assert not without_year.passed


def test_city_gate_all_clear() -> None:
    passing = certification_gate([("29", "城镇污水处理率", True, ATTAINED)])
    result = city_gate(passing, {"乙县": ("省级生态文明建设示范区", 2024, passing)}, year=2024)
    assert result.all_clear
    assert result.explanation == "市级约束性指标全部达标；各县区均未阻碍各自的创建目标"
