"""The round page (/programs/<p>/rounds/<r>/) and its API: progress counted from plain columns gives the counts the
value objects give, only over the rows the user may read (a county office: its county; another city: nothing),
in four views a page at a time, at a constant number of queries however many counties and values."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.geo.models import Region
from apps.reporting import views
from apps.reporting.models import IndicatorValue
from apps.reporting.selectors import (
    PASSED_REPORTER,
    evidence_completeness,
    round_obligations,
    round_progress,
    round_rows,
)
from apps.reporting.services import reporting_round_create
from apps.review.workflow import ReviewStatus
from tests.sheets import sheet_values

from .conftest import save
from .test_evidence_required import REASON, REPORT, STATS, _attach
from .test_workflow import act


@pytest.fixture
def varied(required_evidence: SimpleNamespace) -> SimpleNamespace:
    """The round's six rows in every state: submitted lacking required evidence (on time), submitted with part of
    its evidence (late), a draft, approved with all of it, returned, and one not reported."""
    rep = required_evidence
    world, users = rep.world, rep.world.users
    hill, plain = world.counties["hill"], world.counties["plain"]
    city_numeric = save(rep, users.office)
    act(city_numeric, "submit", users.office, REASON)
    IndicatorValue.objects.filter(pk=city_numeric.pk).update(  # as if submitted before the due date
        first_submitted_at=timezone.make_aware(dt.datetime(2026, 1, 20, 9)), submitted_late=False)
    hill_numeric = save(rep, users.county, region=hill)
    _attach(hill_numeric, users.county, STATS)
    act(hill_numeric, "submit", users.county)
    save(rep, users.county, region=hill, indicator=rep.qualitative, number=None, qualitative="in_progress")
    plain_numeric = save(rep, users.office, region=plain)
    for item in (STATS, REPORT):
        _attach(plain_numeric, users.office, item)
    act(plain_numeric, "submit", users.office)
    act(plain_numeric, "approve", users.office)
    plain_qualitative = save(rep, users.office, region=plain, indicator=rep.qualitative, number=None,
                             qualitative="achieved")
    act(plain_qualitative, "submit", users.office, REASON)
    act(plain_qualitative, "return", users.office, "请补充材料")
    return rep


def reference_counts(rep: SimpleNamespace) -> dict[str, dict[str, int]]:
    """The counts per line as the values' model objects give them (what the page computed before it read
    plain columns), keyed as the progress lines are; on time or late as marked at the first submission."""
    lines: dict[str, dict[str, int]] = {}
    for o in round_obligations(rep.round):
        value = o.value
        hits = {"total": 1}
        if value is not None:
            completeness = evidence_completeness(o.indicator, list(value.evidence.all()))
            reported = value.first_submitted_at is not None
            hits |= {"reported": reported, "on_time": reported and not value.submitted_late,
                     "late": reported and value.submitted_late,
                     "approved": value.status == ReviewStatus.APPROVED,
                     "returned": value.status == ReviewStatus.RETURNED,
                     "evidence_complete": completeness.complete,
                     "evidence_incomplete": value.status in PASSED_REPORTER and bool(completeness.required_missing)}
        for key in (o.reporter.key, f"region:{o.region.id}", f"indicator:{o.indicator.id}", ""):
            line = lines.setdefault(key, dict.fromkeys(("total", "reported", "approved", "on_time", "late",
                                                        "returned", "evidence_complete", "evidence_incomplete"),
                                                       0))
            for name, hit in hits.items():
                line[name] += int(hit)
    return lines


def counts_of(line) -> dict[str, int]:
    return {name: getattr(line, name) for name in ("total", "reported", "approved", "on_time", "late",
                                                    "returned", "evidence_complete", "evidence_incomplete")}


def test_progress_counts_what_the_value_objects_count(varied):
    progress = round_progress(varied.round)
    expected = reference_counts(varied)
    got = {line.key: counts_of(line) for line in (*progress.by_reporter, *progress.by_region,
                                                  *progress.by_indicator)}
    got[""] = counts_of(progress.total)
    assert got == expected
    assert counts_of(progress.total) == {"total": 6, "reported": 4, "approved": 1, "on_time": 1, "late": 3,
                                         "returned": 1, "evidence_complete": 1, "evidence_incomplete": 1}
    world = varied.world
    assert [line.label for line in progress.by_reporter] == ["市生态环境局", "丘陵县生态办", "平原县生态办"]
    assert [line.label for line in progress.by_region] == [world.city.name, "丘陵县", "平原县"]
    assert [line.key for line in progress.by_indicator] == [f"indicator:{varied.qualitative.id}",
                                                            f"indicator:{varied.numeric.id}"]


def test_rows_filter_by_lines_and_status(varied):
    progress = round_progress(varied.round)
    hill = varied.world.counties["hill"]
    assert len(round_rows(progress)) == 6
    assert {r.status for r in round_rows(progress, lines=[f"region:{hill.id}"])} == {"submitted", "draft"}
    both = round_rows(progress, lines=[f"county:{hill.id}", f"indicator:{varied.qualitative.id}"])
    assert [(r.obligation.region, r.status) for r in both] == [(hill, "draft")]
    assert [r.obligation.region for r in round_rows(progress, status="missing")] == [varied.world.city]
    assert [r.obligation.region for r in round_rows(progress, status="evidence_incomplete")] == [varied.world.city]
    late = round_rows(progress, status="late")  # every submitted row but the city's, moved before the due date
    assert sorted((r.obligation.region.name, r.status) for r in late) == [
        ("丘陵县", "submitted"), ("平原县", "approved"), ("平原县", "returned")]
    assert round_rows(progress, lines=["region:0"]) == []


def page(client, rep: SimpleNamespace, query: str = "") -> str:
    response = client.get(f"/programs/{rep.world.program.id}/rounds/{rep.round.id}/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_one_view_a_page_at_a_time(varied, client_for, monkeypatch):
    client = client_for(varied.world.users.office)
    by_unit = page(client, varied)
    assert "市生态环境局" in by_unit and 'aria-current="page">按填报单位' in by_unit
    assert f'?by=rows&amp;reporter=county%3A{varied.world.counties["hill"].id}' in by_unit  # a line opens its rows
    by_indicator = page(client, varied, "?by=indicator")
    assert varied.numeric.name in by_indicator
    rows = page(client, varied, f"?by=rows&region=region:{varied.world.counties['plain'].id}")
    assert "共 2 项" in rows and "已审核通过" in rows and "已退回" in rows and "丘陵县" not in rows.split("round-rows")[1]
    assert "共 1 项" in page(client, varied, "?by=rows&status=evidence_incomplete")
    late = page(client, varied, "?by=rows&status=late")
    assert "共 3 项" in late and late.split("round-rows")[1].count('class="tag late"') == 3
    hill = varied.world.counties["hill"].id
    assert f'?by=rows&amp;reporter=county%3A{hill}&amp;status=late' in by_unit  # a line's late count opens its rows
    assert "共 6 项" in page(client, varied, "?by=rows&status=nonsense&region=region:0&page=x")  # ignored, not an error
    monkeypatch.setattr(views, "ROUND_PAGE_SIZE", 2)
    first, second = page(client, varied, "?by=region"), page(client, varied, "?by=region&page=2")
    assert "第 1 / 2 页" in first and "平原县" not in first and "平原县" in second and "丘陵县" not in second
    assert "by=region&amp;page=2" in first


def test_a_county_office_sees_only_its_county(varied, client_for):
    world = varied.world
    hill, plain = world.counties["hill"], world.counties["plain"]
    client = client_for(world.users.county)
    pid, rid = world.program.id, varied.round.id
    by_region = page(client, varied, "?by=region")
    assert "丘陵县" in by_region and "平原县" not in by_region and world.city.name not in by_region.split("tabs")[1]
    rows = page(client, varied, "?by=rows")
    assert "共 2 项" in rows and "平原县" not in rows.split("round-rows")[1]
    progress = client.get(f"/api/programs/{pid}/rounds/{rid}/progress").json()
    assert [line["label"] for line in progress["by_region"]] == ["丘陵县"] and progress["total"]["total"] == 2
    api_rows = client.get(f"/api/programs/{pid}/rounds/{rid}/rows").json()
    assert api_rows["count"] == 2 and {r["region_id"] for r in api_rows["items"]} == {hill.id}
    refused = client.get(f"/api/programs/{pid}/rounds/{rid}/rows?region=region:{plain.id}")
    assert refused.status_code == 400 and "平原县" not in refused.content.decode()
    # a unit's reporter: the indicators it leads, in every region; the leader: everything
    reporter = client_for(world.users.reporter)
    assert reporter.get(f"/api/programs/{pid}/rounds/{rid}/rows").json()["count"] == 6
    leader = client_for(world.users.leader)
    assert leader.get(f"/api/programs/{pid}/rounds/{rid}/progress").json()["total"]["total"] == 6


def test_another_citys_office_is_refused(varied, client_for):
    client = client_for(varied.world.users.outsider)
    pid, rid = varied.world.program.id, varied.round.id
    for url in (f"/programs/{pid}/rounds/{rid}/", f"/programs/{pid}/rounds/{rid}/?by=rows",
                f"/api/programs/{pid}/rounds/{rid}/progress", f"/api/programs/{pid}/rounds/{rid}/rows"):
        response = client.get(url)
        assert response.status_code in (403, 404), url
        assert "丘陵县" not in response.content.decode()


def test_the_rows_api_pages_and_refuses_unknown_filters(varied, client_for):
    client = client_for(varied.world.users.office)
    base = f"/api/programs/{varied.world.program.id}/rounds/{varied.round.id}/rows"
    first = client.get(f"{base}?limit=4").json()
    rest = client.get(f"{base}?limit=4&offset=4").json()
    assert first["count"] == rest["count"] == 6 and len(first["items"]) == 4 and len(rest["items"]) == 2
    approved = client.get(f"{base}?status=approved").json()["items"]
    assert [(r["status"], r["display"], r["evidence_complete"]) for r in approved] == [("approved", "25", True)]
    late = client.get(f"{base}?status=late").json()
    assert late["count"] == 3 and all(r["late"] and not r["on_time"] for r in late["items"])
    assert client.get(f"{base}?status=overdue").status_code == 400
    assert client.get(f"{base}?indicator=indicator:0").status_code == 400
    assert client.get(f"{base}?limit=501").status_code == 422


def _grow(world: SimpleNamespace, counties: int) -> list[Region]:
    return [Region.objects.create(code=f"9901{60 + n:02d}", name=f"新县{n}", level="county", parent=world.city,
                                  terrain=("mountain", "hill", "plain")[n % 3]) for n in range(counties)]


def test_the_page_and_api_queries_stay_constant_as_the_round_grows(rep, client_for):
    """A round over the city and its counties, with values: the same queries with 2 counties and with 12."""
    world = rep.world
    office = client_for(world.users.office)

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert office.get(url).status_code == 200
        return len(queries)

    def measure(year: int, regions: list[Region]) -> list[int]:
        reporting_round = reporting_round_create(
            program=world.program, actor=world.users.office, name=f"{year}年度调度", period_type="year", year=year,
            due=dt.date(year + 1, 1, 31), indicators=[rep.numeric, rep.qualitative], regions=regions)
        for region in regions[1:]:
            value = save(SimpleNamespace(round=reporting_round, world=world, numeric=rep.numeric), world.users.office,
                         region=region)
            act(value, "submit", world.users.office)
        base = f"/programs/{world.program.id}/rounds/{reporting_round.id}/"
        api = f"/api/programs/{world.program.id}/rounds/{reporting_round.id}/"
        queries = ("", "?by=region", "?by=indicator", "?by=rows", "?by=rows&status=submitted", "inbox/")
        return [count(base + query) for query in queries] + [count(api + "progress"), count(api + "rows")]

    small = measure(2023, [world.city, world.counties["hill"], world.counties["plain"]])
    large = measure(2024, [world.city, world.counties["hill"], world.counties["plain"], *_grow(world, 10)])
    assert small == large


def test_the_inbox_shows_a_page_of_each_group(varied, client_for, monkeypatch):
    """The office reports every row of the round: its inbox counts them all and shows a page of each group."""
    monkeypatch.setattr(views, "ROUND_PAGE_SIZE", 1)
    client = client_for(varied.world.users.office)
    url = f"/programs/{varied.world.program.id}/rounds/{varied.round.id}/inbox/"
    first = client.get(url).content.decode()
    assert "待填报 2 项，被退回 1 项，待审核 2 项，已通过 1 项" in first
    assert "to_do_page=2" in first and "waiting_page=2" in first and "returned_page" not in first
    assert "请补充材料" in first  # the returned value's comment
    assert "提交我的全部草稿（1 项）" in first
    second = client.get(f"{url}?to_do_page=2&waiting_page=2").content.decode()
    assert "第 2 / 2 页" in second and "to_do_page=1" in second and "waiting_page=1" in second
    county = client_for(varied.world.users.county).get(url).content.decode()
    assert "待填报 1 项，被退回 0 项，待审核 1 项，已通过 0 项" in county and "平原县" not in county


def test_the_progress_download_has_the_rows_the_page_has(varied, client_for):
    """A county office's progress.xlsx, like its round page, counts its county only."""
    client = client_for(varied.world.users.county)
    response = client.get(f"/programs/{varied.world.program.id}/rounds/{varied.round.id}/progress.xlsx")
    assert response.status_code == 200
    assert [row[0] for row in sheet_values(response.content, "按区域")[3:]] == ["丘陵县", "合计"]
