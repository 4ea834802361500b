"""Demo data of monitoring: 秦川市's stations and sections, and three monitoring years computed through the real
import path (the same service the page and the command use): air, water and EI inputs for 2023 (the base
year), 2024 and 2025. The import writes the computed values as submitted revisions; the office then approves
2023 and 2024 (reviewed years) and leaves 2025 waiting for review.

The story in the data: the city's air improves year by year; 河湾区 (the main urban district, aiming for the
national title in 2025) barely improves in 2024, so its PM2.5 decline falls short of the province's number;
北塬县's drained canal stays 劣Ⅴ in 2024 and improves in 2025; 东岭区 loses some cover to construction, so its EI
slips below the base year.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.accounts.models import User
from apps.core.uploads import CheckedUpload
from apps.demo.programs import DemoContext
from apps.monitoring import compute, samples, services
from apps.monitoring.models import ImportBatch
from apps.monitoring.uploads import check_monitoring_upload
from apps.programs.models import Program
from apps.programs.selectors import program_indicators, program_regions
from apps.reporting.models import IndicatorValue, ReportingRound
from apps.reporting.services import ValueInput, indicator_value_save, indicator_value_transition
from apps.review.workflow import ReviewAction, ReviewStatus

AREAS = {"629800": 9800.0, "629802": 620.0, "629803": 710.0, "629821": 1850.0, "629822": 1630.0,
         "629823": 2240.0, "629824": 1410.0}
#: Air: the overall level per year, and the stations of 河湾区 (QC003, QC004) lagging in 2024.
AIR_YEARS = [(2023, 0.84, {}), (2024, 0.76, {"QC003": 1.07, "QC004": 1.07}), (2025, 0.72, {"QC003": 1.03})]
#: Water: sections one quality level worse than usual in the year (the base year was a dry one).
WATER_YEARS = [(2023, {"SW001": 1, "SW003": 1, "SW004": 1, "SW009": 1, "SW006": 1}),
               (2024, {"SW003": 1, "SW007": 0, "SW009": 0}), (2025, {"SW007": -1})]
#: Cover lost per year since 2023 (东岭区's new industrial park), and how green each region is.
SETBACKS = {"629803": 0.02}
COVER = {"629800": 2.3, "629802": 1.1, "629803": 1.3, "629821": 1.5, "629822": 1.33, "629823": 1.0, "629824": 1.2}
#: Indicator values the monitoring import writes are approved by the office for these (reviewed) years.
REVIEWED_YEARS = (2023, 2024)


def _checked(name: str, frame: pl.DataFrame, fmt: str = "csv") -> CheckedUpload:
    return check_monitoring_upload(SimpleUploadedFile(f"{name}.{fmt}", samples.to_bytes(frame, fmt)))


def monitored_codes(framework_code: str) -> set[str]:
    """Indicator codes of a framework that monitoring computes (``data/measures.toml``)."""
    return {code for m in compute.measures().values() if (code := m.indicators.get(framework_code))}


def build(context: DemoContext) -> None:
    program, office = context.program, context.users["office"]
    if ImportBatch.objects.filter(program=program).exists():
        return  # already built (load_demo is safe to run again)
    station_codes = [code for code, *_ in samples.DEMO_STATIONS]
    steps = [
        ("stations", _checked("空气监测站点", samples.stations_frame())),
        ("sections", _checked("地表水监测断面", samples.sections_frame(), "xlsx")),
    ]
    for year, level, station_levels in AIR_YEARS:
        frame = samples.air_frame(station_codes, dt.date(year, 1, 1), 365, seed=year, level=level,
                                  station_levels=station_levels)
        steps.append(("air", _checked(f"空气小时数据{year}", frame, "parquet")))
    for year, shifts in WATER_YEARS:
        steps.append(("water", _checked(f"地表水月度监测{year}",
                                        samples.water_frame(samples.DEMO_SECTIONS, year, shifts=shifts))))
    steps.append(("landuse", _checked("生态环境状况指数基础数据",
                                      samples.landuse_frame(list(AREAS.items()), (2023, 2024, 2025), setbacks=SETBACKS,
                                                            cover=COVER),
                                      "xlsx")))
    for kind, checked in steps:
        services.monitoring_import(program=program, actor=office, kind=kind, checked=checked, options={})

    _base_year_zeros(program, office)
    # The office reviews the computed values of the reviewed years; 2025 stays submitted.
    waiting = (IndicatorValue.objects
               .filter(program=program, year__in=REVIEWED_YEARS, status=ReviewStatus.SUBMITTED,
                       indicator__code__in=monitored_codes(program.framework.code))
               .order_by("year", "region__code", "indicator__code"))
    for value in waiting:
        indicator_value_transition(value=value, action=ReviewAction.APPROVE, actor=office,
                                   comment="与监测站网数据核对一致。")


def _base_year_zeros(program: Program, office: User) -> None:
    """Changes against the base year (PM2.5下降幅度, 水质提高/下降幅度) are 0 in the base year by definition, but
    the import computes them only for later years; the office enters the base-year 0 so that 保持稳定或持续改善
    has its base value (see the report: the import could write it itself)."""
    keys = [m for m in compute.measures().values() if m.key.endswith(("_decline", "_change"))]
    codes = {m.indicators[program.framework.code]: m for m in keys if program.framework.code in m.indicators}
    reporting_round = ReportingRound.objects.get(program=program, period_type="year", year=program.base_year,
                                                 period_number=1)
    done = set(IndicatorValue.objects.filter(program=program, year=program.base_year, indicator__code__in=codes)
               .values_list("region_id", "indicator_id"))
    indicators = program_indicators(program)
    for region in program_regions(program):
        for indicator in indicators:
            measure = codes.get(indicator.code)
            if measure is None or (region.id, indicator.id) in done or region.level not in indicator.scope_levels:
                continue
            value = indicator_value_save(
                reporting_round=reporting_round, region=region, indicator=indicator, actor=office,
                data=ValueInput(number=Decimal(0), source=services.SOURCE, caliber=measure.method,
                                explanation=f"{program.base_year}年为基准年，{measure.label}按定义为0。"),
                expected_version=0)
            indicator_value_transition(value=value, action=ReviewAction.SUBMIT, actor=office,
                                       comment="基准年数值按定义为0，无统计或监测材料。")
