"""The attainment dashboards and the monitoring pages in English (and still Chinese without the cookie).

Same rules as test_pages: headings, menu, table headers, buttons and labels speak English once data (region,
unit, indicator and measure names, units, file names) is taken out; the chart words in the page JSON too.
"""

from __future__ import annotations

import html
import json
import re
from types import SimpleNamespace

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from apps.assessment.dashboards import REACH_TEXT, STATUS_TEXT, short_name
from apps.geo.models import Department, Region
from apps.indicators.models import Indicator
from apps.monitoring.compute import measures
from apps.monitoring.models import ImportBatch, Section, Station
from apps.monitoring.samples import to_bytes
from apps.programs.models import Program, RegionGoal
from apps.reporting.models import ReportingRound
from calc.attainment import REACHABILITY_LABELS, STATUS_LABELS
from tests.assessment.conftest import _fresh_cache, assess  # noqa: F401 - fixtures
from tests.conftest import shared_fixture
from tests.monitoring.conftest import inline_batches, round_2025, sites, upload  # noqa: F401 - fixtures
from tests.monitoring.test_import import _hourly

from .test_pages import CJK, _text, chinese_in_headings


def data_names(world: SimpleNamespace) -> list[str]:
    names = set(Region.objects.values_list("name", flat=True)) | set(Department.objects.values_list("name", flat=True))
    names |= set(Program.objects.values_list("name", flat=True))
    for indicator in Indicator.objects.filter(framework=world.program.framework):
        names |= {indicator.name, indicator.full_name, indicator.unit, indicator.domain, short_name(indicator),
                  indicator.domain[2:]}  # the matrix's column headers: short names, one-column domains cut
    names |= {m.label for m in measures().values()} | {m.unit for m in measures().values()}
    names |= set(Station.objects.values_list("name", flat=True)) | set(Section.objects.values_list("name", flat=True))
    names |= set(ImportBatch.objects.values_list("original_name", flat=True))
    names |= {getattr(world.users, u).display_name for u in world.users.__dict__}

    names |= {str(label) for _, label in RegionGoal._meta.get_field("title_sought").choices}  # not translated yet
    return sorted((n for n in names if n), key=len, reverse=True)


def get_english(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    content = response.content.decode()
    assert '<html lang="en">' in content
    return content


def check(content: str, world: SimpleNamespace, expected: list[str]) -> None:
    for text in expected:
        assert text in html.unescape(content), f"{text!r} missing"
    assert chinese_in_headings(content, data_names(world)) == []
    menu = _text(re.search(r'<nav class="mainnav">(.*?)</nav>', content, flags=re.S).group(1))
    assert not CJK.search(menu), menu


@shared_fixture
def monitored(world: SimpleNamespace, sites: SimpleNamespace, round_2025: ReportingRound) -> ImportBatch:  # noqa: ARG001, F811
    """A committed air batch (results on the home page) and a previewed one (the batch page's plan), uploaded
    on the page by the office (a client of its own: the fixture is shared by the module's tests)."""
    office = Client()
    office.force_login(world.users.office)
    url = reverse("monitoring_upload", args=[world.program.id])
    with override_settings(ECOCIV_JOB_BACKEND="inline", MONITORING_RAISE=True):  # as inline_batches sets for a test
        office.post(url, {"kind": "air", "file": upload("air.csv", to_bytes(_hourly(), "csv"))})
        committed = ImportBatch.objects.get()
        office.post(reverse("monitoring_batch_commit", args=[world.program.id, committed.id]))
        office.post(url, {"kind": "air", "file": upload("air2.csv", to_bytes(_hourly(), "csv"))})
    return ImportBatch.objects.exclude(pk=committed.pk).get()


def test_status_words_are_calcs_words_in_chinese():
    """In Chinese the pages say exactly what calc.attainment says (and the API keeps saying it)."""
    with translation.override("zh-hans"):
        assert {k: str(v) for k, v in STATUS_TEXT.items()} == STATUS_LABELS
        assert {k: str(v) for k, v in REACH_TEXT.items()} == REACHABILITY_LABELS
    with translation.override("en"):
        assert str(STATUS_TEXT["not_attained"]) == "Not attained" and str(REACH_TEXT["off_track"]) == "Off track"


def test_cockpit_in_english(assess: SimpleNamespace, english: Client):  # noqa: F811
    world = assess.world
    english.force_login(world.users.office)
    content = get_english(english, reverse("assessment_cockpit", args=[world.program.id]))
    check(content, world, ["Campaign dashboard", "Application requirements", "Weak spots", "Attainment by region",
                           "Attainment matrix", "Assessment year", "Key indicator trends"])
    chart = json.loads(re.search(r'id="cockpit-data"[^>]*>(.*?)</script>', content, flags=re.S).group(1))
    words = [s["label"] for s in chart["statuses"]] + list(chart["text"].values())
    assert "Not attained" in words and not any(CJK.search(w) for w in words), words


def test_cockpit_as_leader_in_english(assess: SimpleNamespace, english: Client):  # noqa: F811
    english.force_login(assess.world.users.leader)
    content = get_english(english, reverse("assessment_cockpit", args=[assess.program.id]))
    check(content, assess.world, ["Campaign dashboard", "Application requirements"])


def test_matrix_in_english(assess: SimpleNamespace, english: Client):  # noqa: F811
    english.force_login(assess.world.users.office)
    content = get_english(english, reverse("assessment_matrix", args=[assess.program.id]))
    check(content, assess.world, ["Attainment matrix", "Binding only", "By attained count", "Not applicable"])
    titles = re.findall(r'<td class="(?:attained|not_attained)" title="([^"]*)"', content)
    assert titles and all(": Attained" in t or ": Not attained" in t for t in titles), titles[:3]


def test_indicator_detail_in_english(assess: SimpleNamespace, english: Client):  # noqa: F811
    english.force_login(assess.world.users.office)
    indicator = assess.code["2019-03"]
    content = get_english(english, reverse("assessment_indicator", args=[assess.program.id, indicator.id]))
    check(content, assess.world, ["Responsible units", "Approved data", "By region", "Reachability", "Lead: "])
    chart = json.loads(re.search(r'id="indicator-data"[^>]*>(.*?)</script>', content, flags=re.S).group(1))
    assert {s["kind"]: s["name"] for s in chart["series"]} == {
        "observed": "Approved values", "projection": "Linear projection", "target": "Target"}


def test_department_view_in_english(assess: SimpleNamespace, english: Client):  # noqa: F811
    english.force_login(assess.world.users.office)
    content = get_english(english, reverse("assessment_department", args=[assess.program.id, assess.unit.id]))
    check(content, assess.world, ["Attainment of this unit's indicators", "Role", "Reachability", "Lead"])


@pytest.mark.usefixtures("monitored")
def test_monitoring_home_in_english(world: SimpleNamespace, english: Client):
    english.force_login(world.users.office)
    content = get_english(english, reverse("monitoring_home", args=[world.program.id]))
    check(content, world, ["Monitoring data computation", "Computed results", "Upload monitoring data",
                           "Upload and check", "Stations and sections", "Hourly air quality data", "Provenance"])


@pytest.mark.usefixtures("monitored")
def test_monitoring_batch_list_in_english(world: SimpleNamespace, english: Client):
    english.force_login(world.users.office)
    content = get_english(english, reverse("monitoring_batches", args=[world.program.id]))
    check(content, world, ["Monitoring data imports", "2 batches, newest first.", "Written"])


@pytest.mark.usefixtures("monitored")
def test_monitoring_sites_in_english(world: SimpleNamespace, english: Client):
    english.force_login(world.users.leader)
    content = get_english(english, reverse("monitoring_sites", args=[world.program.id]))
    check(content, world, ["Air monitoring stations and surface water sections", "Water body", "Lake/reservoir"])


def test_monitoring_batch_in_english(monitored: ImportBatch, world: SimpleNamespace, english: Client):
    english.force_login(world.users.office)
    content = get_english(english, reverse("monitoring_batch", args=[world.program.id, monitored.id]))
    check(content, world, ["Hourly air quality data: air2.csv", "Indicator values to be written", "Skipped",
                           "Computed results", "Provenance", "Confirm and save the results",
                           'aria-valuetext="Checked, awaiting confirmation 100%"'])


def test_pages_stay_chinese_without_the_cookie(assess: SimpleNamespace, client: Client):  # noqa: F811
    client.force_login(assess.world.users.office)
    cockpit = client.get(reverse("assessment_cockpit", args=[assess.program.id]),
                         HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "创建驾驶舱" in cockpit and "申报条件：" in cockpit and "Campaign dashboard" not in cockpit
    chart = json.loads(re.search(r'id="cockpit-data"[^>]*>(.*?)</script>', cockpit, flags=re.S).group(1))
    assert chart["text"]["pie_tooltip"] == "{b}：{c}项（{d}%）" and chart["statuses"][1]["label"] == "未达标"
    matrix = client.get(reverse("assessment_matrix", args=[assess.program.id])).content.decode()
    assert "达标矩阵" in matrix and "仅约束性" in matrix and "Binding only" not in matrix


def test_monitoring_stays_chinese_without_the_cookie(monitored: ImportBatch, world: SimpleNamespace, client: Client):
    client.force_login(world.users.office)
    batch = client.get(reverse("monitoring_batch", args=[world.program.id, monitored.id])).content.decode()
    assert "空气质量小时数据：air2.csv" in batch and "跳过" in batch and "检查完成，待确认" in batch
