"""The monitoring pages as an office uses them: results per year, base-year values entered by the office,
interrupted batches and re-check, the monitoring upload limit, and constant query counts as data grows."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from types import SimpleNamespace

import polars as pl
import pytest
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import calc.air as air
from apps.core.errors import DomainError
from apps.geo.models import Region
from apps.monitoring import selectors, services
from apps.monitoring.models import BaseValue, BatchStatus, ComputedResult, ImportBatch, Section, Station
from apps.monitoring.samples import landuse_frame, to_bytes
from apps.monitoring.uploads import check_monitoring_upload
from apps.reporting.models import IndicatorValue

from .conftest import upload
from .test_import import _hourly, _import, _monthly


def _post_file(client: Client, program_id: int, kind: str, data: bytes, name: str = "data.csv", *,
               follow: bool = False) -> HttpResponse:
    return client.post(reverse("monitoring_upload", args=[program_id]), {"kind": kind, "file": upload(name, data)},
                       follow=follow)


def _in_year(frame: pl.DataFrame, year: int) -> pl.DataFrame:
    return frame.with_columns(pl.col("监测时间").str.replace("^2025", str(year)))


def _add_base(client: Client, world: SimpleNamespace, region: Region, measure: str, value: str, source: str,
              reason: str = "") -> HttpResponse:
    return client.post(reverse("monitoring_base_value_add", args=[world.program.id]),
                       {"region": region.id, "measure": measure, "value": value, "source": source, "reason": reason},
                       follow=True)


# --- results table -------------------------------------------------------------------------------------


@pytest.mark.usefixtures("sites", "round_2025")
def test_results_are_one_year_of_regions_by_measures_with_links_to_the_values(world, client_for) -> None:
    batch = _import(world, "air", _hourly())
    client = client_for(world.users.office)
    page = client.get(reverse("monitoring_home", args=[world.program.id])).content.decode()
    table = page[page.index('id="results-table"'):page.index("</table>", page.index('id="results-table"'))]
    assert table.index("甲市") < table.index("丘陵县")  # city first, then counties
    assert "优良天数比例" in table and "PM2.5年均浓度" in table and "μg/m³" in table
    city = ComputedResult.objects.get(batch=batch, region=world.city, measure="air.good_days_ratio")
    value = IndicatorValue.objects.get(region=world.city, indicator__code="2019-07a", year=2025)
    assert city.write_action == "write" and city.indicator_value_id == value.id
    assert f'title="{city.provenance}"' in table  # the sentence as the cell's tooltip
    assert reverse("reporting_value", args=[world.program.id, value.id]) in table and "已提交" in table
    assert 'id="detail-990100"' in page and "有效站日" in page  # the per-region details with the inputs
    # a year without results falls back to the latest year; the selector lists the years with results
    assert client.get(reverse("monitoring_home", args=[world.program.id]), {"year": "1999"}).context[
        "table"].year == 2025


@pytest.mark.usefixtures("sites", "round_2025")
def test_a_locked_value_shows_as_skipped_with_its_reason(world, client_for) -> None:
    _import(world, "air", _hourly())  # submitted now: a second import skips it
    batch = _import(world, "air", _hourly())
    skipped = ComputedResult.objects.get(batch=batch, region=world.city, measure="air.good_days_ratio")
    assert skipped.write_action == "skip" and "已提交待审核" in skipped.write_reason
    assert skipped.indicator_value_id == IndicatorValue.objects.get(region=world.city, indicator__code="2019-07a").id
    page = client_for(world.users.leader).get(reverse("monitoring_home", args=[world.program.id])).content.decode()
    assert "跳过" in page and skipped.write_reason in page
    api = client_for(world.users.leader).get(f"/api/programs/{world.program.id}/monitoring/results").json()
    row = next(r for r in api if r["region_code"] == "990100" and r["measure"] == "air.good_days_ratio")
    assert (row["write_action"], row["indicator_value_status"]) == ("skip", "submitted")


@pytest.mark.usefixtures("round_2025")
def test_ei_sentence_is_short_and_the_inputs_are_complete(world, client_for) -> None:
    batch = _import(world, "landuse", landuse_frame([("990100", 5000.0)], (2024, 2025)), year=2025)
    result = ComputedResult.objects.get(batch=batch, region=world.city, year=2025, measure="eco.ei")
    assert len(result.provenance) < 90 and "EI" in result.provenance and result.text in result.provenance
    assert set(result.inputs["components"]) and result.inputs["land_use"]["area"] == "5000"
    page = client_for(world.users.office).get(reverse("monitoring_home", args=[world.program.id])).content.decode()
    assert "EI等级" in page and result.inputs["components_text"] in page and "国土面积" in page


@pytest.mark.usefixtures("sites", "round_2025")
def test_batch_history_is_the_latest_ten_with_a_paginated_full_list(world, client_for) -> None:
    client = client_for(world.users.office)
    for _ in range(27):
        _post_file(client, world.program.id, "air", b"bad")
    page = client.get(reverse("monitoring_home", args=[world.program.id])).content.decode()
    history = page[page.index('id="batches-table"'):]
    history = history[:history.index("</table>")]
    assert history.count("<tr>") == 11 and "全部导入记录（27）" in page
    full = client.get(reverse("monitoring_batches", args=[world.program.id]))
    assert len(full.context["page"].object_list) == 25 and "第 1 / 2 页" in full.content.decode()
    second = client.get(reverse("monitoring_batches", args=[world.program.id]), {"page": 2})
    assert len(second.context["page"].object_list) == 2
    assert client_for(world.users.reporter).get(reverse("monitoring_batches", args=[world.program.id])).status_code == 403
    assert client_for(world.users.county).get(reverse("monitoring_sites", args=[world.program.id])).status_code == 403


@pytest.mark.usefixtures("sites")
def test_site_counts_per_region(world, client_for) -> None:
    counts = client_for(world.users.inspector).get(reverse("monitoring_sites", args=[world.program.id])).context[
        "site_counts"]
    by_region = {c.region.code: (c.stations, c.sections) for c in counts}
    assert by_region["990100"] == (1, 1) and by_region["990121"] == (1, 1) and by_region["990122"] == (0, 0)


# --- query counts --------------------------------------------------------------------------------------


def _counts(client: Client, urls: list[str]) -> list[int]:
    sizes = []
    for url in urls:
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        sizes.append(len(queries))
    return sizes


@pytest.mark.usefixtures("sites", "round_2025")
def test_pages_query_counts_do_not_grow_with_results_batches_and_sites(world, client_for) -> None:
    client = client_for(world.users.office)
    program = world.program
    urls = [reverse("monitoring_home", args=[program.id]), reverse("monitoring_home", args=[program.id]) + "?year=2025",
            reverse("monitoring_batches", args=[program.id]), reverse("monitoring_sites", args=[program.id])]
    _import(world, "air", _hourly(1))
    _add_base(client, world, world.city, "air.pm25_mean", "50", "公报")
    small = _counts(client, urls)
    for _ in range(2):
        _import(world, "air", _hourly(2))  # more results, some linked to values as skipped
    _import(world, "landuse", __import__("apps.monitoring.samples", fromlist=["x"]).landuse_frame(
        [("990100", 5000.0), ("990121", 800.0)], (2024, 2025)), year=2025)
    for _ in range(12):
        _post_file(client, program.id, "air", b"bad")
    batch = ImportBatch.objects.filter(status=BatchStatus.COMMITTED).first()
    ComputedResult.objects.bulk_create([
        ComputedResult(program=program, batch=batch, region=region, year=year, measure=measure, value=Decimal(year % 97),
                       method="m", provenance="p" * 400)
        for region in [world.city, *world.counties.values()] for year in range(2015, 2025)
        for measure in ("air.good_days_ratio", "air.pm25_mean", "water.share_i_iii")])
    for index in range(20):
        Station.objects.create(code=f"X{index}", name=f"站{index}", region=world.counties["plain"])
        Section.objects.create(code=f"Y{index}", name=f"断面{index}", region=world.city, river="甲河")
    for region in world.counties.values():
        _add_base(client, world, region, "water.share_i_iii", "70", "公报")
        _add_base(client, world, region, "water.share_i_iii", "71", "公报（更正）", reason="更正")
    large = _counts(client, urls)
    assert large == small


# --- base-year values ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("sites", "round_2025")
def test_office_base_value_is_used_when_no_import_of_the_base_year_exists(world, client_for) -> None:
    client = client_for(world.users.office)
    response = _add_base(client, world, world.city, "air.pm25_mean", "60", "《2020年甲市生态环境状况公报》")
    assert "已录入基准年数值" in response.content.decode()
    batch = _import(world, "air", _hourly())
    pm25 = ComputedResult.objects.get(batch=batch, region=world.city, year=2025, measure="air.pm25_mean").value
    decline = ComputedResult.objects.get(batch=batch, region=world.city, year=2025, measure="air.pm25_decline")
    assert decline.value == air.pm25_decline(Decimal(60), pm25)
    assert "基准年2020年 60" in decline.provenance
    assert "（基准年数值：生态办录入，来源：《2020年甲市生态环境状况公报》）" in decline.provenance
    assert decline.inputs["base_source"].startswith("生态办录入")
    county = ComputedResult.objects.get(batch=batch, region=world.counties["hill"], measure="air.pm25_decline")
    assert county.value is None and county.text == "缺少基准年数据"
    # an import of the base year wins over the office value from then on (and the sentence says so)
    base_batch = _import(world, "air", _in_year(_hourly(), 2020), year=2025)
    imported = ComputedResult.objects.get(batch=base_batch, region=world.city, year=2020, measure="air.pm25_mean")
    later = _import(world, "air", _hourly())
    decline = ComputedResult.objects.get(batch=later, region=world.city, year=2025, measure="air.pm25_decline")
    assert decline.value == air.pm25_decline(imported.value.normalize(), pm25)
    assert f"（基准年数值：导入核算，批次#{base_batch.id}）" in decline.provenance
    page = client.get(reverse("monitoring_home", args=[world.program.id])).content.decode()
    assert "《2020年甲市生态环境状况公报》" in page and "导入核算值" in page


@pytest.mark.usefixtures("sites", "round_2025")
def test_water_base_shares_are_used_per_measure(world, client_for) -> None:
    client = client_for(world.users.office)
    _add_base(client, world, world.city, "water.share_i_iii", "50", "公报")
    samples = _monthly(pl.DataFrame({"断面编码": ["W1", "W2", "W3"], "采样日期": ["2025-01-10"] * 3, "氨氮": ["0.4", "2.5", "0.2"],
                                     "溶解氧": ["7.0", "3.0", "8.0"], "总磷": ["0.1", "0.3", "0.02"]}))
    batch = _import(world, "water", samples)
    results = {r.measure: r for r in ComputedResult.objects.filter(batch=batch, region=world.city)}
    change = results["water.share_i_iii_change"]
    assert change.value == results["water.share_i_iii"].value - 50 and "生态办录入，来源：公报" in change.provenance
    assert results["water.share_worse_v_decline"].value is None  # no base for 劣Ⅴ类: not invented


def test_base_values_are_append_only(world, client_for) -> None:
    client = client_for(world.users.office)
    _add_base(client, world, world.city, "air.pm25_mean", "49", "《2020年公报》")
    refused = _add_base(client, world, world.city, "air.pm25_mean", "48", "《2020年公报》")
    assert "修改时请填写原因" in refused.content.decode() and BaseValue.objects.count() == 1
    _add_base(client, world, world.city, "air.pm25_mean", "48.5", "《2020年公报》更正版", reason="公报更正")
    first, second = BaseValue.objects.order_by("id")
    assert (first.value, first.reason) == (Decimal("49"), "") and (second.value, second.reason) == (Decimal("48.5"),
                                                                                                     "公报更正")
    assert selectors.base_values(world.program, "air.pm25_mean", 2020)["990100"] == (
        Decimal("48.5"), "生态办录入，来源：《2020年公报》更正版")
    for bad in (("-1", "air.pm25_mean"), ("120", "water.share_i_iii"), ("abc", "air.pm25_mean"),
                ("nan", "air.pm25_mean"), ("5", "eco.ei")):
        page = _add_base(client, world, world.city, bad[1], bad[0], "x", reason="r").content.decode()
        assert "msg-error" in page or "error" in page
    assert BaseValue.objects.count() == 2
    with pytest.raises(DomainError, match="基准年为2020年"):
        services.base_value_add(program=world.program, actor=world.users.office, region=world.city,
                                measure="air.pm25_mean", year=2021, value=Decimal(1), source="x")


@pytest.mark.parametrize("persona", ["reporter", "county", "leader", "inspector", "outsider"])
def test_only_the_office_enters_base_values(world, client_for, persona: str) -> None:
    client = client_for(getattr(world.users, persona))
    assert _add_base(client, world, world.city, "air.pm25_mean", "49", "公报").status_code == 403
    api = client.post(f"/api/programs/{world.program.id}/monitoring/base-values",
                      {"region_code": "990100", "measure": "air.pm25_mean", "value": "49", "source": "公报"},
                      content_type="application/json")
    assert api.status_code == 403 and not BaseValue.objects.exists()


def test_base_values_api(world, client_for) -> None:
    client = client_for(world.users.office)
    url = f"/api/programs/{world.program.id}/monitoring/base-values"
    created = client.post(url, {"region_code": "990121", "measure": "water.share_worse_v", "value": "3.5",
                                "source": "《2020年公报》"}, content_type="application/json")
    assert created.status_code == 201 and created.json()["year"] == 2020
    bad = client.post(url, {"region_code": "990200", "measure": "air.pm25_mean", "value": "1", "source": "x"},
                      content_type="application/json")
    assert bad.status_code == 400
    rows = client_for(world.users.leader).get(url).json()
    assert [(r["region_code"], Decimal(r["value"]), r["created_by"], r["source"]) for r in rows] == [
        ("990121", Decimal("3.5"), str(world.users.office), "《2020年公报》")]


# --- interrupted batches -------------------------------------------------------------------------------


def _interrupt(batch: ImportBatch, minutes: int = 11) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.CHECKING, progress=40, stage="逐行检查",
                                                   plan={}, updated_at=timezone.now() - dt.timedelta(minutes=minutes))


@pytest.mark.usefixtures("sites", "round_2025")
def test_a_stale_running_batch_reads_as_interrupted_and_the_office_rechecks_it(world, client_for,
                                                                               settings) -> None:
    office = client_for(world.users.office)
    _post_file(office, world.program.id, "air", to_bytes(_hourly(), "csv"))
    batch = ImportBatch.objects.get()
    _interrupt(batch, minutes=5)
    url = reverse("monitoring_batch", args=[world.program.id, batch.id])
    page = office.get(url).content.decode()
    assert "检查与核算中" in page and "hx-get" in page and "recheck-button" not in page  # still running
    settings.ECOCIV_JOB_STALE_MINUTES = 3
    page = office.get(url).content.decode()
    assert "已中断" in page and "recheck-button" in page and "hx-get" not in page  # stops polling
    api = office.get(f"/api/programs/{world.program.id}/monitoring/batches/{batch.id}").json()
    assert (api["status"], api["interrupted"], api["finished"]) == ("interrupted", True, True)
    assert "已中断" in office.get(reverse("monitoring_home", args=[world.program.id])).content.decode()
    for persona in ("leader", "inspector", "reporter", "county"):
        client = client_for(getattr(world.users, persona))
        assert client.post(reverse("monitoring_batch_recheck", args=[world.program.id, batch.id])).status_code == 403
        assert client.post(f"/api/programs/{world.program.id}/monitoring/batches/{batch.id}/recheck").status_code == 403
    assert "recheck-button" not in client_for(world.users.leader).get(url).content.decode()
    office = client_for(world.users.office)  # the test client is shared: log the office in again
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CHECKING
    office.post(reverse("monitoring_batch_recheck", args=[world.program.id, batch.id]))
    batch.refresh_from_db()
    assert (batch.status, batch.progress) == (BatchStatus.PREVIEWED, 100) and batch.plan["writes"]
    again = office.post(reverse("monitoring_batch_recheck", args=[world.program.id, batch.id]), follow=True)
    assert "无需重新检查" in again.content.decode()


# --- upload size ---------------------------------------------------------------------------------------


@pytest.mark.usefixtures("sites", "round_2025")
def test_monitoring_files_have_their_own_size_limit(world, client_for, settings) -> None:
    data = to_bytes(_hourly(1), "csv")
    settings.ECOCIV_MAX_UPLOAD_BYTES = 100  # the evidence limit does not apply to monitoring files
    settings.ECOCIV_MAX_MONITORING_UPLOAD_BYTES = len(data) + 10
    assert check_monitoring_upload(upload("a.csv", data)).size == len(data)
    settings.ECOCIV_MAX_MONITORING_UPLOAD_BYTES = 1024
    with pytest.raises(DomainError, match="监测数据文件过大.*上限为 0 MB"):
        check_monitoring_upload(upload("a.csv", data))
    client = client_for(world.users.office)
    page = _post_file(client, world.program.id, "air", data, follow=True).content.decode()
    assert "监测数据文件过大" in page and "ECOCIV_MAX_MONITORING_UPLOAD_MB" in page
    assert not ImportBatch.objects.exists()
    api = client.post(f"/api/programs/{world.program.id}/monitoring/batches", {"kind": "air", "file": upload("a.csv", data)})
    assert api.status_code == 400 and "监测数据文件过大" in str(api.json())


@pytest.mark.usefixtures("sites", "round_2025")
def test_a_large_upload_is_checked_and_stored_from_its_temporary_file(world, client_for, settings) -> None:
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # anything larger arrives as a temporary file
    data = to_bytes(_hourly(2), "csv")
    temp = TemporaryUploadedFile("big.csv", "text/csv", len(data), "utf-8")
    temp.write(data)
    temp.seek(0)
    checked = check_monitoring_upload(temp)
    assert checked.data == b"" and checked.source is temp and checked.size == len(data)
    client = client_for(world.users.office)
    response = _post_file(client, world.program.id, "air", data, name="big.csv")
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and batch.status == BatchStatus.PREVIEWED

    with batch.file.open("rb") as handle:
        assert handle.read() == data
    assert batch.sha256 == hashlib.sha256(data).hexdigest() and batch.size == len(data)
