"""The first request after a data change (:func:`apps.assessment.selectors.refresh`): it reads again only the inputs
whose part of the data version moved, keeps the stored gates of the regions whose inputs did not change, and gives
exactly what a full recompute gives."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection

from apps.assessment import dashboards, selectors
from apps.assessment.access import access_assessment
from apps.assessment.selectors import ProgramAssessment, program_assessment, version_parts
from apps.programs.models import AssignedTarget, TargetOverride

from .conftest import approve, assign
from .test_selectors import TODAY
from .test_snapshots import counting


def same(refreshed: ProgramAssessment, full: ProgramAssessment) -> None:
    """Every frame, year and gate of ``refreshed`` equals the full recompute's."""
    for name in ("grid", "reach", "gates", "coverage"):
        assert getattr(refreshed, name).equals(getattr(full, name)), name
        assert getattr(refreshed, name).schema == getattr(full, name).schema, name
    for name in ("values", "statuses", "assigned", "targets"):
        assert getattr(refreshed.frames, name).equals(getattr(full.frames, name)), name
    assert refreshed.frames.errors == full.frames.errors and dict(refreshed.resolved.items()) == dict(full.resolved.items())
    assert (refreshed.years, refreshed.year, refreshed.default_year) == (full.years, full.year, full.default_year)
    for region in refreshed.regions:
        assert refreshed.region_gate(region.id) == full.region_gate(region.id), region.name
    assert refreshed.city_gate() == full.city_gate()


def changes(assess) -> dict[str, tuple[Callable[[], None], str]]:
    """A data change each, and the region it touches ("" when it touches the targets)."""
    w, p, code = assess.world, assess.program, assess.code
    office = w.users.office
    hill, plain = w.counties["hill"], w.counties["plain"]
    return {
        "assigned": (lambda: assign(p, hill, code["2019-07a"], 2024, "85.5", author=office), "hill"),
        # a number with more decimal places than any before: the engine's common scale grows
        "value": (lambda: approve(p, plain, code["2019-29"], 2024, "86.1234", author=office), "plain"),
        "status": (lambda: approve(p, hill, code["2019-01"], 2023, qualitative="achieved", author=office), "hill"),
        "both": (lambda: (assign(p, w.city, code["2019-20"], 2024, "0.46", author=office),
                          approve(p, w.city, code["2019-20"], 2022, "0.49", author=office)), "city"),
        "override": (lambda: TargetOverride.objects.create(program=p, region=hill, indicator=code["2019-29"],
                                                            target=">=80", reason="调整", created_by=office), ""),
    }


@pytest.mark.parametrize("year", [2024, None])
@pytest.mark.parametrize("change", ["assigned", "value", "status", "both", "override"])
def test_a_refreshed_assessment_equals_a_full_recompute(assess, monkeypatch, change, year):
    first = program_assessment(assess.program, year=year, today=TODAY)
    for region in first.regions:
        first.region_gate(region.id)  # the stored gates the refresh starts from
    make, touched = changes(assess)[change]
    make()
    calls = counting(monkeypatch)
    refreshed = program_assessment(assess.program, year=year, today=TODAY)
    assert refreshed.version != first.version
    if touched:
        region = assess.world.city if touched == "city" else assess.world.counties[touched]
        assert refreshed.previous is not None and refreshed.previous.changed == {region.id}
        refreshed.region_gate(assess.program.region_id)
        assert calls == [[region.id]] if region.id in refreshed.gate_regions() else calls == [[]]
    else:  # the targets changed: everything is read and computed again
        assert refreshed.previous is None
    same(refreshed, program_assessment(assess.program, year=year, today=TODAY, use_cache=False))
    # and the refreshed entry is stored: the next request reads it back
    again = program_assessment(assess.program, year=year, today=TODAY)
    assert again.key == refreshed.key and again.previous is None and again.grid.equals(refreshed.grid)


def test_a_new_data_year_moves_the_default_year_and_nothing_stored_is_kept(assess):
    first = program_assessment(assess.program, today=TODAY)
    first.region_gate(assess.program.region_id)
    approve(assess.program, assess.world.city, assess.code["2019-03"], 2025, 20, author=assess.world.users.office)
    refreshed = program_assessment(assess.program, today=TODAY)
    assert refreshed.year == 2025 != first.year and refreshed.previous is None  # gates of 2024 are not 2025's
    same(refreshed, program_assessment(assess.program, today=TODAY, use_cache=False))


def test_the_version_parts_make_the_data_version(assess):
    parts = version_parts(assess.program)
    assert parts.text == program_assessment(assess.program, today=TODAY).version
    assert parts.text.split("|")[0] == parts.values and parts.text.split("|")[1] == parts.assigned


def test_only_the_changed_region_is_evaluated_when_the_decimal_scale_stays(assess, monkeypatch):
    """The city holds the most decimal places: a change of its numbers evaluates the city alone and patches its
    rows into the stored grid; a county whose numbers have fewer places evaluates everything again."""
    evaluated: list[set[int]] = []
    original = selectors.evaluate_frames

    def spy(frames, **kwargs):
        evaluated.append(set(frames.targets.get_column("region_id").unique().to_list()))
        return original(frames, **kwargs)

    monkeypatch.setattr(selectors, "evaluate_frames", spy)
    program_assessment(assess.program, year=2024, today=TODAY)
    everyone = evaluated[-1]
    make, _ = changes(assess)["both"]
    make()
    refreshed = program_assessment(assess.program, year=2024, today=TODAY)
    assert evaluated[-1] == {assess.world.city.id}
    same(refreshed, program_assessment(assess.program, year=2024, today=TODAY, use_cache=False))
    make, _ = changes(assess)["assigned"]
    make()
    evaluated.clear()
    refreshed = program_assessment(assess.program, year=2024, today=TODAY)
    # On SQLite hill's new value has another decimal scale than the program's stored frame, so the whole program is
    # evaluated again; PostgreSQL's numeric column gives every value the column's scale, so the patch holds there.
    hill = {assess.world.counties["hill"].id}
    assert evaluated == ([hill, everyone] if connection.vendor == "sqlite" else [hill])
    same(refreshed, program_assessment(assess.program, year=2024, today=TODAY, use_cache=False))


def test_the_cockpit_figures_are_kept_when_their_regions_did_not_change(assess, monkeypatch):
    """The city's figures read the city and the counties with a goal: a change elsewhere keeps them; a change of
    a county with a goal computes them again. Either way they equal the figures computed from nothing."""
    built: list[int] = []
    original = dashboards.weak_spots

    def spy(assessment, region_id):
        built.append(region_id)
        return original(assessment, region_id)

    monkeypatch.setattr(dashboards, "weak_spots", spy)
    scope = access_assessment(assess.world.users.office, assess.program.id)
    city = assess.program.region_id

    def figures(**kwargs):
        return dashboards.cockpit(program_assessment(assess.program, year=2024, today=TODAY, **kwargs), scope, TODAY)

    figures()
    assert built == [city]
    approve(assess.program, assess.world.counties["mountain"], assess.code["2019-11"], 2023, 57,
            author=assess.world.users.office)  # mountain has no goal
    kept = figures()
    assert built == [city] and kept == figures(use_cache=False)
    assign(assess.program, assess.world.counties["plain"], assess.code["2019-29"], 2024, 88,
           author=assess.world.users.office)  # plain has a goal: the city's gate lists it
    built.clear()
    again = figures()
    assert built == [city] and again == figures(use_cache=False)


def test_assigned_numbers_since_the_stored_frame_equal_a_full_load(assess):
    program, office = assess.program, assess.world.users.office
    hill, city = assess.world.counties["hill"], assess.world.city
    was, before = version_parts(program).assigned, selectors.load_assigned(program)
    assign(program, hill, assess.code["2019-07a"], 2024, "85.5", author=office)  # replaces hill's 86
    assign(program, city, assess.code["2019-07a"], 2023, "80", author=office)  # a new key
    assign(program, city, assess.code["2019-07a"], 2023, "80.5", author=office)  # and its later entry
    now = version_parts(program).assigned
    since = selectors.assigned_since(program, before, was, now)
    assert since is not None and since.equals(selectors.load_assigned(program))
    # an entry dated before the stored ones: not simply newer, so the caller loads them all
    late = assign(program, hill, assess.code["2019-20"], 2024, "0.5", author=office)
    AssignedTarget.objects.filter(id=late.id).update(created_at=late.created_at - dt.timedelta(days=400))
    assert selectors.assigned_since(program, before, was, version_parts(program).assigned) is None
