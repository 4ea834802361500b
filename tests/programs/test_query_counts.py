"""Program pages issue the same number of SQL queries however many counties and units there are."""

from __future__ import annotations

from apps.geo.models import Department, Region
from tests.queries import page_queries


def grow(world, counties: int) -> None:
    for n in range(counties):
        county = Region.objects.create(code=f"9901{50 + n:02d}", name=f"新县{n}", level="county", parent=world.city,
                                       terrain=("mountain", "hill", "plain")[n % 3])
        Department.objects.create(region=world.city, name=f"新县{n}人民政府", kind="government", governs=county)


def test_program_pages_query_count_is_constant(world, client_for):
    client = client_for(world.users.office)
    p = world.program.id
    pages = [f"/programs/{p}/", f"/programs/{p}/responsibilities/", f"/programs/{p}/departments/",
             f"/programs/{p}/regions/{world.city.id}/", f"/programs/{p}/targets/edits/"]
    small = {url: page_queries(client, url) for url in pages}
    grow(world, 40)
    large = {url: page_queries(client, url) for url in pages}
    assert small == large
