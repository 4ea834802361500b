"""The cockpit and the matrix (pages, API and xlsx) issue the same number of SQL queries with 6 and with 16 counties (with data).

The pages list at most 6 counties or blockers before a "show all": both sizes reach that, the larger well past it."""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.geo.models import Region
from apps.programs.models import RegionGoal

from .conftest import approve


def grow(assess, total: int) -> None:
    """Counties up to ``total``, each with approved values over the years and a goal."""
    existing = Region.objects.filter(parent=assess.world.city, level="county").count()
    office = assess.world.users.office
    for n in range(existing, total):
        county = Region.objects.create(code=f"98{n:04d}", name=f"增设县{n}", level="county", parent=assess.world.city,
                                       terrain=("mountain", "hill", "plain")[n % 3], arid=n % 7 == 0)
        for code, series in (("2019-03", (18, 19, 21)), ("2019-29", (80, 84, 88))):
            for year, number in zip((2022, 2023, 2024), series, strict=True):
                approve(assess.program, county, assess.code[code], year, number + n % 3, author=office)
        approve(assess.program, county, assess.code["2019-01"], 2024, qualitative="achieved", author=office)
        if n % 2:
            RegionGoal.objects.create(program=assess.program, region=county, title_sought="provincial",
                                      target_year=2023 + n % 4)


def count(client: Client, url: str, *, cold: bool) -> int:
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_cockpit_and_matrix_query_counts_do_not_grow(assess, client_for):
    client = client_for(assess.world.users.office)
    p = assess.program.id
    pages = [f"/programs/{p}/assessment/", f"/programs/{p}/assessment/matrix/",
             f"/programs/{p}/assessment/indicators/{assess.code['2019-03'].id}/",
             f"/programs/{p}/assessment/matrix/?only=binding&sort=attained",
             f"/api/programs/{p}/assessment/matrix?sort=name", f"/api/programs/{p}/assessment/gates",
             f"/programs/{p}/assessment/cockpit.xlsx", f"/programs/{p}/assessment/matrix.xlsx",
             f"/api/programs/{p}/assessment/matrix.xlsx?only=binding"]
    grow(assess, 6)
    assert Region.objects.filter(parent=assess.world.city, level="county").count() == 6
    small = {(url, cold): count(client, url, cold=cold) for url in pages for cold in (True, False)}
    grow(assess, 16)
    assert Region.objects.filter(parent=assess.world.city, level="county").count() == 16
    large = {(url, cold): count(client, url, cold=cold) for url in pages for cold in (True, False)}
    assert small == large
    matrix = client.get(pages[1]).content.decode()
    assert matrix.count('<th class="reg"') == 17


def test_department_page_fetches_the_program_once(assess, client_for):
    """The office's view of a unit checks program access and assessment scope on one fetched program."""
    client = client_for(assess.world.users.office)
    url = f"/programs/{assess.program.id}/assessment/departments/{assess.unit.id}/"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    fetches = [q["sql"] for q in queries if q["sql"].lstrip().startswith("SELECT")
               and 'FROM "programs_program"' in q["sql"]]
    assert len(fetches) == 1
