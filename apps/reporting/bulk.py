"""The values import in bulk: parse → check → preview (old → new) → commit, all or nothing.

The sheet is read by :mod:`docimport.values`; every row is checked with the same rules as a single save
(:func:`apps.reporting.services.check_value_input`, the reporter's permission, the optimistic version, no
change to a submitted or approved value). The commit writes every revision with one ``bulk_create`` and
bumps the values with a few set-based updates, so its queries do not grow with the rows (only with
:data:`BATCH` for very large sheets).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from apps.accounts.models import Role, User
from apps.core.errors import ImportRejected, PermissionDeniedError, RowError
from apps.core.permissions import can_manage_program
from apps.geo.models import Region
from apps.indicators.models import Indicator
from apps.review.workflow import EDITABLE, ReviewStatus
from docimport.values import parse_value_sheet

from .models import IndicatorValue, QualitativeStatus, ReportingRound, ValueRevision, reportable_pairs
from .selectors import last_approved_numbers, round_obligations
from .services import ValueInput, check_value_input

#: Ids per set-based statement, well below every backend's limit on query parameters.
BATCH = 2000

#: The content fields of a revision, in the order the preview lists them, with their labels.
CONTENT_FIELDS = {"number": "本期数值", "qualitative": "定性状态", "explanation": "情况说明",
                  "source": "数据来源", "caliber": "统计口径"}


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class ImportLine:
    row: int
    region: Region
    indicator: Indicator
    data: ValueInput
    warnings: list[str]
    version: int  # the value's version when checked; 0 for a value not yet created
    value_id: int | None = None
    changes: tuple[FieldChange, ...] = ()


@dataclass
class ImportPreview:
    lines: list[ImportLine]
    errors: list[RowError]
    unchanged: int = field(default=0)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def warnings(self) -> list[RowError]:
        return [RowError(line.row, "本期数值", w) for line in self.lines for w in line.warnings]


def _display(name: str, value: object) -> str:
    if value is None or value == "":
        return ""
    if name == "number":
        return format(value.normalize(), "f")  # type: ignore[union-attr]
    if name == "qualitative":
        return str(QualitativeStatus(value).label)
    return str(value)


def _changes(current: ValueRevision | None, data: ValueInput) -> tuple[FieldChange, ...]:
    """Old → new for every content field the row changes (every filled field for a new value)."""
    found = []
    for name, label in CONTENT_FIELDS.items():
        new = getattr(data, name)
        new = new.strip() if isinstance(new, str) else new
        old = getattr(current, name) if current is not None else None
        if name == "number":
            same = old == new if old is not None and new is not None else old is new
        else:
            same = (old or "") == (new or "")
        if not same:
            found.append(FieldChange(name, label, _display(name, old), _display(name, new)))
    return tuple(found)


def reporting_import_check(*, reporting_round: ReportingRound, actor: User, data: bytes) -> ImportPreview:
    """Parse the sheet and check every row against what the actor must report; writes nothing.

    A constant number of queries whatever the number of rows.
    """
    parsed = parse_value_sheet(data)
    errors = list(parsed.errors)
    if not can_manage_program(actor, reporting_round.program) and actor.role not in (Role.DEPARTMENT_REPORTER,
                                                                                        Role.COUNTY_OFFICE):
        raise PermissionDeniedError("您无权导入填报数据。")
    obligations = round_obligations(reporting_round, department=actor.department if actor.department_id else None,
                                    county=actor.region if actor.role == Role.COUNTY_OFFICE else None)
    by_key = {(o.region.code, o.indicator.code): o for o in obligations}
    region_codes = {o.region.code for o in obligations}
    indicator_codes = {o.indicator.code for o in obligations}
    last = last_approved_numbers(reporting_round.program, [(o.region.id, o.indicator.id) for o in obligations],
                                 before_year=reporting_round.year, period_type=reporting_round.period_type)
    lines: list[ImportLine] = []
    for row in parsed.rows:
        obligation = by_key.get((row.region_code, row.indicator_code))
        if obligation is None:
            if row.region_code not in region_codes:
                errors.append(RowError(row.row, "区域代码", f"未知区域或不属于您的填报范围：{row.region_code}"))
            elif row.indicator_code not in indicator_codes:
                errors.append(RowError(row.row, "指标编码", f"未知指标或不属于您的填报范围：{row.indicator_code}"))
            else:
                errors.append(RowError(row.row, "指标编码", "该区域的此项指标不由您填报。"))
            continue
        indicator = obligation.indicator
        if not indicator.is_qualitative_for(obligation.region.level) and row.unit.strip() != (indicator.unit or "").strip():
            errors.append(RowError(row.row, "单位", f"单位「{row.unit}」与指标单位「{indicator.unit or '无'}」不符。"))
            continue
        value = obligation.value
        if value is not None and value.status not in EDITABLE:
            errors.append(RowError(row.row, "", f"该指标值当前为「{value.get_status_display()}」，不能修改。"))
            continue
        data_in = ValueInput(number=row.number, qualitative=row.qualitative, explanation=row.explanation,
                             source=row.source, caliber=row.caliber, reason="批量导入")
        previous = last.get((obligation.region.id, indicator.id))
        check = check_value_input(indicator=indicator, data=data_in, last_approved=previous[1] if previous else None,
                                  level=obligation.region.level)
        if check.errors:
            errors.extend(RowError(row.row, "本期数值", e) for e in check.errors)
            continue
        lines.append(ImportLine(
            row.row, obligation.region, indicator, data_in, check.warnings,
            value.version if value is not None else 0, value.id if value is not None else None,
            _changes(value.current_revision if value is not None else None, data_in),
        ))
    if not parsed.rows and not errors:
        errors.append(RowError(0, "", "表中没有填写任何数值。"))
    return ImportPreview(lines, errors)


@transaction.atomic
def reporting_import_commit(*, reporting_round: ReportingRound, actor: User, data: bytes,
                            confirm_warnings: bool = False, note: str = "") -> ImportPreview:
    """All or nothing: any bad row (or unconfirmed warning) rejects the whole sheet."""
    preview = reporting_import_check(reporting_round=reporting_round, actor=actor, data=data)
    if preview.errors:
        raise ImportRejected(preview.errors)
    if preview.warnings and not (confirm_warnings and note.strip()):
        raise ImportRejected([RowError(w.row, w.column, w.message + "（未确认）") for w in preview.warnings])
    lines = [replace(line, data=replace(line.data, note=note)) if line.warnings else line for line in preview.lines]
    _write(reporting_round, actor, lines)
    return preview


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start:start + BATCH]


def _lock_and_check(reporting_round: ReportingRound, actor: User, lines: list[ImportLine]) -> None:
    """The rules a single save enforces, for all rows at once: permission, version, editable status."""
    program = reporting_round.program
    allowed = reportable_pairs(actor, program, {(line.region.id, line.indicator.id) for line in lines})
    denied = next((line for line in lines if (line.region.id, line.indicator.id) not in allowed), None)
    if denied is not None:
        raise ImportRejected([RowError(denied.row, "", "您无权填报该指标值。")])
    current: dict[int, tuple[int, str]] = {}
    existing = [line.value_id for line in lines if line.value_id is not None]
    for chunk in _chunks(existing):
        rows = IndicatorValue.objects.select_for_update().filter(pk__in=chunk).values_list("id", "version", "status")
        current.update((pk, (version, status)) for pk, version, status in rows)
    for line in lines:
        if line.value_id is None:
            continue
        version, status = current.get(line.value_id, (None, None))
        if version != line.version:
            raise ImportRejected([RowError(line.row, "", "该指标值已被他人修改，请刷新后再编辑（您的修改未保存）。")])
        if status not in EDITABLE:
            message = ("该指标值已审核通过并锁定；如需修改，请生态办重新打开。" if status == ReviewStatus.APPROVED
                       else "该指标值已提交，等待审核，暂不能修改。")
            raise ImportRejected([RowError(line.row, "", message)])


def _write(reporting_round: ReportingRound, actor: User, lines: list[ImportLine]) -> None:
    """New values, version bumps, one revision per row with who/when/why, and the current revision."""
    _lock_and_check(reporting_round, actor, lines)
    now = timezone.now()
    new_lines = [line for line in lines if line.value_id is None]
    try:
        with transaction.atomic():
            created = IndicatorValue.objects.bulk_create([
                IndicatorValue(program=reporting_round.program, region=line.region, indicator=line.indicator,
                               round=reporting_round, period_type=reporting_round.period_type,
                               year=reporting_round.year, period_number=reporting_round.period_number, version=1)
                for line in new_lines
            ], batch_size=BATCH)
    except IntegrityError as exc:  # someone created one of these values since the check
        raise ImportRejected([RowError(new_lines[0].row, "", "该指标值已被他人修改，请刷新后再编辑（您的修改未保存）。")]) from exc
    if any(value.pk is None for value in created):  # a backend that cannot return ids from a bulk insert
        keys = {(v.region_id, v.indicator_id): v for v in created}
        for pk, region_id, indicator_id in IndicatorValue.objects.filter(
                program=reporting_round.program, period_type=reporting_round.period_type, year=reporting_round.year,
                period_number=reporting_round.period_number, region_id__in={k[0] for k in keys},
                indicator_id__in={k[1] for k in keys}).values_list("id", "region_id", "indicator_id"):
            if (region_id, indicator_id) in keys:
                keys[(region_id, indicator_id)].pk = pk
    value_ids = {(line.region.id, line.indicator.id): (line.value_id, line.version + 1) for line in lines}
    for value in created:
        value_ids[(value.region_id, value.indicator_id)] = (value.pk, 1)
    existing = [line.value_id for line in lines if line.value_id is not None]
    for chunk in _chunks(existing):
        IndicatorValue.objects.filter(pk__in=chunk).update(version=F("version") + 1, updated_at=now)
    ValueRevision.objects.bulk_create([
        ValueRevision(
            value_id=value_ids[(line.region.id, line.indicator.id)][0], number=line.data.number,
            qualitative=line.data.qualitative, explanation=line.data.explanation.strip(),
            source=line.data.source.strip(), caliber=line.data.caliber.strip(), note=line.data.note.strip(),
            warnings=line.warnings, reason=line.data.reason.strip(),
            version=value_ids[(line.region.id, line.indicator.id)][1], author=actor,
        )
        for line in lines
    ], batch_size=BATCH)
    latest = Subquery(ValueRevision.objects.filter(value_id=OuterRef("pk")).order_by("-id").values("id")[:1])
    for chunk in _chunks([pk for pk, _ in value_ids.values()]):
        IndicatorValue.objects.filter(pk__in=chunk).update(current_revision_id=latest)


__all__ = ["FieldChange", "ImportLine", "ImportPreview", "reporting_import_check", "reporting_import_commit"]
