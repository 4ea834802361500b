"""The resolution chain: layers folded in order, so a province level or a province layer needs no special case."""

from __future__ import annotations

from types import SimpleNamespace

from apps.geo.models import Region, RegionLevel
from apps.indicators.models import Indicator, IndicatorTarget
from apps.programs import services
from apps.programs.selectors import (
    TargetSource,
    TargetStep,
    national_layer,
    program_indicators,
    resolve_step,
    resolve_targets,
    target_chain,
)
from calc.targets import RegionProfile


def by_code(world: SimpleNamespace) -> dict[str, Indicator]:
    return {i.code: i for i in program_indicators(world.program)}


def test_a_province_layer_slots_in_between_national_and_local_edit(world):
    code = by_code(world)
    services.target_edit_set(program=world.program, indicator=code["2019-29"], level=RegionLevel.CITY,
                             target=">=98", reason="《规划》", actor=world.users.office)

    def province(indicator: Indicator, _region: Region, _profile: RegionProfile) -> TargetStep | None:
        if indicator.code in ("2019-29", "2019-37"):
            return TargetStep("province", ">=97", reason="省级考核办法")
        return None

    national, *rest = target_chain(world.program, [world.city])
    chain = (national, province, *rest)
    profile = world.city.profile()
    assert resolve_step(chain, code["2019-37"], world.city, profile) == TargetStep("province", ">=97",
                                                                                    reason="省级考核办法")
    assert resolve_step(chain, code["2019-29"], world.city, profile).source == TargetSource.LOCAL_EDIT
    assert resolve_step(chain, code["2019-03"], world.city, profile).source == TargetSource.NATIONAL
    # an indicator the framework rules out for the region stays out, whatever a later layer says
    assert not resolve_step(chain, code["2019-28"], world.city, profile).applicable


def test_an_override_ruling_out_gives_its_reason_even_where_the_framework_rules_out(world):
    code = by_code(world)
    services.target_override_set(program=world.program, region=world.city, indicator=code["2019-28"],
                                 not_applicable=True, reason="无此项", actor=world.users.office)
    step = resolve_step(target_chain(world.program, [world.city]), code["2019-28"], world.city, world.city.profile())
    assert (step.applicable, step.source, step.reason) == (False, TargetSource.NOT_APPLICABLE, "无此项")


def test_a_province_level_target_row_resolves_for_a_province_region(world):
    indicator = Indicator.objects.create(framework=world.program.framework, program=world.program, code="P-PROV",
                                         number=99, name="省级指标", domain="d", task="t", unit="%",
                                         scope_levels=[RegionLevel.PROVINCE, RegionLevel.CITY], order=9999)
    IndicatorTarget.objects.bulk_create([
        IndicatorTarget(indicator=indicator, level=RegionLevel.PROVINCE, expression=">=70"),
        IndicatorTarget(indicator=indicator, level=RegionLevel.CITY, expression=">=75"),
    ])
    province = world.province
    assert national_layer(indicator, province, province.profile()) == TargetStep(TargetSource.NATIONAL, ">=70")
    resolved = resolve_targets(world.program, [province, world.city], program_indicators(world.program))
    assert resolved[(province.id, indicator.id)].text == "≥70%"
    assert resolved[(world.city.id, indicator.id)].text == "≥75%"
    assert indicator.target_texts == {"province": ">=70", "city": ">=75"}  # top level first
