"""Pages, API and command: permissions (denied paths), progress, preview → commit, query counts."""

from __future__ import annotations

import io

import polars as pl
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.monitoring.models import BatchStatus, ComputedResult, ImportBatch, Section, Station
from apps.monitoring.samples import template_frame, to_bytes
from apps.reporting.models import IndicatorValue

from .conftest import upload
from .test_import import _hourly


def _post_file(client: Client, program_id: int, kind: str, data: bytes, name: str = "data.csv") -> HttpResponse:
    return client.post(reverse("monitoring_upload", args=[program_id]), {"kind": kind, "file": upload(name, data)})


@pytest.mark.usefixtures("sites", "round_2025")
def test_office_uploads_previews_and_commits_on_the_page(world, client_for) -> None:
    client = client_for(world.users.office)
    response = _post_file(client, world.program.id, "air", to_bytes(_hourly(), "csv"))
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"/batches/{batch.id}/")
    assert batch.status == BatchStatus.PREVIEWED and not IndicatorValue.objects.exists()
    page = client.get(response.url).content.decode()
    assert 'aria-valuenow="100"' in page and "写入并提交" in page and "按HJ 633-2012计算" in page
    progress = client.get(reverse("monitoring_batch_progress", args=[world.program.id, batch.id]),
                          {"polling": "1"}, HTTP_HX_REQUEST="true")
    assert progress["HX-Refresh"] == "true"
    client.post(reverse("monitoring_batch_commit", args=[world.program.id, batch.id]))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTED
    assert IndicatorValue.objects.filter(indicator__code="2019-07a").count() == 2
    home = client.get(reverse("monitoring_home", args=[world.program.id])).content.decode()
    assert "优良天数比例" in home and "2个站点的729个有效站日" in home
    again = client.post(reverse("monitoring_batch_commit", args=[world.program.id, batch.id]), follow=True)
    assert "不能写入" in again.content.decode()  # a batch is committed once


@pytest.mark.usefixtures("sites", "round_2025")
def test_page_shows_row_errors_and_writes_nothing(world, client_for) -> None:
    client = client_for(world.users.office)
    bad = "站点编码,监测时间,PM2.5\nS1,2025-01-01 01:00,12\nS9,2025-01-01 01:00,-4\n".encode()
    response = _post_file(client, world.program.id, "air", bad)
    page = client.get(response.url).content.decode()
    assert "未知的站点编码「S9」" in page and "「-4」不能为负数" in page and "commit-button" not in page
    assert ImportBatch.objects.get().status == BatchStatus.REJECTED
    assert not ComputedResult.objects.exists() and not IndicatorValue.objects.exists()


@pytest.mark.parametrize("persona", ["reporter", "county", "leader", "inspector", "outsider"])
@pytest.mark.usefixtures("sites", "round_2025")
def test_only_the_office_may_upload_or_commit(world, client_for, persona: str) -> None:
    office = client_for(world.users.office)
    _post_file(office, world.program.id, "air", to_bytes(_hourly(1), "csv"))
    batch = ImportBatch.objects.get()
    client = client_for(getattr(world.users, persona))
    assert _post_file(client, world.program.id, "air", to_bytes(_hourly(1), "csv")).status_code == 403
    assert client.post(reverse("monitoring_batch_commit", args=[world.program.id, batch.id])).status_code == 403
    api = client.post(f"/api/programs/{world.program.id}/monitoring/batches",
                      {"kind": "air", "file": upload("a.csv", to_bytes(_hourly(1), "csv"))})
    assert api.status_code == 403
    assert client.post(f"/api/programs/{world.program.id}/monitoring/batches/{batch.id}/commit").status_code == 403
    assert ImportBatch.objects.count() == 1 and ImportBatch.objects.get().status == BatchStatus.PREVIEWED


@pytest.mark.parametrize(("persona", "status"), [("office", 200), ("leader", 200), ("inspector", 200),
                                                  ("reporter", 403), ("county", 403), ("outsider", 403)])
@pytest.mark.usefixtures("sites")
def test_who_may_read_results(world, client_for, persona: str, status: int) -> None:
    client = client_for(getattr(world.users, persona))
    assert client.get(reverse("monitoring_home", args=[world.program.id])).status_code == status
    assert client.get(f"/api/programs/{world.program.id}/monitoring/results").status_code == status
    assert client.get(f"/api/programs/{world.program.id}/monitoring/stations").status_code == status
    assert client.get(reverse("monitoring_template", args=[world.program.id, "air", "xlsx"])).status_code == status


@pytest.mark.usefixtures("sites")
def test_leader_sees_no_upload_form(world, client_for) -> None:
    client = client_for(world.users.leader)
    page = client.get(reverse("monitoring_home", args=[world.program.id])).content.decode()
    assert 'id="upload-form"' not in page and 'id="base-form"' not in page and 'id="site-counts"' in page
    sites_page = client.get(reverse("monitoring_sites", args=[world.program.id])).content.decode()
    assert "市站" in sites_page and "平原水库" in sites_page


@pytest.mark.usefixtures("sites", "round_2025")
def test_api_upload_status_commit_and_row_errors(world, client_for) -> None:
    client = client_for(world.users.office)
    base = f"/api/programs/{world.program.id}/monitoring/batches"
    rejected = client.post(base, {"kind": "air", "file": upload("bad.csv", "站点编码,监测时间,PM2.5\nS1,x,1\n".encode())})
    assert rejected.status_code == 400
    assert rejected.json()["errors"] == [{"row": 2, "column": "监测时间",
                                          "message": "无法识别的时间「x」（示例：2025-01-01 13:00）。", "subject": ""}]
    created = client.post(base, {"kind": "air", "year": "2025", "file": upload("a.parquet", to_bytes(_hourly(), "parquet"))})
    assert created.status_code == 201
    batch = created.json()
    assert (batch["status"], batch["progress"]) == ("previewed", 100)
    assert {w["indicator_code"] for w in batch["writes"]} == {"2019-07a"}
    status = client.get(f"{base}/{batch['id']}").json()
    assert status["status"] == "previewed"
    committed = client.post(f"{base}/{batch['id']}/commit").json()
    assert committed["status"] == "committed"
    results = client.get(f"/api/programs/{world.program.id}/monitoring/results", {"year": 2025}).json()
    assert {r["measure"] for r in results} >= {"air.good_days_ratio", "air.pm25_mean"}
    assert client.get(f"/api/programs/{world.program.id}/monitoring/batches").json()[0]["id"] == batch["id"]


def test_templates_download_in_every_format(world, client_for) -> None:
    client = client_for(world.users.office)
    for fmt in ("csv", "xlsx", "parquet"):
        response = client.get(reverse("monitoring_template", args=[world.program.id, "water", fmt]))
        assert response.status_code == 200
        if fmt == "parquet":
            assert pl.read_parquet(io.BytesIO(response.content)).columns == template_frame("water").columns
    assert client.get(reverse("monitoring_template", args=[world.program.id, "nope", "csv"])).status_code == 404


@pytest.mark.usefixtures("sites", "round_2025")
def test_home_page_query_count_does_not_grow(world, client_for) -> None:
    client = client_for(world.users.office)
    url = reverse("monitoring_home", args=[world.program.id])
    _post_file(client, world.program.id, "air", to_bytes(_hourly(1), "csv"))
    client.post(reverse("monitoring_batch_commit", args=[world.program.id, ImportBatch.objects.get().id]))
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for index in range(30):
        Station.objects.create(code=f"X{index}", name=f"站{index}", region=world.counties["plain"])
        Section.objects.create(code=f"Y{index}", name=f"断面{index}", region=world.city, river="甲河")
    for _ in range(3):
        _post_file(client, world.program.id, "air", to_bytes(_hourly(1), "csv"))
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.status_code == 200
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]


@pytest.mark.usefixtures("sites", "round_2025")
def test_command_runs_end_to_end_with_dry_run(world, tmp_path) -> None:
    path = tmp_path / "air.csv"
    path.write_bytes(to_bytes(_hourly(), "csv"))
    out, err = io.StringIO(), io.StringIO()
    call_command("import_monitoring", str(path), program=world.program.id, kind="air", dry_run=True,
                 stdout=out, stderr=err)
    assert "--dry-run：未写入任何数据" in out.getvalue() and "100%" in err.getvalue()
    assert not IndicatorValue.objects.exists() and not ComputedResult.objects.exists()
    call_command("import_monitoring", str(path), program=world.program.id, kind="air", rule="hj633-2012",
                 stdout=out, stderr=err)
    assert IndicatorValue.objects.filter(indicator__code="2019-07a").count() == 2
    assert "甲市 2019-07a 2025" in out.getvalue()


@pytest.mark.usefixtures("sites", "round_2025")
def test_command_reports_row_errors(world, tmp_path) -> None:
    path = tmp_path / "air.csv"
    path.write_text("站点编码,监测时间,PM2.5\nS1,2025-01-01 01:00,-1\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command("import_monitoring", str(path), program=world.program.id, kind="air", stdout=io.StringIO(),
                     stderr=err)
    assert "第2行「PM2.5」：「-1」不能为负数。" in err.getvalue()
    assert not ImportBatch.objects.filter(status=BatchStatus.COMMITTED).exists()
