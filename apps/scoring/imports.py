"""A scheme's new version as a staged import (see :mod:`apps.staging.registry`): kind ``scoring.scheme``.

Upload a scheme (its TOML file, or the 评分细则表 xlsx in the 考核内容/序号/考核指标/分值/数据来源 layout) on the page
of the scheme it changes → the check reads it (:func:`calc.scoring.schemefile.loads`, or
:func:`docimport.scoring.parse_scheme_sheet` + :func:`calc.scoring.sheet.apply_rows` onto the latest version),
refuses it with its problems as row errors, and plans old → new per item (points, rule, parameters, …) → confirm
→ the commit checks the stored file again against the latest version and stores it as the next version. Old
runs keep the version they scored.

The office's facts workbook as a staged import: kind ``scoring.facts``. Its sheet 考核事实 (office facts, their keys
checked against the scheme: :func:`apps.scoring.services.fact_keys`) and its sheet 人工评分 (the manual items'
points, checked as :func:`apps.scoring.services.manual_set` checks them) → row errors, or old → new per fact and per
manual entry → confirm → one write of each (all or nothing). The scheme is the staged import's ``scheme`` option
(the page and the scheme's API route); the program's route has none.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from apps.accounts.models import User
from apps.core.errors import DomainError, ImportRejected
from apps.core.uploads import parse_sheet
from apps.geo.models import Department
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
from docimport.scoring import (
    FACT_COLUMNS,
    MANUAL_SHEET,
    FactRow,
    ManualRow,
    parse_fact_workbook,
    parse_scheme_sheet,
)
from docimport.scoring import ITEM as MANUAL_ITEM
from docimport.scoring import KEY as FACT_KEY
from docimport.scoring import PERIOD as MANUAL_PERIOD
from docimport.scoring import POINTS as MANUAL_POINTS
from docimport.scoring import REASON_M as MANUAL_REASON
from docimport.scoring import UNIT as FACT_UNIT

from .models import ManualScore, OfficeFact, Scheme
from .services import (
    FactEntry,
    ManualEntry,
    check_period,
    fact_key_problem,
    fact_keys,
    latest_version,
    manual_problem,
    manual_scores_set,
    office_facts_set,
    scheme_save,
    subject_units,
)

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


# --- office facts and manual points ----------------------------------------------------------------


def fact_row(fact: OfficeFact) -> FactRow:
    """A stored office fact as the sheet writes it (the download, and the old side of old → new)."""
    return FactRow(0, fact.department.name, fact.period, fact.key, fact.part, fact.value, fact.text, fact.na,
                   fact.reason)


def manual_row(entry: ManualScore, name: str = "", points: Decimal | None = None) -> ManualRow:
    """Stored manual points as the 人工评分 sheet writes them (``name`` and ``points``: the item's)."""
    return ManualRow(0, entry.department.name, entry.period, entry.item, entry.points, entry.reason, name, points)


@dataclass(frozen=True)
class FactPlan:
    """What a facts workbook writes (its changed facts and manual points, resolved) and its plan."""

    facts: list[FactEntry]
    manual: list[ManualEntry]
    plan: dict[str, Any]


def fact_scheme(staged: StagedImport) -> Scheme | None:
    """The scheme a facts workbook was uploaded for (the page's and the scheme route's); None through the
    program's route, where the keys of all its schemes count and the 人工评分 sheet needs the program's one scheme."""
    if not staged.options.get("scheme"):
        return None
    scheme = Scheme.objects.filter(program=staged.program, pk=staged.options["scheme"]).first()
    if scheme is None:
        raise DomainError("评分细则不存在。")
    return latest_version(scheme)


def _only_scheme(program: Program) -> Scheme | None:
    codes = set(Scheme.objects.filter(program=program).values_list("code", flat=True))
    if len(codes) != 1:
        return None
    return Scheme.objects.filter(program=program).order_by("-version").first()


def _fact_plan(staged: StagedImport) -> FactPlan:
    """The workbook's changed facts and manual points resolved to the program's units, and the plan: old → new
    per changed fact and per changed manual points; every problem a row error (all or nothing)."""
    book = parse_sheet(parse_fact_workbook, staged_import_read(staged))
    errors, rows = book.errors, book.facts
    scheme = fact_scheme(staged)
    keys = fact_keys(staged.program, scheme)
    units = subject_units(staged.program)
    entries, changes, unchanged = [], [], 0
    stored = {(f.department_id, f.period, f.key, f.part): f for f in OfficeFact.objects.filter(
        program=staged.program, period__in={r.period for r in rows}).select_related("department")}
    for row in rows:
        unit = units.get(row.unit)
        if unit is None:
            errors.append(RowError(row.row, FACT_UNIT, f"「{row.unit}」不是本创建工作的县区政府或部门。", row.unit))
            continue
        problem = fact_key_problem(row.key, keys)
        if problem:
            errors.append(RowError(row.row, FACT_KEY, problem, f"{row.unit} {row.key}"))
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
    errors.sort(key=lambda e: e.row)
    manual, manual_errors, manual_changes, manual_unchanged = _manual_plan(staged, book.manual, scheme, units)
    if errors or manual_errors:
        raise ImportRejected(errors + sorted(manual_errors, key=lambda e: e.row))
    return FactPlan(entries, manual, changes_plan(changes + manual_changes, unchanged + manual_unchanged))


def _manual_plan(staged: StagedImport, rows: list[ManualRow], scheme: Scheme | None, units: dict[str, Department],
                 ) -> tuple[list[ManualEntry], list[RowError], list[RowChange], int]:
    """The 人工评分 sheet's changed points (checked as :func:`manual_set` checks them), its row errors, old → new
    per changed entry and how many rows change nothing."""
    if not rows:
        return [], [], [], 0
    scheme = scheme or _only_scheme(staged.program)
    if scheme is None:
        return [], [RowError(rows[0].row, MANUAL_ITEM, "本创建工作有多个评分细则，人工评分请在该细则的“考核事实与人工评分”"
                                                       "页面（或其 API 路径 schemes/{id}/facts/import）导入。",
                             MANUAL_SHEET)], [], 0
    data, code = scheme.data, scheme.code
    stored = {(m.department_id, m.period, m.item): m for m in ManualScore.objects.filter(
        program=staged.program, scheme_code=code, period__in={r.period for r in rows}).select_related("department")}
    entries, errors, changes, unchanged = [], [], [], 0
    for row in rows:
        subject = f"{MANUAL_SHEET}：{row.unit} {row.item}"
        unit = units.get(row.unit)
        if unit is None:
            errors.append(RowError(row.row, FACT_UNIT, f"「{row.unit}」不是本创建工作的县区政府或部门。", subject))
            continue
        try:
            check_period(data, row.period)
        except DomainError as error:
            errors.append(RowError(row.row, MANUAL_PERIOD, str(error), subject))
            continue
        assert row.points is not None  # the parser refuses a row with a reason and no points
        field, problem = manual_problem(data, row.item, row.points, unit)
        if problem:
            errors.append(RowError(row.row, MANUAL_POINTS if field == "points" else MANUAL_ITEM, problem, subject))
            continue
        old = stored.get((unit.id, row.period, row.item))
        fields = column_changes(manual_row(old).cells() if old else None, row.cells(), (MANUAL_POINTS, MANUAL_REASON))
        if fields:
            entries.append(ManualEntry(department=unit, period=row.period, item=row.item, points=row.points,
                                       reason=row.reason))
            changes.append(RowChange(row.row, f"{MANUAL_SHEET}：{unit.name} {row.period} {row.item}", old is None,
                                     fields))
        else:
            unchanged += 1
    return entries, errors, changes, unchanged


def _check_facts(staged: StagedImport, _report: ReportProgress) -> Checked:
    found = _fact_plan(staged)
    plan = found.plan
    return Checked(plan=plan, rows=len(found.facts) + len(found.manual) + plan["unchanged"],
                   summary=f"{len(plan['changes'])}条有变化，{plan['unchanged']}条无变化")


def _commit_facts(staged: StagedImport, actor: User) -> Committed:
    found = _fact_plan(staged)
    staged_plan_current(staged, found.plan)
    written = office_facts_set(program=staged.program, actor=actor, entries=found.facts)
    manual = 0
    if found.manual:
        scheme = fact_scheme(staged) or _only_scheme(staged.program)
        assert scheme is not None  # the plan refused manual points without one
        manual = manual_scores_set(program=staged.program, scheme=scheme, entries=found.manual, actor=actor)
    return Committed(result={"written": written, "manual": manual, "unchanged": found.plan["unchanged"]})


def authorize_facts(actor: User, program: Program, _options: dict[str, object]) -> None:
    require_manage(actor, program, "只有生态办管理员可以录入考核事实。")


register_kind(StagedKind(FACTS, authorize=authorize_facts, check=_check_facts, commit=_commit_facts))
