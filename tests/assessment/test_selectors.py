"""The program selector: bulk frames equal the scalar functions on demo-like data; gates; caching; queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.assessment.selectors import (
    COVERAGE_THRESHOLD,
    coverage_frame,
    default_year,
    program_assessment,
    resolved_targets,
)
from apps.geo.models import Region
from apps.programs.models import Program, TargetOverride
from apps.programs.selectors import program_indicators, program_regions, resolve_targets
from apps.reporting.models import ValueRevision
from calc.attainment import certification_gate

from .conftest import approve, assign

TODAY = dt.date(2025, 3, 1)


def test_default_year_is_latest_with_data_and_year_is_selectable(assess):
    a = program_assessment(assess.program, today=TODAY)
    assert a.year == 2024 and a.years == [2020, 2022, 2023, 2024]
    assert program_assessment(assess.program, year=2022, today=TODAY).year == 2022
    # data of a future year is not the default
    approve(assess.program, assess.world.city, assess.code["2019-03"], 2026, 30, author=assess.world.users.office)
    assert program_assessment(assess.program, today=TODAY).year == 2024


def test_deadlines_come_from_region_goals(assess):
    a = program_assessment(assess.program, today=TODAY)
    counties = assess.world.counties
    assert a.deadlines[assess.world.city.id] == assess.program.target_year == 2025
    assert a.deadlines[counties["hill"].id] == 2024
    assert a.deadlines[counties["plain"].id] == 2026
    assert a.deadlines[counties["mountain"].id] == 2025


def test_profile_grouped_resolution_equals_resolve_targets(assess):
    program = assess.program
    regions = program_regions(program)
    indicators = program_indicators(program)
    expected = resolve_targets(program, regions, indicators)
    assert resolved_targets(program, regions, indicators) == expected
    assert not expected[(assess.world.counties["mountain"].id, assess.code["2019-03"].id)].applicable


@pytest.mark.parametrize("year", [2022, 2023, 2024])
def test_bulk_grid_equals_scalar_functions(assess, year):
    a = program_assessment(assess.program, year=year, today=TODAY)
    pairs = [(r.id, i.id) for r in a.regions for i in a.indicators]
    scalar = a.scalar(pairs)
    grid = {(r["region_id"], r["indicator_id"]): r for r in a.year_grid().iter_rows(named=True)}
    reach = {(r["region_id"], r["indicator_id"]): r for r in a.reach.iter_rows(named=True)}
    assert len(grid) == len(pairs)
    seen_status = set()
    for pair in pairs:
        evaluation, reachability = scalar[pair]
        row = grid[pair]
        seen_status.add(evaluation.status)
        assert row["status"] == evaluation.status, pair
        for name in ("value", "bound", "gap_abs", "gap_rel"):
            assert row[name] == getattr(evaluation, name), (pair, name)
        assert row["comparison"] == evaluation.comparison
        if reachability is None:
            assert pair not in reach
            continue
        bulk = reach[pair]
        assert bulk["status"] == reachability.status, pair
        for name in ("observed_rate", "required_rate", "ratio", "years_needed", "expected_year", "goal"):
            assert bulk[name] == getattr(reachability, name), (pair, name)
        assert {p["year"]: p["value"] for p in bulk["projection"] or []} == dict(reachability.projection)
    assert seen_status == {"attained", "not_attained", "no_data", "not_applicable"} or year != 2024


def test_every_form_is_covered_with_the_expected_outcome(assess):
    a = program_assessment(assess.program, year=2024, today=TODAY)
    city, hill, mountain = assess.world.city.id, assess.world.counties["hill"].id, assess.world.counties["mountain"].id
    code = assess.code
    got = {k: a.scalar([k])[k] for k in [(city, code[c].id) for c in
                                           ("2019-03", "2019-01", "2019-07a", "2019-12c", "2019-20", "2019-36c")]}

    def status(c: str, region: Region = city) -> str:
        return a.scalar([(region, code[c].id)])[(region, code[c].id)][0].status

    assert status("2019-03") == "not_attained"  # 19 < 20
    assert got[(city, code["2019-03"].id)][1].status in ("accelerate", "on_track", "off_track")
    assert status("2019-01") == "attained"  # qualitative achieved
    assert status("2019-01", hill) == "not_attained"  # in progress
    assert status("2019-07a") == "attained"  # 82 ≥ assigned 81 (the later entry), and ≥ base 80
    assert status("2019-12c") == "not_attained"  # 49 < base 50
    assert status("2019-20") == "attained"  # lower: 0.47 ≤ 0.49 and ≤ base
    assert status("2019-36c") == "attained"  # 280 < 300
    assert status("2019-03", mountain) == "not_applicable"
    assert status("2019-12c", hill) == "no_data"
    evaluation = a.scalar([(city, code["2019-03"].id)])[(city, code["2019-03"].id)][0]
    assert evaluation.gap_abs == Decimal(1) and "低于目标值20%" in evaluation.explanation


def test_gate_frame_equals_certification_gate(assess):
    a = program_assessment(assess.program, year=2024, today=TODAY)
    rows = {r["region_id"]: r for r in a.gates.iter_rows(named=True)}
    codes = {i.id: i.code for i in a.indicators}
    for region in a.regions:
        scalar = a.scalar([(region.id, i.id) for i in a.indicators])
        gate = certification_gate([(i.code, i.name, bool(i.binding), scalar[(region.id, i.id)][0])
                                   for i in a.indicators])
        row = rows[region.id]
        assert row["passed"] == gate.passed
        assert (row["binding_applicable"], row["binding_attained"]) == (gate.binding_applicable,
                                                                        gate.binding_attained)
        assert (row["reference_applicable"], row["reference_attained"]) == (gate.reference_applicable,
                                                                            gate.reference_attained)
        assert {s: row[s] for s in gate.counts} == dict(gate.counts)
        assert [codes[i] for i in row["blockers"]] == [b.code for b in gate.blockers]
        assert a.region_gate(region.id) == gate


def test_city_gate_lists_counties_blocking_their_goals(assess):
    a = program_assessment(assess.program, year=2024, today=TODAY)
    result = a.city_gate()
    assert not result.passed and not result.all_clear
    assert [b.region for b in result.counties_blocked] == ["丘陵县"]  # goal 2024 is due and not met
    assert result.counties_blocked[0].year == 2024
    assert result.counties_pending == ("平原县",)  # goal 2026 still ahead
    assert "丘陵县计划2024年创建国家生态文明建设示范区" in result.explanation
    earlier = program_assessment(assess.program, year=2023, today=TODAY).city_gate()
    assert earlier.counties_blocked == () and set(earlier.counties_pending) == {"丘陵县", "平原县"}


def test_unresolvable_target_is_no_data_not_hidden(assess):
    TargetOverride.objects.create(program=assess.program, region=assess.world.city, indicator=assess.code["2019-03"],
                                  target="region{terrain=plain: >=10}", reason="测试", created_by=assess.world.users.office)
    a = program_assessment(assess.program, year=2024, today=TODAY)
    pair = (assess.world.city.id, assess.code["2019-03"].id)
    assert a.status_map()[pair]["status"] == "no_data"
    assert a.scalar([pair])[pair][0].status == "no_data"
    assert "2019-03" in [b.code for b in a.region_gate(assess.world.city.id).blockers]


def _statuses(program: Program) -> dict[tuple[int, int], str]:
    a = program_assessment(program, year=2024, today=TODAY)
    return {k: v["status"] for k, v in a.status_map().items()}


def test_cache_is_invalidated_by_every_kind_of_change(assess):
    program, office, city = assess.program, assess.world.users.office, assess.world.city
    pair = (city.id, assess.code["2019-03"].id)
    assert _statuses(program)[pair] == "not_attained"
    with CaptureQueriesContext(connection) as warm:
        assert _statuses(program)[pair] == "not_attained"
    assert len(warm) <= 10
    value = assess.values[("city", "2019-03", 2024)]  # a new approved revision of the same value

    revision = ValueRevision.objects.create(value=value, number=Decimal("21"), version=2, author=office)
    value.approved_revision = revision
    value.save(update_fields=["approved_revision"])
    assert _statuses(program)[pair] == "attained"
    assign(program, city, assess.code["2019-07a"], 2024, 95, author=office)  # a new assigned number
    assert _statuses(program)[(city.id, assess.code["2019-07a"].id)] == "not_attained"
    TargetOverride.objects.create(program=program, region=city, indicator=assess.code["2019-03"], target=">=25",
                                  reason="提高", created_by=office)
    assert _statuses(program)[pair] == "not_attained"
    county = Region.objects.create(code="990129", name="新设县", level="county", parent=city, terrain="plain")
    assert (county.id, assess.code["2019-03"].id) in _statuses(program)
    city.terrain = "mountain"  # an attribute that changes a resolved target (林草覆盖率 ≥60)
    city.save()
    assert _statuses(program)[(city.id, assess.code["2019-11"].id)] == "not_attained"


def test_query_count_does_not_grow_with_regions_or_values(assess):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            a = program_assessment(assess.program, year=2024, today=TODAY, use_cache=False)
            a.city_gate()
        return len(queries)

    small = count()
    for n in range(30):
        county = Region.objects.create(code=f"9901{60 + n}", name=f"增设县{n}", level="county",
                                       parent=assess.world.city, terrain=("hill", "plain", "mountain")[n % 3])
        approve(assess.program, county, assess.code["2019-03"], 2024, 20 + n % 3, author=assess.world.users.office)
    assert count() == small


class _Program:
    base_year, target_year = 2020, 2025


def test_default_year_rule():
    years = [2022, 2023, 2024]
    # the latest year with approved data, however much of it is reviewed (the page says how much)
    assert default_year(years, _Program, TODAY) == 2024
    assert COVERAGE_THRESHOLD == Decimal("0.6")  # now only the amber colour of a barely reviewed year
    # no data at all: this year, capped at the target year
    assert default_year([], _Program, TODAY) == 2025
    assert default_year([], _Program, dt.date(2023, 5, 1)) == 2023
    assert default_year([], _Program, dt.date(2030, 1, 1)) == 2025



def test_coverage_frame_equals_a_plain_count(assess):
    a = program_assessment(assess.program, today=TODAY)
    frames = a.frames
    applicable = {k for k, found in a.resolved.items() if found.applicable}
    observed = {(r, i, y) for r, i, y, _ in frames.values.iter_rows()} | {
        (r, i, y) for r, i, y, _ in frames.statuses.iter_rows()}
    for row in coverage_frame(frames, a.years).iter_rows(named=True):
        mine = {k for k in applicable if k[0] == row["region_id"]}
        assert row["applicable"] == len(mine)
        assert row["approved"] == sum(1 for r, i, y in observed if (r, i) in mine and y == row["year"])
    mountain = assess.world.counties["mountain"].id
    assert (mountain, assess.code["2019-03"].id) not in applicable  # the office's override
    assert a.coverage.filter(pl.col("region_id") == mountain).height == len(a.years)
