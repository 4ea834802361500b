"""A scheme's new version as a staged import (see :mod:`apps.staging.registry`): kind ``scoring.scheme``.

Upload a scheme (its TOML file, or the 评分细则表 xlsx in the 考核内容/序号/考核指标/分值/数据来源 layout) on the page
of the scheme it changes → the check reads it (:func:`calc.scoring.schemefile.loads`, or
:func:`docimport.scoring.parse_scheme_sheet` + :func:`calc.scoring.sheet.apply_rows` onto the latest version),
refuses it with its problems as row errors, and plans old → new per item (points, rule, parameters, …) → confirm
→ the commit checks the stored file again against the latest version and stores it as the next version. Old
runs keep the version they scored.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from apps.accounts.models import User
from apps.core.errors import DomainError, ImportRejected
from apps.core.uploads import parse_sheet
from apps.jobs.registry import ReportProgress
from apps.programs.access import require_manage
from apps.programs.models import Program
from apps.staging.diff import RowChange, changes_plan, column_changes
from apps.staging.models import StagedImport
from apps.staging.registry import Checked, Committed, StagedKind, register_kind
from apps.staging.services import staged_import_read, staged_plan_current
from calc.scoring.scheme import Scheme as SchemeData
from calc.scoring.schemefile import SchemeError, dumps, loads, to_data
from calc.scoring.sheet import COLUMNS, ItemRow, apply_rows, item_rows, row_of
from calc.scoring.toml_writer import inline
from docimport.errors import RowError
from docimport.scoring import FACT_COLUMNS, FactRow, parse_fact_sheet, parse_scheme_sheet
from docimport.scoring import UNIT as FACT_UNIT

from .models import OfficeFact, Scheme
from .services import FactEntry, latest_version, office_facts_set, scheme_save, subject_units

SCHEME = "scoring.scheme"
FACTS = "scoring.facts"
SETTINGS = "细则设置"


def scheme_errors(error: SchemeError, rows: list[ItemRow] | None = None) -> list[RowError]:
    """A scheme's problems as row errors: an item's on its sheet row (when read from a sheet), others on row 0."""
    errors = []
    for problem in error.problems:
        row = row_of(problem, rows) if rows else None
        errors.append(RowError(row.row if row else 0, problem.field, problem.message, problem.where))
    return errors


def _settings(data: SchemeData) -> dict[str, str]:
    """What a scheme holds besides its items (head, grades, adjustments), one text per part, for old → new."""
    whole = to_data(data)
    head = dict(whole["scheme"])  # type: ignore[call-overload]
    head.pop("version", None)
    return {"scheme": inline(head), "grade": inline({"grade": whole["grade"]}),
            "adjustment": inline({"adjustment": whole.get("adjustment", [])})}


def scheme_changes(old: SchemeData, new: SchemeData) -> tuple[list[RowChange], int]:
    """Old → new per item (by code: changed, added, removed) and the scheme's settings; and how many items
    stay as they were."""
    before = {row.code: row for row in item_rows(old)}
    changes, unchanged = [], 0
    for number, row in enumerate(item_rows(new), start=1):
        previous = before.pop(row.code, None)
        fields = column_changes(previous.cells() if previous else None, row.cells(), COLUMNS)
        if fields:
            changes.append(RowChange(number, f"{row.code} {row.name}", previous is None, fields))
        else:
            unchanged += 1
    for row in before.values():
        changes.append(RowChange(0, f"{row.code} {row.name}（删除）", False,
                                 column_changes(row.cells(), dict.fromkeys(COLUMNS, ""), COLUMNS)))
    settings = column_changes(_settings(old), _settings(new), ("scheme", "grade", "adjustment"))
    if settings:
        changes.append(RowChange(0, SETTINGS, False, settings))
    return changes, unchanged


def read_version(staged: StagedImport) -> tuple[Scheme, SchemeData]:
    """The latest version of the scheme the import changes, and the uploaded scheme as its next version."""
    base = Scheme.objects.filter(program=staged.program, pk=staged.options.get("scheme")).first()
    if base is None:
        raise DomainError("评分细则不存在。")
    latest = latest_version(base)
    data = staged_import_read(staged)
    version = latest.version + 1
    if staged.file_format == "xlsx":
        rows, errors = parse_sheet(parse_scheme_sheet, data)
        if errors:
            raise ImportRejected(errors)
        try:
            return latest, apply_rows(latest.data, rows, version=version)
        except SchemeError as error:
            raise ImportRejected(scheme_errors(error, rows)) from error
    try:
        new = loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise ImportRejected([RowError(0, "", "TOML 文件应为 UTF-8 编码。")]) from error
    except SchemeError as error:
        raise ImportRejected(scheme_errors(error)) from error
    if new.code != latest.code:
        raise ImportRejected([RowError(0, "scheme.code", f"编码为「{new.code}」，应为本细则的「{latest.code}」。")])
    return latest, replace(new, version=version)


def _plan(latest: Scheme, new: SchemeData) -> dict[str, Any]:
    changes, unchanged = scheme_changes(latest.data, new)
    return changes_plan(changes, unchanged)


def _check(staged: StagedImport, _report: ReportProgress) -> Checked:
    latest, new = read_version(staged)
    plan = _plan(latest, new)
    if not plan["changes"]:
        raise ImportRejected([RowError(0, "", f"与第{latest.version}版相同，无需保存新版本。")])
    return Checked(plan=plan, rows=len(new.items),
                   summary=f"第{new.version}版：{len(plan['changes'])}项有变化，{plan['unchanged']}项无变化")


def _commit(staged: StagedImport, actor: User) -> Committed:
    latest, new = read_version(staged)
    staged_plan_current(staged, _plan(latest, new))
    text = staged_import_read(staged).decode("utf-8") if staged.file_format == "toml" else ""
    stored = scheme_save(program=staged.program, text=_versioned(text, new), actor=actor, sources=latest.sources)
    return Committed(result={"scheme": stored.pk, "version": stored.version},
                     summary=f"已保存为第{stored.version}版")


def _versioned(text: str, new: SchemeData) -> str:
    """The uploaded TOML text as is (its comments kept) when it already names the new version, else the scheme
    written out (:func:`dumps`) with it."""
    if text:
        try:
            if loads(text) == new:
                return text
        except SchemeError:
            pass
    return dumps(new)


def authorize(actor: User, program: Program, _options: dict[str, object]) -> None:
    require_manage(actor, program, "只有生态办管理员可以修改评分细则。")


register_kind(StagedKind(SCHEME, authorize=authorize, check=_check, commit=_commit,
                         formats=frozenset({"xlsx", "toml"})))


# --- office facts ---------------------------------------------------------------------------------


def fact_row(fact: OfficeFact) -> FactRow:
    """A stored office fact as the sheet writes it (the download, and the old side of old → new)."""
    return FactRow(0, fact.department.name, fact.period, fact.key, fact.part, fact.value, fact.text, fact.na,
                   fact.reason)


def _fact_plan(staged: StagedImport) -> tuple[list[FactEntry], dict[str, Any]]:
    """The sheet's changed facts resolved to the program's units, and the plan: old → new per changed fact."""
    rows, errors = parse_sheet(parse_fact_sheet, staged_import_read(staged))
    units = subject_units(staged.program)
    entries, changes, unchanged = [], [], 0
    stored = {(f.department_id, f.period, f.key, f.part): f for f in OfficeFact.objects.filter(
        program=staged.program, period__in={r.period for r in rows}).select_related("department")}
    for row in rows:
        unit = units.get(row.unit)
        if unit is None:
            errors.append(RowError(row.row, FACT_UNIT, f"「{row.unit}」不是本创建工作的县区政府或部门。", row.unit))
            continue
        old = stored.get((unit.id, row.period, row.key, row.part))
        fields = column_changes(fact_row(old).cells() if old else None, replace(row, unit=unit.name).cells(),
                                FACT_COLUMNS)
        if fields:
            entries.append(FactEntry(department=unit, period=row.period, key=row.key, value=row.value,
                                     text=row.text, na=row.na, reason=row.reason, part=row.part))
            changes.append(RowChange(row.row, f"{unit.name} {row.period} {row.key}{' ' + row.part if row.part else ''}",
                                     old is None, fields))
        else:
            unchanged += 1
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: e.row))
    return entries, changes_plan(changes, unchanged)


def _check_facts(staged: StagedImport, _report: ReportProgress) -> Checked:
    entries, plan = _fact_plan(staged)
    return Checked(plan=plan, rows=len(entries) + plan["unchanged"],
                   summary=f"{len(plan['changes'])}条有变化，{plan['unchanged']}条无变化")


def _commit_facts(staged: StagedImport, actor: User) -> Committed:
    entries, plan = _fact_plan(staged)
    staged_plan_current(staged, plan)
    written = office_facts_set(program=staged.program, actor=actor, entries=entries)
    return Committed(result={"written": written, "unchanged": plan["unchanged"]})


def authorize_facts(actor: User, program: Program, _options: dict[str, object]) -> None:
    require_manage(actor, program, "只有生态办管理员可以录入考核事实。")


register_kind(StagedKind(FACTS, authorize=authorize_facts, check=_check_facts, commit=_commit_facts))
