"""Province targets in the resolution chain: national → province → local edit → override, set by the province
office only, shown in a city's program with where they came from."""

from __future__ import annotations

from apps.core.errors import DomainError
from apps.geo.models import RegionLevel
from apps.indicators.models import Indicator
from apps.programs import services
from apps.programs.models import ProvinceTarget
from apps.programs.selectors import TargetSource, program_indicators, resolve_targets, target_rows


def code(program, c: str) -> Indicator:
    return next(i for i in program_indicators(program) if i.code == c)


def resolved(program, region, c: str):
    indicator = code(program, c)
    return resolve_targets(program, [region], [indicator])[(region.id, indicator.id)]


def test_a_province_target_applies_to_every_city_program_below_local_edits_and_overrides(prov):
    world = prov.world
    air = code(world.program, "2019-29")  # 城市空气质量优良天数比例: national >=95? (city)
    services.province_target_set(province=prov.province, indicator=air, level=RegionLevel.CITY, target=">=97",
                                 reason="省级考核办法", actor=prov.office)
    for program in (world.program, world.other_program):
        got = resolved(program, program.region, "2019-29")
        assert (got.source, got.text, got.reason) == (TargetSource.PROVINCE, "≥97%", "省级考核办法")
    county = world.counties["hill"]
    assert resolved(world.program, county, "2019-29").source == TargetSource.NATIONAL  # set for cities only
    services.target_edit_set(program=world.program, indicator=air, level=RegionLevel.CITY, target=">=98",
                             reason="《规划》", actor=world.users.office)
    assert resolved(world.program, world.city, "2019-29").source == TargetSource.LOCAL_EDIT
    assert resolved(world.other_program, world.other_city, "2019-29").source == TargetSource.PROVINCE
    services.target_override_set(program=world.program, region=world.city, indicator=air, target=">=99",
                                 reason="单列", actor=world.users.office)
    assert resolved(world.program, world.city, "2019-29").source == TargetSource.OVERRIDE
    services.province_target_set(province=prov.province, indicator=air, level=RegionLevel.CITY, target="",
                                 reason="撤销", actor=prov.office)
    assert resolved(world.other_program, world.other_city, "2019-29").source == TargetSource.NATIONAL
    assert ProvinceTarget.objects.count() == 2  # revisions, never overwritten


def test_a_province_target_may_not_be_looser_than_the_national_one(prov):
    air = code(prov.world.program, "2019-29")
    try:
        services.province_target_set(province=prov.province, indicator=air, level=RegionLevel.CITY, target=">=80",
                                     reason="x", actor=prov.office)
    except DomainError as exc:
        assert "只能提高不能降低" in str(exc)
    else:
        raise AssertionError("a looser province target was accepted")


def test_the_targets_api_and_page_for_the_province_office_only(prov, client_for):
    world = prov.world
    air = code(world.program, "2019-29")
    url = f"/api/provinces/{prov.province.id}/targets"
    payload = {"indicator_id": air.id, "level": "city", "target": ">=97", "reason": "省级考核办法"}
    for user in (prov.leader, world.users.office):
        assert client_for(user).post(url, payload, content_type="application/json").status_code == 403
    assert client_for(world.users.office).get(url).status_code == 403
    rows = client_for(prov.office).post(url, payload, content_type="application/json").json()["rows"]
    row = next(r for r in rows if r["indicator_id"] == air.id and r["level"] == "city")
    assert (row["province_target"], row["reason"]) == (">=97", "省级考核办法")
    assert client_for(prov.leader).get(url).status_code == 200
    page = client_for(prov.office).post(f"/province/{prov.province.id}/targets/",
                                        {"indicator": air.id, "level": "county", "target": ">=90", "reason": "县"})
    assert page.status_code == 302
    assert ProvinceTarget.objects.filter(level="county", target=">=90").exists()
    leader_page = client_for(prov.leader).get(f"/province/{prov.province.id}/targets/").content.decode()
    assert "设置省级目标" not in leader_page and "国家标准" in leader_page
    assert client_for(prov.leader).post(f"/province/{prov.province.id}/targets/",
                                        {"indicator": air.id, "level": "city", "target": ">=99",
                                         "reason": "x"}).status_code == 403
    # a city's program shows where its target came from
    shown = {r.indicator_id: r for r in target_rows(world.program, [world.city])}
    assert shown[air.id].source == TargetSource.PROVINCE


def test_the_province_target_changes_the_cockpit_gate(prov, client_for):
    world = prov.world
    client = client_for(prov.office)
    before = {r["city_name"]: r for r in client.get(f"/api/provinces/{prov.province.id}/cockpit").json()["cities"]}
    assert code(world.program, "2019-29").id not in before["乙市"]["gate"]["not_attained"]  # 97 ≥ 95
    services.province_target_set(province=prov.province, indicator=code(world.program, "2019-29"),
                                 level=RegionLevel.CITY, target=">=98", reason="省级考核办法", actor=prov.office)
    after = {r["city_name"]: r for r in client.get(f"/api/provinces/{prov.province.id}/cockpit").json()["cities"]}
    assert code(world.program, "2019-29").id in after["乙市"]["gate"]["not_attained"]  # 97 < 98
