"""Target expressions: parsing, printing and resolution for every form and region attribute."""

from __future__ import annotations

from decimal import Decimal

import pytest

from calc.targets import (
    AllOf,
    AnyOf,
    Assigned,
    ByRegion,
    NoMatchingBranch,
    Qualitative,
    RegionProfile,
    TargetSyntaxError,
    Threshold,
    Trend,
    applies,
    describe,
    is_qualitative,
    is_tightening,
    needs_assigned_value,
    needs_baseline,
    parse_target,
    resolve,
    unparse,
)

FOREST = "region{plateau: >=70; arid: >=35; terrain=mountain: >=60; terrain=hill: >=40; terrain=plain: >=18}"
TRANSIT = "region{city_size=megacity,supercity: >=70; city_size=large: >=60; city_size=medium,small: >=50}"
EI = "region{arid: >=35 & trend:not_worse; else: >=60 & trend:not_worse}"
WATER_USE = "region{zone=east: <=50; zone=central: <=70; zone=west: <=80}"


@pytest.mark.parametrize(
    ("text", "expected", "printed"),
    [
        (">=95", Threshold(">=", Decimal("95")), "≥95"),
        ("≥95", Threshold(">=", Decimal("95")), "≥95"),
        ("<=25", Threshold("<=", Decimal("25")), "≤25"),
        ("≤25", Threshold("<=", Decimal("25")), "≤25"),
        ("=100", Threshold("=", Decimal("100")), "100"),
        (">-1", Threshold(">", Decimal("-1")), ">-1"),
        (">=4.5", Threshold(">=", Decimal("4.5")), "≥4.5"),
        ("qual:建立", Qualitative("建立"), "建立"),
        ("qual:面积不减少，性质不改变，功能不降低", Qualitative("面积不减少，性质不改变，功能不降低"),
         "面积不减少，性质不改变，功能不降低"),
        ("trend:stable_or_improving", Trend("stable_or_improving"), "保持稳定或持续改善"),
        ("trend:not_worse", Trend("not_worse"), "不降低"),
        ("trend:decreasing", Trend("decreasing"), "逐步下降"),
        ("assigned", Assigned(), "完成上级规定的考核任务"),
        ("assigned:完成上级管控目标", Assigned("完成上级管控目标"), "完成上级管控目标"),
        ("assigned & (>=90 | trend:improving)",
         AllOf((Assigned(), AnyOf((Threshold(">=", Decimal("90")), Trend("improving"))))),
         "完成上级规定的考核任务，且≥90或持续提高"),
        (">=90 | trend:improving & assigned",
         AnyOf((Threshold(">=", Decimal("90")), AllOf((Trend("improving"), Assigned())))),
         "≥90或持续提高，且完成上级规定的考核任务"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_parse_print_and_round_trip(text, expected, printed):
    target = parse_target(text)
    assert target == expected
    assert describe(target) == printed
    assert parse_target(unparse(target)) == target


def test_improving_reads_by_direction():
    assert describe(parse_target("trend:improving"), direction="lower") == "持续下降"
    assert describe(parse_target("trend:improving"), direction="higher") == "持续提高"


def test_region_dependent_prints_as_the_plan():
    assert describe(parse_target(FOREST)) == "青藏高原地区≥70；干旱半干旱地区≥35；山区≥60；丘陵地区≥40；平原地区≥18"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        (">=", "unexpected"),
        (">=abc", "unexpected"),
        ("qual:", "needs a text"),
        ("trend:faster", "unknown trend rule"),
        ("region{terrain=swamp: >=1}", "unknown terrain"),
        ("region{colour=red: >=1}", "unknown region condition"),
        ("region{arid >=1}", "expected ':'"),
        ("region{arid: >=1", "expected ';' or '}'"),
        (">=95 &", "incomplete"),
        ("(>=95", r"expected '\)'"),
        (">=95 >=90", "unexpected"),
    ],
)
def test_syntax_errors_say_where(text, message):
    with pytest.raises(TargetSyntaxError, match=message):
        parse_target(text)


def P(**kw) -> RegionProfile:
    return RegionProfile(**{"level": "county", **kw})


@pytest.mark.parametrize(
    ("text", "profile", "expected"),
    [
        # 林草覆盖率: special zones win over terrain, in the order the table prints them
        (FOREST, P(terrain="mountain"), ">=60"),
        (FOREST, P(terrain="hill"), ">=40"),
        (FOREST, P(terrain="plain"), ">=18"),
        (FOREST, P(terrain="hill", arid=True), ">=35"),
        (FOREST, P(terrain="mountain", arid=True), ">=35"),
        (FOREST, P(terrain="mountain", plateau=True), ">=70"),
        (FOREST, P(terrain="plain", plateau=True, arid=True), ">=70"),
        (FOREST, P(level="city", terrain="hill"), ">=40"),
        # 生态环境状况指数: compound inside a branch
        (EI, P(terrain="plain"), ">=60 & trend:not_worse"),
        (EI, P(terrain="plain", arid=True), ">=35 & trend:not_worse"),
        # 公共交通出行分担率: city size classes
        (TRANSIT, P(level="city", city_size="megacity"), ">=70"),
        (TRANSIT, P(level="city", city_size="supercity"), ">=70"),
        (TRANSIT, P(level="city", city_size="large"), ">=60"),
        (TRANSIT, P(level="city", city_size="medium"), ">=50"),
        (TRANSIT, P(level="city", city_size="small"), ">=50"),
        # 用水量 (2016 form): east / central / west
        (WATER_USE, P(zone="east"), "<=50"),
        (WATER_USE, P(zone="central"), "<=70"),
        (WATER_USE, P(zone="west"), "<=80"),
        # forms without region dependence are left as they are
        (">=95", P(), ">=95"),
        ("qual:建立", P(), "qual:建立"),
        ("assigned & (>=90 | trend:improving)", P(arid=True), "assigned & (>=90 | trend:improving)"),
        (f"assigned & {FOREST}", P(terrain="hill"), "assigned & >=40"),
    ],
)
def test_resolution(text, profile, expected):
    resolved = resolve(parse_target(text), profile)
    assert unparse(resolved) == expected
    assert not any(isinstance(node, ByRegion) for node in [resolved])


@pytest.mark.parametrize(
    ("text", "profile"),
    [(TRANSIT, P(level="city")), (FOREST, P()), (WATER_USE, P(zone=None))],
)
def test_no_branch_for_the_region_is_an_error(text, profile):
    with pytest.raises(NoMatchingBranch):
        resolve(parse_target(text), profile)


@pytest.mark.parametrize(
    ("scope", "coastal_only", "profile", "expected"),
    [
        ({"city", "county"}, False, P(), True),
        ({"city"}, False, P(), False),  # a county gets no city-only indicator
        ({"county"}, False, P(level="city"), False),  # a city gets no county-only one
        ({"city", "county"}, True, P(coastal=False), False),  # an inland region gets no coastal one
        ({"city", "county"}, True, P(coastal=True), True),
        ({"city", "county"}, False, P(level="township"), False),
    ],
)
def test_scope(scope, coastal_only, profile, expected):
    assert applies(frozenset(scope), coastal_only, profile) is expected


def test_form_queries():
    assert needs_assigned_value(parse_target("assigned & (>=90 | trend:improving)"))
    assert not needs_assigned_value(parse_target(">=90"))
    assert needs_baseline(parse_target(EI))
    assert is_qualitative(parse_target("qual:建立"))
    assert not is_qualitative(parse_target("qual:建立 | >=1"))


@pytest.mark.parametrize(
    ("new", "old", "direction", "expected"),
    [(">=95", ">=80", "higher", True), (">=70", ">=80", "higher", False), ("<=20", "<=25", "lower", True),
     ("<=30", "<=25", "lower", False), ("qual:建立", ">=80", "higher", None)],
)
def test_tightening(new, old, direction, expected):
    assert is_tightening(parse_target(new), parse_target(old), direction=direction) is expected
