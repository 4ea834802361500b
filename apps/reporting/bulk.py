"""The values import in bulk: parse → check → preview (old → new) → commit, all or nothing.

The sheet is read by :mod:`docimport.values`; every row is checked with the same rules as a single save
(:func:`apps.reporting.services.check_value_input`, the reporter's permission, the optimistic version, no
change to a submitted or approved value). A checked preview can be kept as a JSON plan
(:func:`preview_plan`) and applied later (:func:`reporting_import_apply`), which checks those rules again
under a row lock. The writes are plain multi-row inserts (one ``COPY`` on PostgreSQL) of the new values
and of one revision per row, and a few set-based updates, so the queries do not grow with the rows (only
with :data:`BATCH` for very large sheets). The import writes drafts: no review event is due.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_noop

from apps.accounts.models import User
from apps.core.errors import ImportRejected, PermissionDeniedError, RowError
from apps.core.uploads import sheet_limits
from apps.geo.models import Region
from apps.indicators.models import Indicator
from apps.programs.models import Program
from apps.review.workflow import ReviewStatus
from apps.staging.diff import FieldChange
from apps.staging.models import StagedImport
from apps.staging.services import staged_import_report, staged_import_write_chunks
from docimport.errors import name_rows, name_subject
from docimport.values import OPTIONAL_TEXT, parse_value_sheet

from .access import ReportingParty, reportable_pairs, reporting_parties
from .models import IndicatorValue, QualitativeStatus, ReportingRound, ValueRevision
from .selectors import ValueState, last_approved_numbers, party_obligations, round_value_states
from .services import (
    CONFLICT_MESSAGE,
    ValueInput,
    check_value_input,
    require_round_open,
    value_change_refusal,
)

#: Why an imported revision was written (the revision's ``reason``).
IMPORT_REASON = "批量导入"

#: Ids per set-based statement, well below every backend's limit on query parameters.
BATCH = 2000

#: The content fields of a revision, in the order the preview lists them, with their labels.
#: The labels are msgids (the import page translates them as it shows them); the plan stores them as they are.
CONTENT_FIELDS = {"number": gettext_noop("本期数值"), "qualitative": gettext_noop("定性状态"),
                  "explanation": gettext_noop("情况说明"), "source": gettext_noop("数据来源"),
                  "caliber": gettext_noop("统计口径")}


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

    @property
    def subject(self) -> str:
        """The row's indicator as a row error names it (code and name)."""
        return name_subject(self.indicator.code, self.indicator.full_name)

    @property
    def old_value(self) -> str:
        """The number or status this row replaces ("" for a new value or an unchanged one)."""
        return next((c.old for c in self.changes if c.field in ("number", "qualitative") and c.old), "")


@dataclass
class ImportPreview:
    lines: list[ImportLine]
    errors: list[RowError]
    unchanged: int = 0  # rows that carry exactly what the round holds: nothing is written for them

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def warnings(self) -> list[RowError]:
        return [RowError(line.row, "本期数值", w, line.subject) for line in self.lines for w in line.warnings]


def _display(name: str, value: object) -> str:
    if value is None or value == "":
        return ""
    if name == "number":
        return format(value.normalize(), "f")  # type: ignore[union-attr]
    if name == "qualitative":
        return str(QualitativeStatus(value).label)
    return str(value)


def _changes(current: ValueState | None, data: ValueInput) -> tuple[FieldChange, ...]:
    """Old → new for every content field the row changes (every filled field for a new value)."""
    found = []
    for name, label in CONTENT_FIELDS.items():
        new = getattr(data, name)
        old = getattr(current, name) if current is not None else None
        if name == "number":
            same = old == new if old is not None and new is not None else old is new
        else:
            new = new.strip()
            same = (old or "") == new
        if not same:
            found.append(FieldChange(name, label, _display(name, old), _display(name, new)))
    return tuple(found)


def reporting_import_access(*, program: Program, actor: User) -> list[ReportingParty]:
    """Everyone the actor reports as in the program; a user who reports nothing is refused."""
    parties = reporting_parties(actor, program)
    if not parties:
        raise PermissionDeniedError("您无权导入填报数据。")
    return parties


def reporting_import_check(*, reporting_round: ReportingRound, actor: User, data: bytes) -> ImportPreview:
    """Parse the sheet and check every row against what the actor must report; writes nothing.

    A constant number of queries whatever the number of rows.
    """
    parties = reporting_import_access(program=reporting_round.program, actor=actor)  # before parsing
    require_round_open(reporting_round.pk)
    parsed = parse_value_sheet(data, limits=sheet_limits())
    errors = list(parsed.errors)
    obligations = party_obligations(reporting_round, parties, with_values=False)
    states = round_value_states(reporting_round)
    by_key = {(o.region.code, o.indicator.code): o for o in obligations}
    region_codes = {o.region.code for o in obligations}
    indicator_codes = {o.indicator.code for o in obligations}
    last = last_approved_numbers(reporting_round.program, [(o.region.id, o.indicator.id) for o in obligations],
                                 before_year=reporting_round.year, period_type=reporting_round.period_type)
    qualitative: dict[tuple[int, str], bool] = {}
    lines: list[ImportLine] = []
    unchanged = 0
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
        region, indicator = obligation.region, obligation.indicator
        kind = (indicator.id, region.level)
        if kind not in qualitative:
            qualitative[kind] = indicator.is_qualitative_for(region.level)
        if not qualitative[kind] and row.unit.strip() != (indicator.unit or "").strip():
            errors.append(RowError(row.row, "单位", f"单位「{row.unit}」与指标单位「{indicator.unit or '无'}」不符。"))
            continue
        state = states.get((region.id, indicator.id))
        kept = {column: "" if state is None else getattr(state, name)
                for column, name in zip(OPTIONAL_TEXT, ("explanation", "source", "caliber"), strict=True)
                if column not in parsed.columns}  # a column the sheet lacks leaves the stored text alone
        data_in = ValueInput(number=row.number, qualitative=row.qualitative,
                             explanation=kept.get("情况说明", row.explanation), source=kept.get("数据来源", row.source),
                             caliber=kept.get("统计口径", row.caliber), reason=IMPORT_REASON)
        changes = _changes(state, data_in)
        if state is not None and not changes:  # the round holds exactly this: no revision, whatever its status
            unchanged += 1
            continue
        refusal = None if state is None else value_change_refusal(version=state.version,
                                                                  expected_version=state.version, status=state.status)
        if refusal is not None:
            errors.append(RowError(row.row, "", str(refusal)))
            continue
        previous = last.get((region.id, indicator.id))
        check = check_value_input(indicator=indicator, data=data_in, last_approved=previous[1] if previous else None,
                                  level=region.level, qualitative=qualitative[kind])
        if check.errors:
            errors.extend(RowError(row.row, "本期数值", e) for e in check.errors)
            continue
        lines.append(ImportLine(row.row, region, indicator, data_in, check.warnings,
                                state.version if state is not None else 0, state.id if state is not None else None,
                                changes))
    if not parsed.rows and not errors:
        errors.append(RowError(0, "", "表中没有填写任何数值。"))
    named = {o.indicator.code: o.indicator.full_name for o in obligations}
    name_rows(errors, {row.row: name_subject(row.indicator_code, named.get(row.indicator_code, row.indicator_name))
                       for row in parsed.rows})
    return ImportPreview(lines, errors, unchanged)


def preview_plan(preview: ImportPreview) -> dict[str, Any]:
    """A checked preview as JSON, to be stored with the staged file and applied later."""
    if preview.errors:
        raise ValueError("a preview with row errors has no plan")
    return {"unchanged": preview.unchanged, "lines": [
        {"row": line.row, "region": line.region.id, "indicator": line.indicator.id,
         "number": None if line.data.number is None else str(line.data.number), "qualitative": line.data.qualitative,
         "explanation": line.data.explanation, "source": line.data.source, "caliber": line.data.caliber,
         "warnings": line.warnings, "version": line.version, "value": line.value_id,
         "name": f"{line.region.name} · {line.subject}",
         "changes": [[c.field, c.label, c.old, c.new] for c in line.changes]}
        for line in preview.lines
    ]}


def preview_from_plan(plan: dict[str, Any]) -> ImportPreview:
    """The preview a plan was made from, with its regions and indicators (and their targets) loaded again.

    Three queries; the targets are prefetched because the commit's re-check asks every line's indicator
    whether it is qualitative for the line's level.
    """
    entries = plan["lines"]
    regions = Region.objects.in_bulk({entry["region"] for entry in entries})
    indicators = (Indicator.objects.select_related("parent").prefetch_related("targets")
                  .in_bulk({entry["indicator"] for entry in entries}))
    return ImportPreview([
        ImportLine(
            entry["row"], regions[entry["region"]], indicators[entry["indicator"]],
            ValueInput(number=None if entry["number"] is None else Decimal(entry["number"]),
                       qualitative=entry["qualitative"], explanation=entry["explanation"], source=entry["source"],
                       caliber=entry["caliber"], reason=IMPORT_REASON),
            list(entry["warnings"]), entry["version"], entry["value"],
            tuple(FieldChange(*change) for change in entry["changes"]),
        )
        for entry in entries
    ], [], plan.get("unchanged", 0))


@transaction.atomic
def reporting_import_commit(*, reporting_round: ReportingRound, actor: User, data: bytes,
                            confirm_warnings: bool = False, note: str = "") -> ImportPreview:
    """All or nothing: any bad row (or unconfirmed warning) rejects the whole sheet."""
    preview = reporting_import_check(reporting_round=reporting_round, actor=actor, data=data)
    return reporting_import_apply(reporting_round=reporting_round, actor=actor, preview=preview,
                                  confirm_warnings=confirm_warnings, note=note)


def reporting_import_apply(*, reporting_round: ReportingRound, actor: User, preview: ImportPreview,
                           confirm_warnings: bool = False, note: str = "",
                           staged: StagedImport | None = None) -> ImportPreview:
    """Write a checked preview, all or nothing, after checking again what may have changed since.

    Under a row lock: the round is still open (:func:`apps.reporting.services.require_round_open`, asked again
    in every chunk), the actor may still report every row, no value moved past its previewed version or
    out of an editable status, and every row still passes :func:`check_value_input` against the approved
    values of today. A warning needs ``confirm_warnings`` and a ``note``, which the revision keeps.

    Without ``staged``, in one transaction. With it (the ``staging.commit`` job), in transactions of
    ``ECOCIV_COMMIT_CHUNK_ROWS`` rows, each checked again and written with the import's id; what the changed
    values were before is kept in ``staged.undo`` first, and :func:`reporting_import_compensate` undoes the
    chunks written when a later one is refused.
    """
    confirmed = confirm_warnings and bool(note.strip())
    if preview.errors:
        raise ImportRejected(preview.errors)
    if preview.warnings and not confirmed:
        raise ImportRejected([RowError(w.row, w.column, w.message + "（未确认）") for w in preview.warnings])
    if not preview.lines:  # an unchanged sheet: "0 changes", nothing written
        return preview

    def apply(lines: Sequence[ImportLine]) -> None:
        # every chunk asks again: a commit under way when the office closes the round stops at its next chunk,
        # and the chunks written are undone (all or nothing)
        require_round_open(reporting_round.pk)
        checked = _recheck(reporting_round, actor, list(lines))
        if not confirmed and any(line.warnings for line in checked):  # a warning that appeared since the preview
            raise ImportRejected([RowError(line.row, "本期数值", w + "（未确认）", line.subject)
                                  for line in checked for w in line.warnings])
        _write(reporting_round, actor, [replace(line, data=replace(line.data, note=note)) if line.warnings else line
                                        for line in checked], staged_import_id=staged.pk if staged else None)

    if staged is None:
        with transaction.atomic():
            apply(preview.lines)
    else:
        _remember(staged, preview.lines)
        staged_import_write_chunks(staged, preview.lines, apply)
    return preview


def _remember(staged: StagedImport, lines: list[ImportLine]) -> None:
    """Keep each changed value's version, timestamp and current revision as they are before the first chunk."""
    kept: dict[str, list[object]] = {}
    for chunk in _chunks([line.value_id for line in lines if line.value_id is not None]):
        rows = IndicatorValue.objects.filter(pk__in=chunk).values_list("id", "version", "updated_at",
                                                                       "current_revision_id")
        kept.update((str(pk), [version, at.isoformat(), current]) for pk, version, at, current in rows)
    staged_import_report(staged, undo={"values": kept})


def reporting_import_compensate(staged: StagedImport) -> None:
    """Undo what a values import's chunks wrote: its revisions deleted, the values it created deleted, and the
    values it changed back to their version, timestamp and current revision (unless saved again since)."""
    revisions = ValueRevision.objects.filter(staged_import_id=staged.pk)
    written = dict(revisions.values_list("value_id", "version"))
    if not written:
        return
    created = [pk for pk, version in written.items() if version == 1]
    kept = {int(pk): before for pk, before in staged.undo.get("values", {}).items() if int(pk) in written}
    current = {}
    for chunk in _chunks(list(kept)):
        current.update(IndicatorValue.objects.filter(pk__in=chunk).values_list("id", "version"))
    revisions.delete()
    for chunk in _chunks(created):
        IndicatorValue.objects.filter(pk__in=chunk, revisions__isnull=True).delete()
    restored = [IndicatorValue(pk=pk, version=version, updated_at=dt.datetime.fromisoformat(at),
                               current_revision_id=revision)
                for pk, (version, at, revision) in kept.items() if current.get(pk) == written[pk]]
    IndicatorValue.objects.bulk_update(restored, ["version", "updated_at", "current_revision_id"], batch_size=BATCH // 4)


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start:start + BATCH]


def _recheck(reporting_round: ReportingRound, actor: User, lines: list[ImportLine]) -> list[ImportLine]:
    """The rules a single save enforces, for all rows at once: permission, version, editable status, values."""
    program = reporting_round.program
    allowed = reportable_pairs(actor, program, {(line.region.id, line.indicator.id) for line in lines})
    denied = next((line for line in lines if (line.region.id, line.indicator.id) not in allowed), None)
    if denied is not None:
        raise ImportRejected([RowError(denied.row, "", "您无权填报该指标值。", denied.subject)])
    current: dict[int, tuple[int, str]] = {}
    for chunk in _chunks([line.value_id for line in lines if line.value_id is not None]):
        rows = IndicatorValue.objects.select_for_update().filter(pk__in=chunk).values_list("id", "version", "status")
        current.update((pk, (version, status)) for pk, version, status in rows)
    for line in lines:
        if line.value_id is None:
            continue
        version, status = current.get(line.value_id, (-1, None))
        refusal = value_change_refusal(version=version, expected_version=line.version, status=status)
        if refusal is not None:
            raise ImportRejected([RowError(line.row, "", str(refusal), line.subject)])
    last = last_approved_numbers(program, list({(line.region.id, line.indicator.id) for line in lines}),
                                 before_year=reporting_round.year, period_type=reporting_round.period_type)
    checked, errors = [], []
    qualitative: dict[tuple[int, str], bool] = {}  # asked once per indicator × level, not once per row
    for line in lines:
        previous = last.get((line.region.id, line.indicator.id))
        kind = (line.indicator.id, line.region.level)
        if kind not in qualitative:
            qualitative[kind] = line.indicator.is_qualitative_for(line.region.level)
        check = check_value_input(indicator=line.indicator, data=line.data,
                                  last_approved=previous[1] if previous else None, level=line.region.level,
                                  qualitative=qualitative[kind])
        errors.extend(RowError(line.row, "本期数值", e, line.subject) for e in check.errors)
        checked.append(line if check.warnings == line.warnings else replace(line, warnings=check.warnings))
    if errors:
        raise ImportRejected(errors)
    return checked


#: Fields whose Python value needs the backend's adaptation (the others go to the driver as they are).
ADAPTED = {"DecimalField", "JSONField", "DateTimeField"}


def _insert(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Plain INSERTs of ``columns`` (attnames): ``bulk_create`` without building model instances.

    The other columns take NULL, so every non-null column without a database default must be named.
    PostgreSQL gets one ``COPY``; SQLite, in process, one prepared statement run for every row.
    """
    fields = [model._meta.get_field(name) for name in columns]
    adapters = [field.get_db_prep_save if field.get_internal_type() in ADAPTED else None for field in fields]
    prepared: list[tuple[object, ...]] = []
    last: list[tuple[object, object]] = [(object(), None)] * len(fields)  # a column's constant is adapted once
    for row in rows:
        values = []
        for index, (adapt, value) in enumerate(zip(adapters, row, strict=True)):
            if adapt is not None:
                seen, adapted = last[index]
                if value is not seen:
                    adapted = adapt(value, connection)
                    last[index] = (value, adapted)
                value = adapted
            values.append(value)
        prepared.append(tuple(values))
    quote = connection.ops.quote_name
    table, names = quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:  # psycopg 3
                for row in prepared:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(fields))})"
        for start in range(0, len(prepared), BATCH):
            cursor.executemany(sql, prepared[start:start + BATCH])


def _write(reporting_round: ReportingRound, actor: User, lines: list[ImportLine], *,
           staged_import_id: int | None = None) -> None:
    """New values, version bumps, one revision per row with who/when/why, and the current revision."""
    now = timezone.now()
    period = {"program_id": reporting_round.program_id, "period_type": reporting_round.period_type,
              "year": reporting_round.year, "period_number": reporting_round.period_number}
    new_keys = {(line.region.id, line.indicator.id) for line in lines if line.value_id is None}
    try:
        with transaction.atomic():
            _insert(IndicatorValue, ["program_id", "region_id", "indicator_id", "round_id", "period_type", "year",
                                     "period_number", "status", "version", "updated_at"],
                    ((period["program_id"], region_id, indicator_id, reporting_round.id, period["period_type"],
                      period["year"], period["period_number"], ReviewStatus.DRAFT, 1, now)
                     for region_id, indicator_id in sorted(new_keys)))
    except IntegrityError as exc:  # someone created one of these values since the check
        first = min(line.row for line in lines if (line.region.id, line.indicator.id) in new_keys)
        raise ImportRejected([RowError(first, "", CONFLICT_MESSAGE)]) from exc
    value_ids = {(line.region.id, line.indicator.id): (line.value_id, line.version + 1) for line in lines}
    if new_keys:
        rows = IndicatorValue.objects.filter(
            **period, region_id__in={key[0] for key in new_keys}, indicator_id__in={key[1] for key in new_keys},
        ).values_list("id", "region_id", "indicator_id")
        value_ids.update(((region_id, indicator_id), (pk, 1)) for pk, region_id, indicator_id in rows
                         if (region_id, indicator_id) in new_keys)
    for chunk in _chunks([line.value_id for line in lines if line.value_id is not None]):
        IndicatorValue.objects.filter(pk__in=chunk).update(version=F("version") + 1, updated_at=now)
    _insert(ValueRevision, ["value_id", "number", "qualitative", "explanation", "source", "caliber", "note",
                            "warnings", "reason", "version", "author_id", "at", "staged_import_id"],
            ((*value_ids[(line.region.id, line.indicator.id)][:1], line.data.number, line.data.qualitative,
              line.data.explanation.strip(), line.data.source.strip(), line.data.caliber.strip(),
              line.data.note.strip(), line.warnings, line.data.reason.strip(),
              value_ids[(line.region.id, line.indicator.id)][1], actor.id, now, staged_import_id)
             for line in lines))
    latest = Subquery(ValueRevision.objects.filter(value_id=OuterRef("pk")).order_by("-id").values("id")[:1])
    for chunk in _chunks([pk for pk, _ in value_ids.values()]):
        IndicatorValue.objects.filter(pk__in=chunk).update(current_revision_id=latest)


__all__ = ["FieldChange", "ImportLine", "ImportPreview", "preview_from_plan", "preview_plan",
           "reporting_import_access", "reporting_import_apply", "reporting_import_check", "reporting_import_commit",
           "reporting_import_compensate"]
