"""Targets resolved per region from the framework, local edits and the office's overrides."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.core.errors import DomainError
from apps.indicators.models import Indicator
from apps.programs import services
from apps.programs.models import AssignedTarget, TargetOverride
from apps.programs.selectors import assigned_values, program_indicators, program_regions, resolve_targets


def ind(code: str) -> Indicator:
    return Indicator.objects.get(framework__code="national-2019", code=code) if code.startswith("2019") else Indicator.objects.get(code=code)


def resolved(world, region, code):
    indicators = program_indicators(world.program)
    return resolve_targets(world.program, [region], indicators)[(region.id, ind(code).id)]


@pytest.mark.parametrize(
    ("region_key", "code", "applicable", "text"),
    [
        ("hill", "2019-11", True, "≥40%"),  # a hilly county gets 林草覆盖率 ≥40
        ("mountain", "2019-11", True, "≥60%"),
        ("plain", "2019-11", True, "≥18%"),
        ("arid", "2019-11", True, "≥35%"),
        ("arid", "2019-10", True, "≥35，且不降低"),
        ("plain", "2019-10", True, "≥60，且不降低"),
        ("city", "2019-34", True, "≥60%"),  # a large city: 公共交通出行分担率 ≥60
        ("city", "2019-09", False, "—"),  # an inland city gets no coastal indicator
        ("hill", "2019-31", False, "—"),  # a county gets no city-only one
        ("city", "2019-28", False, "—"),  # a city gets no county-only one
        ("city", "2019-29", True, "≥95%"),
        ("hill", "2019-29", True, "≥85%"),
        ("hill", "2019-01", True, "制定实施"),
        ("city", "2019-07a", True, "完成上级规定的考核任务，且保持稳定或持续改善"),
        ("city", "2019-20", True, "完成上级规定的目标任务，且保持稳定或持续改善"),
        ("city", "2019-36c", True, "逐步下降"),
    ],
)
def test_resolved_from_framework_rules(world, region_key, code, applicable, text):
    region = world.city if region_key == "city" else world.counties[region_key]
    target = resolved(world, region, code)
    assert (target.applicable, target.text, target.source) == (
        applicable, text, "national" if applicable else "not_applicable"
    )


def test_coastal_region_gets_coastal_indicators(world):
    world.city.coastal = True
    world.city.save()
    assert resolved(world, world.city, "2019-09").applicable


def test_local_tightening_applies_program_wide_with_its_reason(world):
    services.target_edit_set(program=world.program, indicator=ind("2019-37"), level="city", target=">=95",
                             reason="《规划》确定", actor=world.users.office)
    city = resolved(world, world.city, "2019-37")
    assert (city.text, city.source, city.reason) == ("≥95%", "local_edit", "《规划》确定")
    assert resolved(world, world.counties["hill"], "2019-37").text == "≥80%"  # county level untouched


def test_local_edit_cannot_loosen_a_national_target(world):
    with pytest.raises(DomainError, match="只能提高不能降低"):
        services.target_edit_set(program=world.program, indicator=ind("2019-37"), level="city", target=">=70",
                                 reason="x", actor=world.users.office)


def test_restoring_a_local_edit_keeps_history(world):
    for target in (">=95", ""):
        services.target_edit_set(program=world.program, indicator=ind("2019-37"), level="city", target=target,
                                 reason="调整", actor=world.users.office)
    assert resolved(world, world.city, "2019-37").text == "≥80%"
    assert world.program.target_edits.count() == 2


def test_override_with_reason_then_clear(world):
    hill = world.counties["hill"]
    services.target_override_set(program=world.program, region=hill, indicator=ind("2019-11"), target=">=45",
                                 reason="县规划目标", actor=world.users.office)
    assert (resolved(world, hill, "2019-11").text, resolved(world, hill, "2019-11").source) == ("≥45%", "override")
    services.target_override_set(program=world.program, region=hill, indicator=ind("2019-11"),
                                 not_applicable=True, reason="无林草资源", actor=world.users.office)
    assert not resolved(world, hill, "2019-11").applicable
    services.target_override_set(program=world.program, region=hill, indicator=ind("2019-11"), clear=True,
                                 reason="恢复", actor=world.users.office)
    assert resolved(world, hill, "2019-11").text == "≥40%"
    assert TargetOverride.objects.filter(region=hill).count() == 3  # never overwritten


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"target": ">=45", "reason": ""}, "理由"),
        ({"target": ">=4x", "reason": "r"}, "目标表达式有误"),
        ({"target": ">=45", "not_applicable": True, "reason": "r"}, "三选一"),
        ({"target": "region{city_size=large: >=1}", "reason": "r"}, "无法确定"),
    ],
)
def test_override_rejects_bad_input(world, kwargs, message):
    with pytest.raises(DomainError, match=message):
        services.target_override_set(program=world.program, region=world.counties["hill"],
                                     indicator=ind("2019-11"), actor=world.users.office, **kwargs)


def test_override_outside_the_program_region_is_refused(world):
    with pytest.raises(DomainError, match="不在本创建工作范围内"):
        services.target_override_set(program=world.program, region=world.other_city, indicator=ind("2019-11"),
                                     target=">=1", reason="r", actor=world.users.office)


def test_assigned_numbers_are_revisions_and_the_latest_counts(world):
    for value in ("85.0", "86.5"):
        services.assigned_target_set(program=world.program, region=world.city, indicator=ind("2019-07a"),
                                     year=2024, value=Decimal(value), reason="省厅下达", actor=world.users.office)
    current = assigned_values(world.program)[(world.city.id, ind("2019-07a").id, 2024)]
    assert current.value == Decimal("86.5")
    assert AssignedTarget.objects.count() == 2


def test_assigned_number_only_for_assigned_targets(world):
    with pytest.raises(DomainError, match="无需录入"):
        services.assigned_target_set(program=world.program, region=world.city, indicator=ind("2019-29"),
                                     year=2024, value=Decimal("1"), reason="r", actor=world.users.office)


def test_local_indicator_joins_the_program(world):
    local = services.local_indicator_add(
        program=world.program, name="城市建成区绿化覆盖率", domain="生态生活", task="(八)人居环境改善", unit="%",
        direction="higher", binding=False, targets={"city": ">=40", "county": ""}, reason="地方特色",
        actor=world.users.office,
    )
    assert resolved(world, world.city, local.code).text == "≥40%"
    assert not resolved(world, world.counties["hill"], local.code).applicable
    assert local in program_indicators(world.program)
    assert local not in program_indicators(world.other_program)


def test_program_regions_are_city_then_counties(world):
    assert [r.name for r in program_regions(world.program)] == ["甲市", "丘陵县", "山区县", "平原县", "旱塬县"]
