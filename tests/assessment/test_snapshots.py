"""Results stored per data version (gates, the matrix's heat map), the compact resolved targets, the paged matrix.

A snapshot is computed once per data version and read back after; a data change (an approved value, an assigned
number) gives the next request a new version, so it computes afresh; the stored entry carries its version."""

from __future__ import annotations

import json
import pickle
import re

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import Role
from apps.assessment import dashboards
from apps.assessment.selectors import Packed, ProgramAssessment, Snapshot, data_version, program_assessment
from calc.attainment import GateItem, certification_gate
from tests.conftest import make_user

from .conftest import approve, assign
from .test_query_counts import grow
from .test_selectors import TODAY


def counting(monkeypatch) -> list[list[int]]:
    """Record every call of ProgramAssessment.compute_gates (the regions it computed)."""
    calls: list[list[int]] = []
    original = ProgramAssessment.compute_gates

    def spy(self, region_ids):
        region_ids = list(region_ids)
        calls.append(region_ids)
        return original(self, region_ids)

    monkeypatch.setattr(ProgramAssessment, "compute_gates", spy)
    return calls


def test_gates_are_a_snapshot_per_data_version(assess, monkeypatch):
    calls = counting(monkeypatch)
    hill = assess.world.counties["hill"]
    first = program_assessment(assess.program, year=2024, today=TODAY)
    gate = first.region_gate(hill.id)
    assert len(calls) == 1 and set(calls[0]) == {assess.program.region_id, *first.goals}
    stored = cache.get(f"{first.key}:gates")
    assert isinstance(stored, Snapshot) and stored.version == first.version == data_version(assess.program)
    assert stored.value[hill.id] == gate

    again = program_assessment(assess.program, year=2024, today=TODAY)
    assert again.region_gate(hill.id) == gate and again.city_gate() == first.city_gate()
    assert len(calls) == 1  # read back, not computed

    # a data change: hill's 2024 value of a binding indicator it had none of
    assign(assess.program, hill, assess.code["2019-20"], 2024, "0.5", author=assess.world.users.office)
    approve(assess.program, hill, assess.code["2019-20"], 2024, "0.45", author=assess.world.users.office)
    changed = program_assessment(assess.program, year=2024, today=TODAY)
    assert changed.version != first.version and changed.key != first.key
    gate_now = changed.region_gate(hill.id)
    assert len(calls) == 2  # the next request after the change computed afresh
    assert gate_now == program_assessment(assess.program, year=2024, today=TODAY, use_cache=False).region_gate(hill.id)
    assert cache.get(f"{changed.key}:gates").version == data_version(assess.program)


def test_a_stored_snapshot_of_another_version_is_not_used(assess, monkeypatch):
    calls = counting(monkeypatch)
    a = program_assessment(assess.program, year=2024, today=TODAY)
    cache.set(f"{a.key}:gates", Snapshot(version="stale", value={}))
    city = a.region_gate(assess.program.region_id)
    assert len(calls) == 1 and city == program_assessment(assess.program, year=2024, today=TODAY,
                                                          use_cache=False).region_gate(assess.program.region_id)


def test_gates_from_the_snapshot_equal_the_scalar_gates(assess):
    """Blockers evaluated one by one, the rest read from the bulk grid: the same GateResult as all scalar."""
    a = program_assessment(assess.program, year=2024, today=TODAY, use_cache=False)
    for region in a.regions:
        scalar = a.scalar([(region.id, i.id) for i in a.indicators])
        expected = certification_gate([GateItem(i.code, i.name, bool(i.binding), scalar[(region.id, i.id)][0])
                                       for i in a.indicators])
        assert a.compute_gates([region.id])[region.id] == expected
        assert pickle.loads(pickle.dumps(expected)) == expected  # a GateResult survives the cache


def test_the_resolved_targets_table_reads_and_pickles_as_the_dict_it_replaces(assess):
    a = program_assessment(assess.program, year=2024, today=TODAY)
    as_dict = dict(a.resolved.items())
    assert a.resolved == as_dict and len(a.resolved) == len(a.regions) * len(a.indicators)
    assert pickle.loads(pickle.dumps(a.resolved)) == as_dict  # (its size at 200 counties: bench_pages' cache_kb)


def matrix_page(client, url: str) -> tuple[str, dict]:
    content = client.get(url).content.decode()
    found = re.search(r'<script id="matrix-data" type="application/json">(.*?)</script>', content, re.S)
    assert found
    return content, json.loads(found.group(1))


def test_the_matrix_pages_its_table_and_draws_every_region_in_the_heat_map(assess, client_for, monkeypatch):
    monkeypatch.setattr(dashboards, "MATRIX_PAGE_ROWS", 2)
    client = client_for(assess.world.users.office)
    url = f"/programs/{assess.program.id}/assessment/matrix/?year=2024"
    first, heat = matrix_page(client, url)
    second, _ = matrix_page(client, f"{url}&page=2")
    last, _ = matrix_page(client, f"{url}&page=99")  # past the end: the last page
    rows = lambda html: re.findall(r'<th class="reg" scope="row" title="([^"]+)"', html)  # noqa: E731
    assert len(heat["regions"]) == 5 and rows(first) == heat["regions"][:2] and rows(second) == heat["regions"][2:4]
    assert rows(last) == heat["regions"][4:] and 'id="matrix-pages"' in first
    # the heat map's letters are the table's cells
    classes = re.findall(r'<td class="(attained|not_attained|no_data|not_applicable)"', first)
    letters = {"attained": "a", "not_attained": "n", "no_data": "d", "not_applicable": "x"}
    assert "".join(letters[c] for c in classes) == heat["statuses"][0] + heat["statuses"][1]
    assert heat["detail_url"].endswith("/{indicator}/?region={region}&year=2024")
    assert heat["labels"]["a"] == "达标" and heat["text"]["target"] == "；目标%(target)s"


def test_a_county_office_sees_only_its_county_in_the_heat_map(assess, client_for):
    county = assess.world.counties["hill"]
    user = make_user("heat-county", Role.COUNTY_OFFICE, region=county)
    content = client_for(user).get(f"/programs/{assess.program.id}/assessment/matrix/").content.decode()
    assert 'id="matrix-data"' not in content  # one region: the table says it all
    office, _ = matrix_page(client_for(assess.world.users.office), f"/programs/{assess.program.id}/assessment/matrix/")
    assert "山区县" in office and "山区县" not in content


def test_matrix_pages_keep_their_query_count_as_regions_grow(assess, client_for, monkeypatch):
    monkeypatch.setattr(dashboards, "MATRIX_PAGE_ROWS", 3)
    client = client_for(assess.world.users.office)
    p = assess.program.id
    urls = [f"/programs/{p}/assessment/matrix/?page=2", f"/programs/{p}/assessment/matrix/?sort=name&page=1"]

    def count(url: str, cold: bool) -> int:
        if cold:
            cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    grow(assess, 6)
    small = [count(u, c) for u in urls for c in (True, False)]
    grow(assess, 12)
    assert small == [count(u, c) for u in urls for c in (True, False)]


def test_the_cached_entry_is_compressed_and_reads_back_the_same_frames(assess):
    fresh = program_assessment(assess.program, year=2024, today=TODAY)
    stored = cache.get(fresh.key)
    assert isinstance(stored, Packed) and all(isinstance(b, bytes) for b in (*stored.frames, *stored.computed))
    cached = program_assessment(assess.program, year=2024, today=TODAY)
    for name in ("grid", "reach", "gates", "coverage"):
        assert getattr(cached, name).equals(getattr(fresh, name)), name
        assert getattr(cached, name).schema == getattr(fresh, name).schema, name
    for name in ("values", "statuses", "assigned", "targets"):
        assert getattr(cached.frames, name).equals(getattr(fresh.frames, name)), name
    assert cached.frames.errors == fresh.frames.errors and cached.resolved == fresh.resolved
    assert (cached.years, cached.year, cached.default_year) == (fresh.years, fresh.year, fresh.default_year)
