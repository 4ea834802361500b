"""Writes for monitoring imports: upload → check and compute (progress) → preview → commit.

A batch is checked as a whole (parse, row-level validation, computation by the standards, and the plan of
what would be written); it is committed in one transaction: site metadata, computed results and the
indicator values as new revisions through :func:`apps.reporting.services.indicator_value_save`, saved and
submitted for review in one step (``submit=True``). Values that are submitted or approved are never overwritten: they are listed as
skipped with the reason, in the preview and in the batch summary.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

import polars as pl
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_noop

from apps.accounts.models import User
from apps.core.errors import DomainError, ImportRejected, PermissionDeniedError, RowError
from apps.core.uploads import CheckedUpload
from apps.geo.models import Region
from apps.jobs.registry import ReportProgress
from apps.jobs.services import submit
from apps.programs.access import can_manage_program, require_manage
from apps.programs.models import Program
from apps.programs.selectors import program_indicators, program_regions
from apps.reporting.models import IndicatorValue, PeriodType, ReportingRound
from apps.reporting.selectors import annual_round, last_approved_numbers
from apps.reporting.services import (
    RoundClosed,
    ValueInput,
    check_value_input,
    indicator_value_save,
)
from apps.review.workflow import EDITABLE, ReviewStatus
from apps.staging.models import StagedImport
from apps.staging.registry import Checked, Committed
from apps.staging.services import (
    staged_import_check,
    staged_import_commit,
    staged_import_create,
    staged_import_move,
    staged_import_read,
    staged_import_report,
)
from calc.air import RULE_2012, RULE_2026
from docimport import monitoring as layouts

from . import compute
from .models import (
    BASE_MEASURES,
    BaseValue,
    BatchStatus,
    ComputedResult,
    ImportBatch,
    ImportKind,
    Section,
    Station,
    kind_label,
)
from .plans import BatchPlan, PlannedResult, PlannedWrite
from .selectors import base_values, program_sections, program_stations

SOURCE = "监测数据核算"
RULE_OPTIONS = {"hj633-2012": RULE_2012, "hj633-2026": RULE_2026, RULE_2012: RULE_2012, RULE_2026: RULE_2026}
Progress = Callable[[int, str], None]


#: What a user who does not manage the program is told when trying to import.
NOT_A_MANAGER = "只有生态办管理员可以导入监测数据。"


def clean_options(*, year: object = None, rule: object = None, time_label: object = None) -> dict[str, object]:
    """The import options as stored on the batch; bad values are refused with a message."""
    options: dict[str, object] = {}
    if year not in (None, ""):
        try:
            options["year"] = int(str(year))
        except ValueError as exc:
            raise DomainError("年份须为整数。") from exc
    if rule not in (None, ""):
        if str(rule).lower() not in RULE_OPTIONS and str(rule) not in RULE_OPTIONS:
            raise DomainError("AQI 计算规则须为 hj633-2012 或 hj633-2026（留空则按日期自动选择）。")
        options["rule"] = RULE_OPTIONS.get(str(rule).lower(), RULE_OPTIONS.get(str(rule)))
    if time_label not in (None, ""):
        if time_label not in ("start", "end"):
            raise DomainError("时间标记须为 start（小时开始）或 end（小时结束，01:00–24:00）。")
        options["time_label"] = time_label
    return options


def import_batch_create(
    *, program: Program, actor: User, kind: str, checked: CheckedUpload, options: dict[str, object] | None = None,
) -> ImportBatch:
    """Record a checked upload (the file is kept under our name, with its SHA-256) as a queued batch."""
    require_manage(actor, program, NOT_A_MANAGER)
    if kind not in ImportKind.values:
        raise DomainError("请选择数据类型。")
    fmt = layouts.detect_format(checked.name) or checked.kind
    if fmt not in layouts.FORMATS:
        raise DomainError("文件格式须为 CSV、xlsx 或 Parquet。")
    staged = staged_import_create(kind=kind, program=program, actor=actor, checked=checked, options=options,
                                  file_format=fmt)
    return _batch(staged.pk)


def _batch(batch_id: int) -> ImportBatch:
    return ImportBatch.objects.select_related("program__region", "program__framework").get(pk=batch_id)


# --- check and compute ----------------------------------------------------------------------------------


def _program_codes(program: Program) -> dict[str, list[str]]:
    regions = [r.code for r in Region.objects.filter(path__startswith=program.region.path).only("code")]
    return {
        "regions": regions,
        "stations": list(program_stations(program).values_list("code", flat=True)),
        "sections": list(program_sections(program).values_list("code", flat=True)),
    }


def _regions_of(path: str, program_codes: set[str]) -> tuple[str, ...]:
    """The site's region and its ancestors that are regions of the program (county → county and city)."""
    return tuple(code for code in path.strip("/").split("/") if code in program_codes)


def _latest_results(program: Program, measure: str, year: int) -> dict[str, Decimal]:
    return {code: value for code, (value, _) in base_values(program, measure, year, office=False).items()}


def compute_results(batch: ImportBatch, frame: pl.DataFrame) -> list[compute.Result]:
    """Measures from a checked data frame, with base-year values from earlier committed imports."""
    program = batch.program
    program_codes = {r.code for r in program_regions(program)}
    base_year = program.base_year
    if batch.kind == ImportKind.AIR:
        mapping = {s.code: _regions_of(s.region.path, program_codes) for s in program_stations(program)}
        used = set(frame["station"].unique().to_list())
        mapping = {code: regions for code, regions in mapping.items() if code in used and regions}
        hourly = frame.filter(pl.col("station").is_in(list(mapping)))
        bases = base_values(program, "air.pm25_mean", base_year)
        return compute.compute_air(
            hourly, mapping, base_year=base_year, base_pm25={code: v for code, (v, _) in bases.items()},
            base_notes={(code, "air.pm25_mean"): note for code, (_, note) in bases.items()},
            rule=batch.options.get("rule"), time_label=batch.options.get("time_label", "start"))
    if batch.kind == ImportKind.WATER:
        info = {s.code: compute.SectionInfo(_regions_of(s.region.path, program_codes), s.waterbody, s.drinking_source)
                for s in program_sections(program)}
        used = set(frame["section"].unique().to_list())
        info = {code: i for code, i in info.items() if code in used and i.regions}
        good = base_values(program, "water.share_i_iii", base_year)
        bad = base_values(program, "water.share_worse_v", base_year)
        bases = {code: (good[code][0] if code in good else None, bad[code][0] if code in bad else None)
                 for code in set(good) | set(bad)}
        notes = {(code, "water.share_i_iii"): note for code, (_, note) in good.items()}
        notes.update({(code, "water.share_worse_v"): note for code, (_, note) in bad.items()})
        return compute.compute_water(frame.filter(pl.col("section").is_in(list(info))), info,
                                     base_year=base_year, base_shares=bases, base_notes=notes)
    if batch.kind == ImportKind.LANDUSE:
        table = frame.filter(pl.col("region").is_in(list(program_codes)))
        previous: dict[tuple[str, int], Decimal] = {}
        for year in set(table["year"].to_list()):
            for code, value in _latest_results(program, "eco.ei", year - 1).items():
                previous[(code, year - 1)] = value
        return compute.compute_eco(table, previous=previous)
    return []


def _rounds_of(program: Program, years: set[int], *, only_year: int | None) -> dict[int, ReportingRound]:
    """The annual round of each year written to; a year without one is refused (so is a named year), and so is a
    round the office has closed (its values take no more writes; the commit would refuse them too)."""
    rounds: dict[int, ReportingRound] = {}
    for year in sorted(years):
        found = annual_round(program, year)
        if found is None:
            raise DomainError(f"{year}年度调度尚未发起，无法写入{year}年的指标值。请先在“调度”中发起{year}年度调度，"
                              "或指定只写入已发起调度的年份。")
        if found.is_closed:
            raise RoundClosed(found.name)
        rounds[year] = found
    if only_year is not None and not years and annual_round(program, int(only_year)) is None:
        raise DomainError(f"{only_year}年度调度尚未发起。")
    return rounds


def plan_writes(batch: ImportBatch, results: list[compute.Result]) -> list[PlannedWrite]:
    """What each computed value would do to the reporting workflow: write a new revision, or be skipped."""
    program = batch.program
    measures = compute.measures()
    by_code = {i.code: i for i in program_indicators(program)}
    regions = {r.code: r for r in program_regions(program)}
    only_year = batch.options.get("year")
    targets = []
    for result in results:
        code = measures[result.measure].indicators.get(program.framework.code)
        # a result without a value (数据不足, 缺少基准年数据) or marked insufficient is never planned for writing
        if not code or code not in by_code or result.value is None or result.inputs.get("sufficient") is False:
            continue
        if only_year is not None and result.year != only_year:
            continue
        targets.append((result, by_code[code], regions[result.region]))
    rounds = _rounds_of(program, {r.year for r, _, _ in targets}, only_year=only_year)
    in_scope: dict[int, tuple[set[int], set[int]]] = {
        year: (set(rnd.indicators.values_list("id", flat=True)), set(rnd.regions.values_list("id", flat=True)))
        for year, rnd in rounds.items()
    }
    existing = {
        (v.region_id, v.indicator_id, v.year): v
        for v in IndicatorValue.objects.filter(program=program, period_type=PeriodType.YEAR, period_number=1,
                                               year__in=list(rounds)).select_related("current_revision")
    }
    last_approved = {  # for the jump check, one query per year rather than one per value
        year: last_approved_numbers(program, [(region.id, indicator.id) for r, indicator, region in targets
                                              if r.year == year], before_year=year)
        for year in rounds
    }
    plan: list[PlannedWrite] = []
    for result, indicator, region in targets:
        value = existing.get((region.id, indicator.id, result.year))
        entry = PlannedWrite(
            region_id=region.id, region=region.name, year=result.year, measure=result.measure,
            indicator_id=indicator.id, indicator_code=indicator.code, indicator=indicator.full_name,
            unit=indicator.unit, value=str(result.value), provenance=result.provenance,
            status=value.status if value else "",
            status_label=str(ReviewStatus(value.status).label) if value else "",
            previous=value.current_revision.display if value and value.current_revision else "",
        )
        indicators_in, regions_in = in_scope[result.year]
        if region.level not in (indicator.scope_levels or []):
            entry = entry.skipped(f"该指标不适用于{region.get_level_display()}级。")
        elif indicator.id not in indicators_in or region.id not in regions_in:
            entry = entry.skipped(f"不在{result.year}年度调度范围内。")
        elif value is not None and value.status not in EDITABLE:
            entry = entry.skipped("已审核通过并锁定，未覆盖；如需更新请生态办重新打开后再导入。"
                                  if value.status == ReviewStatus.APPROVED else "已提交待审核，未覆盖；审核退回后可重新导入。")
        else:
            found = last_approved[result.year].get((region.id, indicator.id))
            check = check_value_input(indicator=indicator, data=ValueInput(number=result.value),
                                      last_approved=found[1] if found else None, level=region.level)
            if check.errors:
                entry = entry.skipped("；".join(check.errors))
            entry = replace(entry, warnings=tuple(check.warnings))
        plan.append(entry)
    return plan


def planned_results(results: list[compute.Result], program: Program) -> list[PlannedResult]:
    """The computed results as the preview shows them."""
    names = {r.code: r.name for r in program_regions(program)}
    known = compute.measures()
    return [PlannedResult(region=r.region, region_name=names.get(r.region, r.region), year=r.year, measure=r.measure,
                          label=known[r.measure].label, unit=known[r.measure].unit,
                          value=None if r.value is None else str(r.value), method=r.method, provenance=r.provenance,
                          text=r.text, inputs=dict(r.inputs)) for r in results]


def import_batch_check(*, batch: ImportBatch, progress: Progress | None = None) -> ImportBatch:
    """Parse, validate, compute and plan; the batch ends ``previewed`` or ``rejected`` (nothing written)."""
    staged_import_check(staged=batch, progress=progress)
    return batch


def check_batch(batch: ImportBatch, report: ReportProgress) -> Checked:
    """The monitoring kinds' check (see :mod:`apps.staging.registry`): parse, validate, compute, plan."""
    try:
        data = staged_import_read(batch)
        known = _program_codes(batch.program)
        report(15, gettext_noop("逐行检查"))
        try:
            parsed = layouts.parse(data, batch.file_format, batch.kind, known=known, years=_import_years(batch),
                                   time_label=str(batch.options.get("time_label", "start")),
                                   max_rows=settings.ECOCIV_MAX_IMPORT_ROWS)
        except layouts.FileUnreadable as exc:
            raise ImportRejected(exc.errors) from exc
        staged_import_report(batch, rows=parsed.rows)
        report(40, gettext_noop("逐行检查"))
        if parsed.errors:
            raise ImportRejected(parsed.errors)
        report(50, gettext_noop("按标准核算"))
        results = compute_results(batch, parsed.frame)
        report(85, gettext_noop("生成写入计划"))
        writes = plan_writes(batch, results)
        plan = BatchPlan(writes=tuple(writes), results=tuple(planned_results(results, batch.program)),
                         sites=tuple(_site_plan(batch, parsed.frame)))
        return Checked(plan=plan.to_json(), rows=parsed.rows, summary=_summary(batch, parsed.rows, results, plan))
    except DomainError:
        raise
    except Exception as exc:  # a computation error must end the batch visibly, not leave it "checking"
        if getattr(settings, "MONITORING_RAISE", False):
            raise
        raise DomainError(f"核算失败：{exc}") from exc


def _import_years(batch: ImportBatch) -> set[int] | None:
    """The years a file of this batch may hold: the import's year and the year it is compared with (the base
    year for air and water, the previous year for EI); ``None`` (any year) without an import year."""
    year = batch.options.get("year")
    if year is None or batch.kind in (ImportKind.STATIONS, ImportKind.SECTIONS):
        return None
    compared = int(year) - 1 if batch.kind == ImportKind.LANDUSE else batch.program.base_year
    return {int(year), compared}


def _site_plan(batch: ImportBatch, frame: pl.DataFrame) -> list[dict[str, object]]:
    if batch.kind not in (ImportKind.STATIONS, ImportKind.SECTIONS):
        return []
    model = Station if batch.kind == ImportKind.STATIONS else Section
    existing = set(model.objects.filter(code__in=frame["code"].to_list()).values_list("code", flat=True))
    rows = []
    for row in frame.drop(layouts.ROW).iter_rows(named=True):
        clean = {k: (str(v) if isinstance(v, Decimal) else v) for k, v in row.items()}
        clean["action"] = "update" if row["code"] in existing else "create"
        rows.append(clean)
    return rows


def _summary(batch: ImportBatch, rows: int, results: list[compute.Result], plan: BatchPlan) -> str:
    if batch.kind in (ImportKind.STATIONS, ImportKind.SECTIONS):
        return f"{rows}行{kind_label(batch.kind)}，检查通过。"
    written = plan.to_write
    skipped = len(plan.writes) - written
    return (f"{rows:,}行数据检查通过；核算{len(results)}项结果；拟写入指标值{written}项"
            + (f"，跳过{skipped}项（见原因）" if skipped else "") + "。")


# --- commit ---------------------------------------------------------------------------------------------


def import_batch_commit(*, batch: ImportBatch, actor: User, backend: str | None = None) -> ImportBatch:
    """Write what the preview showed, all or nothing, as a job; values that became locked meanwhile are skipped.

    On the thread backend the batch comes back ``committing`` and the page polls it until ``committed``.
    """
    require_manage(actor, batch.program, NOT_A_MANAGER)
    if batch.status != BatchStatus.PREVIEWED:
        raise DomainError(f"该批次状态为“{batch.get_status_display()}”，不能写入。")
    staged_import_commit(staged=batch, actor=actor, backend=backend)
    return _batch(batch.pk)


def commit_batch(staged: StagedImport, actor: User) -> Committed:
    """The monitoring kinds' commit (run by the staging commit job, in its transaction)."""
    batch = _batch(staged.pk)
    program = batch.program
    require_manage(actor, program, NOT_A_MANAGER)
    plan = BatchPlan.from_json(batch.plan)
    if batch.kind == ImportKind.STATIONS:
        _write_sites(Station, plan.sites, program)
    elif batch.kind == ImportKind.SECTIONS:
        _write_sites(Section, plan.sites, program)
    regions = {r.code: r for r in program_regions(program)}
    regions_by_id = {r.id: r for r in regions.values()}
    indicators = {i.id: i for i in program_indicators(program)}
    rounds: dict[int, ReportingRound | None] = {}
    writes = []
    written = 0
    outcome: dict[tuple[int, int, str], tuple[str, str, int | None]] = {}
    current = {
        (v.region_id, v.indicator_id, v.year): v.id
        for v in IndicatorValue.objects.filter(program=program, period_type=PeriodType.YEAR, period_number=1,
                                               year__in={w.year for w in plan.writes}).only("id", "region_id",
                                                                                            "indicator_id", "year")
    }
    for entry in plan.writes:
        key = (entry.region_id, entry.year, entry.measure)
        if entry.action != "write":
            outcome[key] = ("skip", entry.reason, current.get((entry.region_id, entry.indicator_id, entry.year)))
            writes.append(entry)
            continue
        if entry.year not in rounds:
            rounds[entry.year] = annual_round(program, entry.year)
        reporting_round = rounds[entry.year]
        if reporting_round is None:
            raise DomainError(f"{entry.year}年度调度不存在（可能已被删除），未写入任何数据。")
        value = IndicatorValue.objects.filter(program=program, region_id=entry.region_id,
                                              indicator_id=entry.indicator_id, period_type=PeriodType.YEAR,
                                              year=entry.year, period_number=1).first()
        if value is not None and value.status not in EDITABLE:
            entry = entry.skipped("确认前已被提交或审核通过，未覆盖。")
            outcome[key] = ("skip", entry.reason, value.id)
            writes.append(entry)
            continue
        region = regions_by_id[entry.region_id]
        indicator = indicators[entry.indicator_id]
        note = f"监测数据导入批次#{batch.id}"
        if entry.warnings:
            note += "；预览中已确认警告：" + "；".join(entry.warnings)
        saved = indicator_value_save(
            reporting_round=reporting_round, region=region, indicator=indicator, actor=actor,
            data=ValueInput(number=Decimal(entry.value), explanation=entry.provenance, source=SOURCE,
                            caliber=compute.measures()[entry.measure].method, note=note,
                            reason=f"由监测数据核算（{batch.original_name}，批次#{batch.id}）"),
            expected_version=value.version if value else 0, confirm_warnings=True, submit=True,
            comment=f"监测数据核算结果（批次#{batch.id}）",
        )
        outcome[key] = ("write", "", saved.id)
        writes.append(entry)
        written += 1
    rows = []
    for r in plan.results:
        action, reason, value_id = outcome.get((regions[r.region].id, r.year, r.measure), ("", "", None))
        rows.append(ComputedResult(
            program=program, batch=batch, region=regions[r.region], year=r.year, measure=r.measure,
            value=None if r.value is None else Decimal(r.value), text=r.text[:200], method=r.method[:60],
            inputs=dict(r.inputs), provenance=r.provenance, write_action=action, write_reason=reason[:200],
            indicator_value_id=value_id))
    ComputedResult.objects.bulk_create(rows)
    plan = replace(plan, writes=tuple(writes))
    summary = batch.summary
    if batch.kind in (ImportKind.AIR, ImportKind.WATER, ImportKind.LANDUSE):
        summary = (f"已写入并提交指标值{written}项" + (f"，跳过{len(plan.skipped)}项" if plan.skipped else "")
                   + f"；保存核算结果{len(plan.results)}项。")
    else:
        summary = f"已保存{len(plan.sites)}个{'站点' if batch.kind == ImportKind.STATIONS else '断面'}。"
    return Committed(result={"written": written, "skipped": len(plan.skipped)}, summary=summary, plan=plan.to_json())


def _write_sites(model: type[Station] | type[Section], rows: Sequence[Mapping[str, Any]], program: Program) -> None:
    regions = {r.code: r for r in Region.objects.filter(path__startswith=program.region.path)}
    fields = [f for f in ("name", "category", "longitude", "latitude", "waterbody", "river", "drinking_source", "volume")
              if hasattr(model, f)]
    for row in rows:
        defaults: dict[str, object] = {"region": regions[row["region"]]}
        for name in fields:
            if name in row:
                value = row[name]
                defaults[name] = (Decimal(value) if name in ("longitude", "latitude", "volume") and value is not None
                                  else ("" if value is None and name in ("category",) else value))
        model.objects.update_or_create(code=row["code"], defaults=defaults)


# --- office-entered base-year values ---------------------------------------------------------------------


@transaction.atomic
def base_value_add(
    *, program: Program, actor: User, region: Region, measure: str, year: int, value: Decimal, source: str,
    reason: str = "",
) -> BaseValue:
    """Record a base-year value from an official source; a change is a new row (append-only), never an edit."""
    if not can_manage_program(actor, program):
        raise PermissionDeniedError("只有生态办管理员可以录入基准年数值。")
    if measure not in BASE_MEASURES:
        raise DomainError("只能录入基准年的PM2.5年均浓度、达到或优于Ⅲ类比例、劣Ⅴ类水体比例。")
    if region.id not in {r.id for r in program_regions(program)}:
        raise DomainError("区域不属于本创建工作。")
    if year != program.base_year:
        raise DomainError(f"基准年为{program.base_year}年，只能录入基准年的数值。")
    if not value.is_finite():
        raise DomainError("数值须为数字。")
    if value < 0 or (measure.startswith("water.") and value > 100):
        raise DomainError("数值超出合理范围（浓度不能为负，比例须在0–100之间）。")
    source = (source or "").strip()
    if not source:
        raise DomainError("请填写来源（如《2023年生态环境状况公报》）。")
    previous = BaseValue.objects.filter(program=program, region=region, measure=measure, year=year).exists()
    reason = (reason or "").strip()
    if previous and not reason:
        raise DomainError("已录入过该数值；修改时请填写原因（原记录保留）。")
    return BaseValue.objects.create(program=program, region=region, measure=measure, year=year, value=value,
                                    source=source[:200], reason=reason[:200], created_by=actor)


# --- running ----------------------------------------------------------------------------------------------


def import_batch_start(*, batch: ImportBatch) -> None:
    """Check the batch as a job (``monitoring.check``): a background thread on the embedded default, inline in
    tests (``ECOCIV_JOB_BACKEND``)."""
    job = submit("monitoring.check", actor=batch.created_by, batch_id=batch.id)
    ImportBatch.objects.filter(pk=batch.pk).update(job=job)


def import_batch_recheck(*, batch: ImportBatch, actor: User) -> ImportBatch:
    """Re-run the check of an interrupted (or failed) batch from its stored file, as the same batch."""
    with transaction.atomic():
        batch = (ImportBatch.objects.select_for_update(of=("self",))
                 .select_related("program__region", "program__framework").get(pk=batch.pk))
        require_manage(actor, batch.program, NOT_A_MANAGER)
        if not (batch.interrupted or batch.status == BatchStatus.FAILED):
            raise DomainError(f"该批次状态为“{batch.display_status_label}”，无需重新检查。")
        staged_import_move(batch, BatchStatus.QUEUED, progress=0, stage=gettext_noop("重新检查排队中"), errors=[],
                           plan={}, summary="", rows=0)
        import_batch_start(batch=batch)
    batch.refresh_from_db()
    return batch


def monitoring_import(
    *, program: Program, actor: User, kind: str, checked: CheckedUpload, options: dict[str, object] | None = None,
    dry_run: bool = False, progress: Progress | None = None,
) -> ImportBatch:
    """Create, check and (unless ``dry_run``) commit a batch synchronously — the management command's path.

    Raises :class:`ImportRejected` with the row errors when the file does not pass the checks.
    """
    batch = import_batch_create(program=program, actor=actor, kind=kind, checked=checked, options=options)
    import_batch_check(batch=batch, progress=progress)
    if batch.status == BatchStatus.REJECTED:
        raise ImportRejected([RowError.from_dict(e) for e in batch.errors])
    if batch.status == BatchStatus.FAILED:
        raise DomainError(batch.summary)
    if dry_run:
        return batch
    return import_batch_commit(batch=batch, actor=actor, backend="inline")  # a command waits for its result
