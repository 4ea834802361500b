"""Program pages issue the same number of SQL queries however many counties and units there are."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.geo.models import Department, Region


def grow(world, counties: int) -> None:
    for n in range(counties):
        county = Region.objects.create(code=f"9901{50 + n:02d}", name=f"新县{n}", level="county", parent=world.city,
                                       terrain=("mountain", "hill", "plain")[n % 3])
        Department.objects.create(region=world.city, name=f"新县{n}人民政府", kind="government", governs=county)


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_program_pages_query_count_is_constant(world, client_for):
    client = client_for(world.users.office)
    p = world.program.id
    pages = [f"/programs/{p}/", f"/programs/{p}/responsibilities/", f"/programs/{p}/departments/",
             f"/programs/{p}/regions/{world.city.id}/", f"/programs/{p}/targets/edits/"]
    small = {url: count(client, url) for url in pages}
    grow(world, 40)
    large = {url: count(client, url) for url in pages}
    assert small == large
