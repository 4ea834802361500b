"""The program overview's target table shows the program's own region and 20 counties a page (a city of 500
counties was 500 columns and 20,000 targets resolved per request)."""

from __future__ import annotations

from apps.programs import views
from apps.programs.selectors import program_regions

from .test_query_counts import grow


def _columns(page: str) -> str:
    return page.split('id="target-table"')[1].split("</thead>")[0]


def test_the_target_table_pages_through_the_counties(world, client_for):
    grow(world, 40)
    counties = program_regions(world.program)[1:]
    assert 40 < len(counties) <= 60
    client = client_for(world.users.office)
    url = f"/programs/{world.program.id}/"
    first = client.get(url).content.decode()
    assert _columns(first).count('class="region"') == 1 + views.OVERVIEW_COUNTIES
    assert world.city.name in _columns(first) and counties[19].name in _columns(first)
    assert counties[20].name not in _columns(first)
    assert f"第 1–20 个县区，共 {len(counties)} 个" in first and "?counties_page=2#target-table" in first
    assert f"<b>{len(counties)}</b>个县区" in first  # the count is of every county, not of the page
    last = client.get(f"{url}?counties_page=3").content.decode()
    assert _columns(last).count('class="region"') == 1 + len(counties) - 40
    assert world.city.name in _columns(last) and counties[-1].name in _columns(last)
    assert counties[0].name not in _columns(last) and "?counties_page=2#target-table" in last
