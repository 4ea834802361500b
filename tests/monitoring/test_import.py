"""Import services end to end: computed values equal the scalar standards, land as submitted revisions with
provenance, never overwrite locked values, and nothing is written when a file has errors."""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from types import SimpleNamespace

import polars as pl
import pytest

import calc.air as air
import calc.water as water
from apps.core.errors import DomainError, ImportRejected, PermissionDeniedError
from apps.monitoring import services
from apps.monitoring.compute import eco_index_of
from apps.monitoring.models import BatchStatus, ComputedResult, ImportBatch, Section, Station
from apps.monitoring.samples import landuse_frame, to_bytes
from apps.monitoring.uploads import check_monitoring_upload
from apps.reporting.models import IndicatorValue, ValueRevision
from apps.reporting.services import (
    ValueInput,
    indicator_value_save,
    indicator_value_transition,
    reporting_round_create,
    reporting_round_transition,
)
from apps.review.services import review_history
from apps.review.workflow import ReviewAction, ReviewStatus
from docimport.monitoring import parse

from .conftest import upload


@functools.cache
def _hourly(days: int = 365) -> pl.DataFrame:
    """2 stations (city S1, county S2) × ``days`` days of 2025 (a full year by default: annual values need
    GB 3095 Table 4's ≥ 324 days, ≥ 27 a month), hand-checkable patterns with a few gaps.

    Built once per size and process (callers derive other frames with ``with_columns``; none changes it)."""
    rows = []
    for station, offset in (("S1", 0), ("S2", 40)):
        for day in range(days):
            date = dt.date(2025, 1, 1) + dt.timedelta(days=day)
            for hour in range(24):
                if station == "S2" and day == 1 and hour < 6:
                    continue  # an absent stretch: PM2.5 24-h mean invalid (18 hours)
                pm25 = 30 + offset + 25 * (day % 7) + hour % 5
                rows.append({"站点编码": station, "监测时间": f"{date:%Y-%m-%d} {hour:02d}:00",
                             "SO2": 8 + hour % 3, "NO2": 30 + day % 7, "PM10": pm25 * 2 - 5,
                             "CO": round(0.5 + 0.1 * (hour % 4), 1), "O3": 40 + 5 * (hour % 12) + day % 7, "PM2.5": pm25})
    return pl.DataFrame(rows)


def _scalar_air(frame: pl.DataFrame, stations: list[str]) -> tuple[dict[str, Decimal | None], air.GoodDaysRatio]:
    """The scalar path: station_daily per station-day → city_mean → aqi → annual_good_days_ratio."""
    columns = (("SO2", "SO2"), ("NO2", "NO2"), ("PM10", "PM10"), ("CO", "CO"), ("O3", "O3"), ("PM25", "PM2.5"))
    hours: dict[tuple[str, str], dict[str, list[Decimal | None]]] = {}
    for row in frame.iter_rows(named=True):
        day_hours = hours.setdefault((row["站点编码"], row["监测时间"][:10]), {p: [None] * 24 for p, _ in columns})
        for p, column in columns:
            day_hours[p][int(row["监测时间"][11:13])] = Decimal(str(row[column]))
    empty = {p: [None] * 24 for p, _ in columns}
    aqis, pm25 = {}, []
    for day in sorted({t[:10] for t in frame["监测时间"]}):
        per_station = [air.station_daily(hours.get((station, day), empty)) for station in stations]
        city = {item: air.city_mean([s[item].value for s in per_station], item.split("_")[0]).value
                for item in per_station[0]}
        pm25.append(city["PM25_24H"])
        aqis[dt.date.fromisoformat(day)] = air.aqi(city, rule=air.RULE_2012, report="daily").aqi
    return {"pm25_days": pm25}, air.annual_good_days_ratio(aqis, year=2025)


def _monthly(samples: pl.DataFrame) -> pl.DataFrame:
    """Water samples repeated in every month of their year (a section's annual class needs all 12 months)."""
    date = pl.col("采样日期").str.to_date()
    return pl.concat([samples.with_columns(pl.date(date.dt.year(), month, date.dt.month() * 5 + date.dt.day())
                                           .dt.strftime("%Y-%m-%d").alias("采样日期")) for month in range(1, 13)])


def _import(world: SimpleNamespace, kind: str, frame: pl.DataFrame, fmt: str = "csv",
            **options: object) -> ImportBatch:
    checked = check_monitoring_upload(upload(f"data.{fmt}", to_bytes(frame, fmt)))
    return services.monitoring_import(program=world.program, actor=world.users.office, kind=kind, checked=checked,
                                      options=services.clean_options(**options))


@pytest.mark.usefixtures("sites", "round_2025")
def test_air_values_equal_the_scalar_standards_and_land_as_submitted_revisions(world) -> None:
    frame = _hourly()
    batch = _import(world, "air", frame)
    assert batch.status == BatchStatus.COMMITTED
    _, city_ratio = _scalar_air(frame, ["S1", "S2", "S3"])  # S3 has no data: left out, as a station without values
    _, county_ratio = _scalar_air(frame, ["S2"])
    results = {(r.region.code, r.measure): r for r in ComputedResult.objects.filter(batch=batch)}
    assert results[("990100", "air.good_days_ratio")].value == city_ratio.ratio
    assert city_ratio.ratio not in (None, Decimal("0.0"), Decimal("100.0"))  # a mix of good and polluted days
    assert results[("990121", "air.good_days_ratio")].value == county_ratio.ratio
    assert results[("990100", "air.good_days_ratio")].inputs["good_days"] == city_ratio.good_days
    city_value = IndicatorValue.objects.get(program=world.program, region=world.city, indicator__code="2019-07a",
                                            year=2025)
    assert city_value.status == ReviewStatus.SUBMITTED
    revision = city_value.current_revision
    assert revision.number == city_ratio.ratio
    assert revision.author == world.users.office
    assert revision.source == "监测数据核算"
    assert revision.explanation.startswith("按HJ 633-2012计算：2个站点的729个有效站日")
    assert f"优良天数{city_ratio.good_days}天，有效天数{city_ratio.valid_days}天" in revision.explanation
    # PM2.5 decline needs the base year (2020): computed as "missing", not written
    assert results[("990100", "air.pm25_decline")].value is None
    assert not IndicatorValue.objects.filter(indicator__code="2019-07b").exists()


@pytest.mark.usefixtures("sites", "round_2025")
def test_pm25_decline_uses_the_base_year_from_an_earlier_import(world) -> None:
    base = _hourly().with_columns(pl.col("监测时间").str.replace("2025", "2020"), pl.col("PM2.5") + 10)
    _import(world, "air", base, year=2025)  # base year only: results stored, nothing written for 2020
    base_mean = ComputedResult.objects.get(region=world.city, year=2020, measure="air.pm25_mean").value
    batch = _import(world, "air", _hourly())
    current = ComputedResult.objects.get(batch=batch, region=world.city, measure="air.pm25_mean").value
    decline = ComputedResult.objects.get(batch=batch, region=world.city, measure="air.pm25_decline")
    assert decline.value == air.pm25_decline(base_mean, current)
    value = IndicatorValue.objects.get(region=world.city, indicator__code="2019-07b", year=2025)
    assert value.current_revision.number == decline.value
    assert "基准年2020年" in value.current_revision.explanation


@pytest.mark.usefixtures("sites", "round_2025")
def test_the_same_file_in_xlsx_and_parquet_gives_the_same_results(world) -> None:
    frames = [_import(world, "air", _hourly(), fmt, year=2025) for fmt in ("xlsx", "parquet")]
    first, second = ([(r["region"], r["measure"], r["value"]) for r in b.plan["results"]] for b in frames)
    assert first == second


@pytest.mark.usefixtures("sites", "round_2025")
def test_computed_values_are_submitted_with_the_batch_as_the_reason_for_missing_evidence(world) -> None:
    """Trust #11.5: the import submits through the one rule; its comment states why no file is attached."""
    batch = _import(world, "air", _hourly())
    value = IndicatorValue.objects.get(program=world.program, region=world.city, indicator__code="2019-07a",
                                       year=2025)
    submit = list(review_history(value))[-1]
    assert submit.action == ReviewAction.SUBMIT
    assert submit.data == {"evidence_missing": list(value.indicator.evidence_required),
                           "reason": f"监测数据核算结果（批次#{batch.id}）"}


@pytest.mark.usefixtures("sites")
def test_approved_and_submitted_values_are_not_overwritten(world, round_2025) -> None:
    office = world.users.office
    indicator = world.program.framework.indicators.get(code="2019-07a")
    approved = indicator_value_save(reporting_round=round_2025, region=world.city, indicator=indicator, actor=office,
                                    data=ValueInput(number=Decimal("88.0")), expected_version=0)
    indicator_value_transition(value=approved, action=ReviewAction.SUBMIT, actor=office, comment="监测报告另行报送")
    indicator_value_transition(value=approved, action=ReviewAction.APPROVE, actor=office)
    revisions = ValueRevision.objects.count()
    batch = _import(world, "air", _hourly())
    skipped = [w for w in batch.plan["writes"] if w["action"] == "skip"]
    assert [(w["region"], w["indicator_code"]) for w in skipped] == [("甲市", "2019-07a")]
    assert "已审核通过并锁定" in skipped[0]["reason"]
    approved.refresh_from_db()
    assert approved.status == ReviewStatus.APPROVED and approved.current_revision.number == Decimal("88.0")
    assert ValueRevision.objects.count() == revisions + 1  # only the county's new value
    assert "跳过1项" in batch.summary


@pytest.mark.usefixtures("sites", "round_2025")
def test_a_jump_from_the_last_approved_year_is_a_warning_for_that_region_only(world) -> None:

    office = world.users.office
    round_2024 = reporting_round_create(program=world.program, actor=office, name="2024年度调度", period_type="year",
                                        year=2024, due=dt.date(2025, 1, 31))
    indicator = world.program.framework.indicators.get(code="2019-07a")
    approved = indicator_value_save(reporting_round=round_2024, region=world.city, indicator=indicator, actor=office,
                                    data=ValueInput(number=Decimal("1.0")), expected_version=0)
    indicator_value_transition(value=approved, action=ReviewAction.SUBMIT, actor=office, comment="监测报告另行报送")
    indicator_value_transition(value=approved, action=ReviewAction.APPROVE, actor=office)
    batch = _import(world, "air", _hourly(), year=2025)
    warned = {(w["region"], w["indicator_code"]): w["warnings"] for w in batch.plan["writes"]}
    assert any("与上期审核值 1 相比" in text for text in warned[("甲市", "2019-07a")])
    assert not [w for (region, _), w in warned.items() if region != "甲市" and w]


@pytest.mark.usefixtures("sites")
def test_draft_values_get_a_new_revision_and_keep_their_history(world, round_2025) -> None:
    indicator = world.program.framework.indicators.get(code="2019-07a")
    draft = indicator_value_save(reporting_round=round_2025, region=world.city, indicator=indicator,
                                 actor=world.users.office, data=ValueInput(number=Decimal("70.0")), expected_version=0)
    _import(world, "air", _hourly())
    draft.refresh_from_db()
    assert draft.status == ReviewStatus.SUBMITTED
    assert [r.number for r in draft.revisions.order_by("version")][0] == Decimal("70.0")
    assert draft.revisions.count() == 2


@pytest.mark.usefixtures("sites", "round_2025")
def test_nothing_is_written_when_a_row_has_an_error(world) -> None:
    frame = _hourly().with_columns(
        pl.when(pl.int_range(pl.len()) == 5).then(-1).otherwise(pl.col("PM2.5")).alias("PM2.5"))
    counts = (IndicatorValue.objects.count(), ValueRevision.objects.count(), ComputedResult.objects.count(),
              Station.objects.count())
    with pytest.raises(ImportRejected) as exc:
        _import(world, "air", frame)
    assert [(e.row, e.column) for e in exc.value.errors] == [(7, "PM2.5")]
    assert counts == (IndicatorValue.objects.count(), ValueRevision.objects.count(), ComputedResult.objects.count(),
                      Station.objects.count())
    assert ImportBatch.objects.get().status == BatchStatus.REJECTED


@pytest.mark.usefixtures("sites")
def test_a_year_without_a_round_is_a_clear_error(world) -> None:
    with pytest.raises(DomainError, match="2025年度调度尚未发起"):
        _import(world, "air", _hourly())
    assert not IndicatorValue.objects.exists() and not ComputedResult.objects.exists()


@pytest.mark.usefixtures("sites")
def test_a_closed_round_is_refused_before_anything_is_written(world, round_2025) -> None:
    reporting_round_transition(reporting_round=round_2025, action="close", actor=world.users.office)
    with pytest.raises(DomainError, match="「2025年度调度」已关闭填报"):
        _import(world, "air", _hourly())
    assert not IndicatorValue.objects.exists() and not ComputedResult.objects.exists()


@pytest.mark.usefixtures("sites", "round_2025")
def test_water_shares_and_drinking_attainment_equal_the_scalar_method(world) -> None:
    samples = _monthly(pl.DataFrame({
        "断面编码": ["W1", "W1", "W2", "W2", "W3", "W3"],
        "采样日期": ["2025-01-10", "2025-02-10", "2025-01-10", "2025-02-10", "2025-01-10", "2025-02-10"],
        "氨氮": ["0.4", "0.7", "2.5", "2.1", "0.2", "0.3"],
        "溶解氧": ["7.0", "6.4", "3.0", "2.5", "8.0", "7.9"],
        "总磷": ["0.1", "0.15", "0.3", "0.5", "0.02", "0.03"],
    }))
    batch = _import(world, "water", samples)
    expected = {}
    for code, body in (("W1", "river"), ("W2", "river"), ("W3", "lake")):
        rows = [{"NH3N": Decimal(a), "DO": Decimal(b), "TP": Decimal(c)}
                for s, _, a, b, c in samples.iter_rows() if s == code]
        expected[code] = water.classify_section(water.mean_values(rows), waterbody=body).class_
    city = water.class_shares(expected.values())
    results = {(r.region.code, r.measure): r.value for r in ComputedResult.objects.filter(batch=batch)}
    assert results[("990100", "water.share_i_iii")] == city.share_i_iii
    assert results[("990100", "water.share_worse_v")] == city.share_worse_than_v
    assert results[("990123", "water.drinking_attainment")] == water.drinking_water_attainment([expected["W3"]]).by_count
    drinking = IndicatorValue.objects.get(region=world.city, indicator__code="2019-27", year=2025)
    assert drinking.status == ReviewStatus.SUBMITTED
    assert "1个集中式饮用水水源地" in drinking.current_revision.explanation


@pytest.mark.usefixtures("round_2025")
def test_landuse_gives_ei_grade_and_change(world) -> None:
    frame = landuse_frame([("990100", 5000.0), ("990121", 800.0)], (2024, 2025))
    batch = _import(world, "landuse", frame, year=2025)
    parsed = parse(to_bytes(frame, "csv"), "csv", "landuse")
    row = parsed.frame.filter((pl.col("region") == "990100") & (pl.col("year") == 2025)).row(0, named=True)
    before = parsed.frame.filter((pl.col("region") == "990100") & (pl.col("year") == 2024)).row(0, named=True)
    ei, ei_before = eco_index_of(row), eco_index_of(before)
    result = ComputedResult.objects.get(batch=batch, region=world.city, year=2025, measure="eco.ei")
    assert (result.value, result.text) == (ei.ei, ei.grade)
    assert result.inputs["change"] == __import__("calc.eco_index", fromlist=["x"]).ei_change(ei_before, ei).label
    value = IndicatorValue.objects.get(region=world.city, indicator__code="2019-10", year=2025)
    assert value.current_revision.number == ei.ei and "HJ 192-2015" in value.current_revision.explanation
    assert not IndicatorValue.objects.filter(year=2024).exists()  # --year 2025


def test_station_metadata_import_creates_and_updates(world) -> None:
    frame = pl.DataFrame({"站点编码": ["N1", "N2"], "站点名称": ["新站", "二站"], "所属区域代码": ["990100", "990121"]})
    _import(world, "stations", frame)
    assert dict(Station.objects.values_list("code", "region__code")) == {"N1": "990100", "N2": "990121"}
    _import(world, "stations", frame.with_columns(pl.lit("990122").alias("所属区域代码")))
    assert set(Station.objects.values_list("region__code", flat=True)) == {"990122"}
    with pytest.raises(ImportRejected) as exc:
        _import(world, "sections", pl.DataFrame({"断面编码": ["X"], "断面名称": ["外市"], "所属区域代码": ["990200"],
                                                 "水体类型": ["河流"], "所属河流/流域": ["丙河"]}))
    assert "未知的区域代码「990200」" in exc.value.errors[0].message  # another city's region
    assert not Section.objects.exists()


@pytest.mark.usefixtures("sites", "round_2025")
def test_only_office_admins_import(world) -> None:
    checked = check_monitoring_upload(upload("a.csv", to_bytes(_hourly(1), "csv")))
    for user in (world.users.reporter, world.users.leader, world.users.county, world.users.outsider):
        with pytest.raises(PermissionDeniedError):
            services.monitoring_import(program=world.program, actor=user, kind="air", checked=checked)
    assert not ImportBatch.objects.exists()


@pytest.mark.usefixtures("world")
def test_upload_checks_content_not_name() -> None:
    with pytest.raises(DomainError, match="不是 Parquet"):
        check_monitoring_upload(upload("a.parquet", b"station,time\n"))
    with pytest.raises(DomainError, match="不是 CSV"):
        check_monitoring_upload(upload("a.csv", b"\x00\x01\x02binary"))
    with pytest.raises(DomainError, match="不受支持"):
        check_monitoring_upload(upload("a.exe", b"MZ"))
    assert check_monitoring_upload(upload("../../etc/a.csv", b"a,b\n1,2\n")).name == "a.csv"

