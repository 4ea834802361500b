"""#11.2: a partial year never becomes an annual value — it is stored and shown as 数据不足（reason）, no write is
planned, year-over-year changes need both years, and rows outside the import's years are row errors."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import polars as pl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from apps.core.errors import ImportRejected
from apps.monitoring import services
from apps.monitoring.compute import Result
from apps.monitoring.models import BaseValue, BatchStatus, ComputedResult, ImportBatch
from apps.monitoring.samples import to_bytes
from apps.monitoring.selectors import base_values
from apps.reporting.models import IndicatorValue

from .test_import import _hourly, _import, _monthly

TWO_DAYS = "数据不足（有效天数 2 天，少于 324 天；1月有效天数 2 天，少于 27 天；2–12月无有效天数）"


@pytest.mark.usefixtures("sites", "round_2025")
def test_a_two_day_file_gives_no_annual_value_and_plans_no_write(world, client_for) -> None:
    BaseValue.objects.create(program=world.program, region=world.city, measure="air.pm25_mean", year=2020,
                             value=Decimal(60), source="公报", created_by=world.users.office)
    batch = _import(world, "air", _hourly(2), year=2025)
    assert batch.status == BatchStatus.COMMITTED and batch.plan["writes"] == []
    assert not IndicatorValue.objects.exists()
    city = {r.measure: r for r in ComputedResult.objects.filter(batch=batch, region=world.city)}
    assert {m: (r.value, r.text) for m, r in city.items() if m != "air.pm25_decline"} == {
        "air.good_days_ratio": (None, TWO_DAYS), "air.pm25_mean": (None, TWO_DAYS)}
    assert city["air.pm25_decline"].value is None and city["air.pm25_decline"].text == "数据不足（2025年" + TWO_DAYS[5:]
    assert city["air.good_days_ratio"].inputs["sufficient"] is False
    assert "50" not in city["air.good_days_ratio"].provenance.split("有效天数2天，")[1]  # no ratio is stated
    page = client_for(world.users.leader).get(reverse("monitoring_home", args=[world.program.id])).content.decode()
    assert TWO_DAYS in page
    api = client_for(world.users.leader).get(f"/api/programs/{world.program.id}/monitoring/results").json()
    row = next(r for r in api if r["region_code"] == "990100" and r["measure"] == "air.good_days_ratio")
    assert (row["value"], row["text"], row["write_action"]) == (None, TWO_DAYS, "")


@pytest.mark.usefixtures("sites", "round_2025")
def test_a_decline_needs_a_sufficient_base_year(world) -> None:
    base_days = _hourly(2).with_columns(pl.col("监测时间").str.replace("^2025", "2020"))
    batch = _import(world, "air", pl.concat([_hourly(), base_days]), year=2025)
    city = {r.measure: r for r in ComputedResult.objects.filter(batch=batch, region=world.city, year=2025)}
    assert city["air.pm25_mean"].value is not None and city["air.good_days_ratio"].value is not None
    decline = city["air.pm25_decline"]
    assert decline.value is None and decline.text == "数据不足（基准年2020年有效天数 2 天，少于 324 天；1月有效天数 2 天，少于 27 天；2–12月无有效天数）"
    written = IndicatorValue.objects.filter(region=world.city, year=2025).values_list("indicator__code", flat=True)
    assert sorted(written) == ["2019-07a"]


@pytest.mark.usefixtures("sites", "round_2025")
def test_an_insufficient_earlier_import_is_no_base(world) -> None:
    base = _import(world, "air", _hourly().with_columns(pl.col("监测时间").str.replace("^2025", "2020")), year=2025)
    assert set(base_values(world.program, "air.pm25_mean", 2020)) == {"990100", "990121"}
    # a row stored before the annual-validity rule kept its value and marked it invalid: not a base either
    ComputedResult.objects.filter(batch=base, measure="air.pm25_mean", region=world.city).update(
        inputs={"valid": False})
    assert set(base_values(world.program, "air.pm25_mean", 2020)) == {"990121"}


@pytest.mark.usefixtures("sites", "round_2025")
def test_water_sections_sampled_in_two_months_give_no_shares(world) -> None:
    samples = pl.DataFrame({"断面编码": ["W1", "W1", "W2"], "采样日期": ["2025-01-10", "2025-02-10", "2025-01-10"],
                            "氨氮": ["0.4", "0.5", "2.5"]})
    batch = _import(world, "water", samples, year=2025)
    assert batch.plan["writes"] == [] and not IndicatorValue.objects.exists()
    city = {r.measure: r for r in ComputedResult.objects.filter(batch=batch, region=world.city)}
    assert city["water.share_i_iii"].value is None
    assert city["water.share_i_iii"].text == "数据不足（断面W1采样月份 2 个，少于 12 个；断面W2采样月份 1 个，少于 12 个）"
    assert city["water.share_i_iii_change"].text.startswith("数据不足（2025年断面W1")
    full = _import(world, "water", _monthly(samples.head(1)), year=2025)
    hill = {r.measure: r.value for r in ComputedResult.objects.filter(batch=full, region=world.city)}
    assert hill["water.share_i_iii"] == Decimal("100.0")


@pytest.mark.usefixtures("sites", "round_2025")
def test_rows_outside_the_import_years_reject_the_file(world) -> None:
    frame = pl.concat([_hourly(2), _hourly(1).with_columns(pl.col("监测时间").str.replace("^2025", "2023"))])
    with pytest.raises(ImportRejected) as rejected:
        _import(world, "air", frame, year=2025)
    assert rejected.value.errors[0].message == "「2023-01-01 00:00」不在本次导入的年份（2020年、2025年）内。"
    assert len(rejected.value.errors) == 48 and not ComputedResult.objects.exists()


@pytest.mark.usefixtures("sites", "round_2025")
def test_dry_run_json_prints_one_object_with_the_insufficient_results(world, tmp_path) -> None:
    path = tmp_path / "air.csv"
    path.write_bytes(to_bytes(_hourly(2), "csv"))
    out, err = io.StringIO(), io.StringIO()
    call_command("import_monitoring", str(path), program=world.program.id, kind="air", year=2025, dry_run=True,
                 json=True, stdout=out, stderr=err)
    report = json.loads(out.getvalue())
    assert (report["status"], report["dry_run"], report["writes"], report["skipped"]) == ("previewed", True, [], [])
    insufficient = {(r["region"], r["measure"]): r for r in report["not_computed"]}
    assert insufficient[("990100", "air.good_days_ratio")]["text"] == TWO_DAYS
    assert insufficient[("990100", "air.good_days_ratio")]["reason"] == TWO_DAYS[5:-1]
    assert err.getvalue() == ""  # no progress bar in JSON mode
    assert not IndicatorValue.objects.exists() and not ComputedResult.objects.exists()
    assert ImportBatch.objects.get().status == BatchStatus.PREVIEWED
    path.write_bytes(to_bytes(_hourly(), "csv"))  # a full year plans its writes
    out = io.StringIO()
    call_command("import_monitoring", str(path), program=world.program.id, kind="air", year=2025, dry_run=True,
                 json=True, stdout=out, stderr=io.StringIO())
    planned = json.loads(out.getvalue())["writes"]
    assert {(w["region"], w["indicator_code"], w["action"]) for w in planned} == {
        ("甲市", "2019-07a", "write"), ("丘陵县", "2019-07a", "write")}
    assert not IndicatorValue.objects.exists()


@pytest.mark.usefixtures("sites", "round_2025")
def test_json_mode_prints_row_errors_as_one_object_and_fails(world, tmp_path) -> None:
    path = tmp_path / "air.csv"
    path.write_text("站点编码,监测时间,PM2.5\nS1,2024-01-01 01:00,5\n", encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_monitoring", str(path), program=world.program.id, kind="air", year=2025, dry_run=True,
                     json=True, stdout=out, stderr=io.StringIO())
    report = json.loads(out.getvalue())
    assert report["status"] == "rejected" and report["errors"][0]["row"] == 2


@pytest.mark.usefixtures("sites", "round_2025")
def test_the_planner_never_writes_a_result_marked_insufficient(world) -> None:
    batch = _import(world, "air", _hourly(1), year=2025)
    marked = Result("990100", 2025, "air.good_days_ratio", Decimal("50.0"), "m", "p", inputs={"sufficient": False})
    assert services.plan_writes(batch, [marked]) == []
    assert [w.action for w in services.plan_writes(batch, [Result("990100", 2025, "air.good_days_ratio",
                                                                  Decimal("50.0"), "m", "p")])] == ["write"]
