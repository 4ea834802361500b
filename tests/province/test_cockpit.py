"""The province cockpit: its rows, who may read it, and a constant number of queries at 2 and at 20 cities."""

from __future__ import annotations

from decimal import Decimal

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import Role, User
from apps.geo.models import Region
from apps.indicators.models import Indicator
from apps.programs.models import Program, TitleSought
from apps.province import selectors
from apps.reporting.models import IndicatorValue, ReportingRound, ValueRevision
from apps.reporting.services import indicator_value_transition
from apps.review.workflow import ReviewAction
from tests.assessment.conftest import approve
from tests.conftest import make_user
from tests.queries import page_queries

from .conftest import grow


def test_the_cockpit_lists_every_city_program_with_its_gate_counties_and_timeliness(prov, client_for):
    data = client_for(prov.office).get(f"/api/provinces/{prov.province.id}/cockpit").json()
    assert (data["total"], data["manages"], data["pages"]) == (2, True, 1)
    rows = {r["city_name"]: r for r in data["cities"]}
    assert set(rows) == {"甲市", "乙市"}
    first, second = rows["甲市"], rows["乙市"]
    assert first["gate"]["year"] == 2024
    assert prov.code["2019-29"].id in first["gate"]["not_attained"]  # 90 < 95
    assert prov.code["2019-29"].id not in second["gate"]["not_attained"]  # 97
    assert first["counties_provincial"] == 1 and first["counties_national"] == 0
    assert data["counties_provincial"] == 2
    timely = first["timeliness"]
    assert (timely["round_name"], timely["expected"], timely["on_time"], timely["late"], timely["missing"],
            timely["on_time_percent"]) == ("2025年度调度", 2, 1, 1, 0, 50)
    weak = data["weak_spots"]
    assert weak[0]["code"] == "2019-29" and weak[0]["cities"] == ["甲市"]


def test_the_page_shows_the_cities_and_the_leader_reads_it_without_the_office_links(prov, client_for):
    page = client_for(prov.leader).get(f"/province/{prov.province.id}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "全省驾驶舱" in text and "甲市创建国家生态文明建设示范市" in text and "跨市薄弱指标" in text
    assert "录入全省考核任务" not in text
    office = client_for(prov.office).get(f"/province/{prov.province.id}/").content.decode()
    assert "录入全省考核任务" in office


def test_a_city_office_is_refused_the_province_cockpit_and_another_citys_program(prov, client_for):
    world = prov.world
    client = client_for(world.users.office)
    assert client.get(f"/province/{prov.province.id}/").status_code == 403
    assert client.get(f"/api/provinces/{prov.province.id}/cockpit").status_code == 403
    assert client.get(f"/province/{prov.province.id}/targets/").status_code == 403
    assert client.get(f"/programs/{world.other_program.id}/assessment/").status_code in (403, 404)
    assert client.get(f"/province/{world.city.id}/").status_code == 404  # not a province
    other = make_user("other-prov", Role.OFFICE_ADMIN, region=_other_province())
    assert client_for(other).get(f"/province/{prov.province.id}/").status_code == 403


def _other_province() -> Region:
    return Region.objects.create(code="980000", name="另一省", level="province")


def test_the_menu_offers_the_province_cockpit_to_the_province_only(prov, client_for):
    p = prov.world.program.id
    page = client_for(prov.office).get(f"/programs/{p}/assessment/").content.decode()
    assert f"/programs/{p}/province/" in page
    assert client_for(prov.office).get(f"/programs/{p}/province/").url == f"/province/{prov.province.id}/"
    city = client_for(prov.world.users.office).get(f"/programs/{p}/assessment/").content.decode()
    assert f"/programs/{p}/province/" not in city
    assert client_for(prov.world.users.office).get(f"/programs/{p}/province/").status_code == 403


def count(client: Client, url: str) -> int:
    client.get(url)  # the gates computed once (a changed city is assessed again once)
    return page_queries(client, url)


def test_the_cockpit_issues_the_same_number_of_queries_at_2_and_at_20_cities(prov, client_for):
    client = client_for(prov.office)
    urls = [f"/province/{prov.province.id}/", f"/api/provinces/{prov.province.id}/cockpit"]
    small = [count(client, url) for url in urls]
    grow(prov, 20)
    large = [count(client, url) for url in urls]
    assert small == large
    assert client.get(urls[1]).json()["total"] == 20


def test_more_than_50_cities_are_paged(prov, client_for, monkeypatch):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 1)
    client = client_for(prov.office)
    second = client.get(f"/api/provinces/{prov.province.id}/cockpit?page=2").json()
    assert (second["page"], second["pages"], len(second["cities"])) == (2, 2, 1)
    assert "第 2 / 2 页" in client.get(f"/province/{prov.province.id}/?page=2").content.decode()


def test_a_superuser_reads_any_province_and_a_county_program_counts_as_seeking_its_title(prov, client_for):
    county = prov.world.counties["hill"]
    Program.objects.create(region=county, framework=prov.world.program.framework, name="丘陵县创建",
                           title_sought=TitleSought.NATIONAL, base_year=2020, target_year=2026)
    root = User.objects.create_superuser("root-prov", password="pw")
    data = client_for(root).get(f"/api/provinces/{prov.province.id}/cockpit").json()
    assert data["manages"] is False and data["total"] == 2  # a county's program is not a city row
    rows = {r["city_name"]: r for r in data["cities"]}
    assert (rows["甲市"]["counties_national"], data["counties_national"]) == (1, 1)
    assert client_for(root).get(f"/province/{prov.province.id}/assigned/import/").status_code == 403


def test_a_warm_cockpit_reads_the_stored_snapshot_without_aggregating_the_values(prov, client_for):
    client = client_for(prov.office)
    url = f"/province/{prov.province.id}/"
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    sql = [q["sql"].upper() for q in queries.captured_queries]
    assert not [q for q in sql if "COUNT(" in q or "GROUP BY" in q]
    assert sum("REPORTING_INDICATORVALUE" in q for q in sql) == 1  # the write stamp's newest id


def test_a_change_in_a_citys_values_shows_on_the_next_request(prov, client_for):
    client = client_for(prov.office)
    url = f"/api/provinces/{prov.province.id}/cockpit"
    first = {r["city_name"]: r for r in client.get(url).json()["cities"]}["甲市"]
    assert prov.code["2019-29"].id in first["gate"]["not_attained"]
    client.get(f"/province/{prov.province.id}/")  # the page's fragment stored too
    city = prov.programs[0].region
    IndicatorValue.objects.filter(program=prov.programs[0], region=city, indicator=prov.code["2019-29"],
                                  year=2024).delete()  # not a user's path: only the approval below changes ids
    approve(prov.programs[0], city, prov.code["2019-29"], 2024, 96, author=prov.world.users.office)
    data = client.get(url).json()
    second = {r["city_name"]: r for r in data["cities"]}["甲市"]
    assert prov.code["2019-29"].id not in second["gate"]["not_attained"]
    assert data["weak_spots"] == [] or data["weak_spots"][0]["cities"] != ["甲市"]
    assert "2019-29" not in client.get(f"/province/{prov.province.id}/").content.decode().split("跨市薄弱指标")[1]


def test_a_submission_changes_the_timeliness_on_the_next_request(prov, client_for):
    client = client_for(prov.office)
    url = f"/api/provinces/{prov.province.id}/cockpit"
    program = prov.programs[0]
    third = Indicator.objects.get(framework=program.framework, code="2019-01")
    round_ = ReportingRound.objects.get(program=program)
    round_.indicators.add(third)  # a third obligation, entered but not submitted yet
    value = IndicatorValue.objects.create(program=program, region=program.region, indicator=third, year=2025,
                                          round=round_)
    revision = ValueRevision.objects.create(value=value, number=Decimal("3"), version=1,
                                            author=prov.world.users.office)
    IndicatorValue.objects.filter(pk=value.pk).update(current_revision=revision)
    before = {r["city_name"]: r for r in client.get(url).json()["cities"]}["甲市"]["timeliness"]
    value.refresh_from_db()
    indicator_value_transition(value=value, action=ReviewAction.SUBMIT, actor=prov.world.users.office,
                               comment="材料随后补交")
    after = {r["city_name"]: r for r in client.get(url).json()["cities"]}["甲市"]["timeliness"]
    assert (before["late"], before["missing"], after["late"], after["missing"]) == (1, 1, 2, 0)


def test_a_snapshot_built_again_under_the_same_stamp_shows_on_the_page(prov, client_for):
    """What the stamp cannot see (a late commit on PostgreSQL) shows once the snapshot expires: the page's tables
    are kept under the snapshot's own id, not under the stamp."""
    client = client_for(prov.office)
    url = f"/province/{prov.province.id}/"
    late = "<td>1</td><td>0</td>"  # a city's late and missing cells: one late, none missing (each city)
    assert client.get(url).content.decode().count(late) == 2
    IndicatorValue.objects.filter(program=prov.programs[0], submitted_late=True).update(submitted_late=False)
    assert client.get(url).content.decode().count(late) == 2  # no new id: the stored snapshot still answers
    cache.delete(f"province-cockpit:{prov.province.id}")  # as when it expires (selectors.SNAPSHOT_SECONDS)
    assert client.get(url).content.decode().count(late) == 1
