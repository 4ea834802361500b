"""Writes for programs. Every function checks its input, runs atomically and records who/when/why."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Max

from apps.accounts.models import User
from apps.core.errors import DomainError, ImportRejected, RowError
from apps.core.uploads import parse_sheet
from apps.core.validation import check_instances
from apps.geo.models import LEVEL_ORDER, Department, Region, RegionLevel
from apps.geo.selectors import department_lookup, normalise_unit_name
from apps.indicators.models import Direction, Indicator, IndicatorTarget
from apps.staging.diff import RowChange, column_changes
from apps.staging.journal import Journal, journaled_write, row_image
from apps.staging.models import StagedImport
from calc.targets import (
    NoMatchingBranch,
    TargetSyntaxError,
    is_tightening,
    needs_assigned_value,
    parse_target,
    resolve,
)
from docimport.errors import name_rows, name_subject
from docimport.responsibilities import ResponsibilityLine, parse_responsibility_sheet

from .models import (
    AssignedTarget,
    Program,
    ProvinceTarget,
    Responsibility,
    ResponsibilityRole,
    TargetEdit,
    TargetOverride,
)
from .selectors import Undetermined, program_indicators, program_target_edits


def target_syntax_message(exc: TargetSyntaxError) -> str:
    """A target expression's syntax error as an office reads it (the parser's own message is English)."""
    where = f"第{exc.at}个字符附近无法识别" if exc.at else "目标为空"
    return (f"目标表达式有误：{where}。可用目标表单按项填写，或参照写法 >=95、qual:建立、"
            f"trend:stable_or_improving、assigned。")


def _check_target(text: str) -> None:
    try:
        parse_target(text)
    except TargetSyntaxError as exc:
        raise DomainError(target_syntax_message(exc)) from exc


def _require_in_program(program: Program, region: Region) -> None:
    if not region.path.startswith(program.region.path):
        raise DomainError(f"「{region}」不在本创建工作范围内。")


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写调整理由。")
    return reason


@transaction.atomic
def target_edit_set(
    *, program: Program, indicator: Indicator, level: str, target: str, reason: str, actor: User
) -> TargetEdit:
    """Tighten (or restore, with ``target=""``) a national target for the whole program at one level."""
    reason = _require_reason(reason)
    if level not in indicator.scope_levels:
        raise DomainError(f"指标「{indicator.full_name}」不适用于该层级。")
    target = target.strip()
    if target:
        _check_not_looser(indicator, level, target, than="地方目标")
    return TargetEdit.objects.create(
        program=program, indicator=indicator, level=level, target=target, reason=reason, created_by=actor
    )


def _check_not_looser(indicator: Indicator, level: str, target: str, *, than: str) -> None:
    """Refuse a target looser than the national one at ``level`` (``than`` names the refusing layer)."""
    _check_target(target)
    national = indicator.target_for(level)
    if national is not None and is_tightening(parse_target(target), national, direction=indicator.direction) is False:
        raise DomainError(f"{than}「{target}」低于国家目标「{indicator.printed_target(level)}」，只能提高不能降低。")


@transaction.atomic
def province_target_set(
    *, province: Region, indicator: Indicator, level: str, target: str, reason: str, actor: User
) -> ProvinceTarget:
    """Set (or withdraw, with ``target=""``) the province's target for a national indicator at the city or
    county level: a new revision, applying to every program of the province's cities below their local edits."""
    reason = _require_reason(reason)
    if province.level != RegionLevel.PROVINCE:
        raise DomainError("省级目标只能由省设置。")
    if indicator.program_id is not None:
        raise DomainError("省级目标只能针对国家指标体系的指标。")
    if level not in (RegionLevel.CITY, RegionLevel.COUNTY) or level not in indicator.scope_levels:
        raise DomainError(f"指标「{indicator.full_name}」不适用于该层级。")
    target = target.strip()
    if target:
        _check_not_looser(indicator, level, target, than="省级目标")
    return ProvinceTarget.objects.create(province=province, indicator=indicator, level=level, target=target,
                                         reason=reason, created_by=actor)


@transaction.atomic
def local_indicator_add(
    *,
    program: Program,
    name: str,
    domain: str,
    task: str,
    unit: str,
    direction: str,
    binding: bool,
    targets: Mapping[str, str],
    reason: str,
    actor: User,
) -> Indicator:
    """Add a local indicator (地方特色指标) to the program's framework, with a target per level (level → text)."""
    reason = _require_reason(reason)
    if not name.strip():
        raise DomainError("请填写指标名称。")
    if direction not in Direction.values:
        raise DomainError("方向只能是越高越好或越低越好。")
    given = {level: text.strip() for level, text in targets.items() if text.strip()}
    unknown = set(given) - set(RegionLevel.values)
    if unknown:
        raise DomainError(f"未知层级「{'、'.join(sorted(unknown))}」。")
    for text in given.values():
        _check_target(text)
    scope = [level for level in LEVEL_ORDER if level in given]
    if not scope:
        raise DomainError("至少为市级或县级给出目标。")
    indicators = Indicator.objects.filter(framework=program.framework)
    count = Indicator.objects.filter(program=program).count()
    top = indicators.aggregate(n=Max("number"), o=Max("order"))
    indicator = Indicator.objects.create(
        framework=program.framework,
        program=program,
        code=f"P{program.pk}-L{count + 1:02d}",
        number=(top["n"] or 0) + 1,
        name=name.strip(),
        domain=domain.strip() or "地方特色",
        task=task.strip() or "地方特色指标",
        unit=unit.strip(),
        direction=direction,
        binding=binding,
        scope_levels=[level.value for level in scope],
        meta={"local": "true", "reason": reason, "added_by": actor.username},
        order=(top["o"] or 0) + 10,
    )
    targets = [IndicatorTarget(indicator=indicator, level=level, expression=given[level]) for level in scope]
    check_instances(targets)
    IndicatorTarget.objects.bulk_create(targets)
    return indicator


@transaction.atomic
def target_override_set(
    *,
    program: Program,
    region: Region,
    indicator: Indicator,
    target: str = "",
    not_applicable: bool = False,
    clear: bool = False,
    reason: str,
    actor: User,
) -> TargetOverride:
    """Override one region's target, mark it not applicable, or clear an earlier override."""
    reason = _require_reason(reason)
    _require_in_program(program, region)
    target = target.strip()
    if sum([bool(target), not_applicable, clear]) != 1:
        raise DomainError("请给出新目标，或标记不适用，或撤销调整（三选一）。")
    if target:
        _check_target(target)
        try:
            resolve(parse_target(target), region.profile())
        except NoMatchingBranch as exc:
            raise DomainError(f"该目标对「{region}」{Undetermined(exc.attributes, exc.missing).text}") from exc
    return TargetOverride.objects.create(
        program=program, region=region, indicator=indicator, target=target, not_applicable=not_applicable,
        cleared=clear, reason=reason, created_by=actor,
    )


@transaction.atomic
def assigned_target_set(
    *,
    program: Program,
    region: Region,
    indicator: Indicator,
    year: int,
    value: Decimal,
    document: str = "",
    reason: str,
    actor: User,
) -> AssignedTarget:
    """Enter (or correct, as a new revision) the year's number set from above."""
    reason = _require_reason(reason)
    _require_in_program(program, region)
    level = region.level
    texts = [indicator.target_text_for(level)]
    edit = program_target_edits(program).get((indicator.id, level))
    if edit is not None:
        texts.append(edit.target)
    if not any(text and needs_assigned_value(parse_target(text)) for text in texts):
        raise DomainError(f"指标「{indicator.full_name}」的目标不是“完成上级规定的考核任务”，无需录入。")
    if not (program.base_year - 5 <= year <= program.target_year + 10):
        raise DomainError(f"年度 {year} 超出创建工作的时间范围。")
    return AssignedTarget.objects.create(
        program=program, region=region, indicator=indicator, year=year, value=value, document=document.strip(),
        reason=reason, created_by=actor,
    )


# --- responsibility list import ---------------------------------------------------------------

_PUNCT = re.compile(r"[\s（）()【】\[\]《》<>“”\"'：:—\-*＊·.,，、]")


def _key(name: str) -> str:
    return _PUNCT.sub("", name).replace("PM25", "PM2.5").lower()


def _target_key(text: str, indicator: Indicator) -> str:
    """A printed target compared with or without the indicator's unit (sheets write ≥95 and ≥95%)."""
    return _key(text.replace(indicator.unit, "") if indicator.unit else text)


def indicator_name_lookup(indicators: list[Indicator]) -> dict[str, Indicator]:
    """Each way a sheet may name an indicator → it: the name, 母指标：子指标, 母指标-子指标, the code."""
    lookup: dict[str, Indicator] = {}
    ambiguous: set[str] = set()
    for indicator in indicators:
        names = {indicator.name, indicator.code, indicator.full_name}
        if indicator.parent_id:
            names.add(f"{indicator.parent.name}{indicator.name}")
        for name in names:
            key = _key(name)
            if key in lookup and lookup[key].id != indicator.id:
                ambiguous.add(key)
            lookup[key] = indicator
    for key in ambiguous:  # a sub-indicator name shared by two parents must be written in full
        lookup.pop(key)
    return lookup


@dataclass
class ResponsibilityPreview:
    lines: list[ResponsibilityLine]
    errors: list[RowError] = field(default_factory=list)
    resolved: list[tuple[Indicator, list[Department], list[Department]]] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)  # the sheet row of each resolved entry (0: inherited)
    changes: list[RowChange] = field(default_factory=list)  # filled by responsibility_changes
    unchanged: int = 0
    #: the stored rows by indicator id (their images, :func:`apps.staging.journal.row_image`), filled by
    #: responsibility_changes: what a chunk of the commit expects to replace
    stored: dict[int, list[dict[str, object]]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _line_indicator(line: ResponsibilityLine, by_name: dict[str, Indicator], seen: dict[int, int],
                    errors: list[RowError]) -> Indicator | None:
    """The indicator a row names (``seen``: indicator id → first row naming it); errors go to ``errors``."""
    indicator = by_name.get(_key(line.indicator_name)) if line.indicator_name else None
    if not line.indicator_name:
        errors.append(RowError(line.row, "指标名称", "指标名称为空。"))
    elif indicator is None:
        errors.append(RowError(line.row, "指标名称", f"未知指标「{line.indicator_name}」。"))
    elif indicator.id in seen:
        errors.append(RowError(line.row, "指标名称", f"指标「{indicator.full_name}」与第{seen[indicator.id]}行重复。"))
    if indicator is not None:
        seen.setdefault(indicator.id, line.row)
    return indicator


def _line_units(line: ResponsibilityLine, units: dict[str, Department],
                errors: list[RowError]) -> tuple[list[Department], list[Department]]:
    """The row's lead and cooperating units; unknown or repeated names go to ``errors``."""
    leads: list[Department] = []
    cooperators: list[Department] = []
    for column, names, bucket in (("牵头单位", line.leads, leads), ("配合单位", line.cooperators, cooperators)):
        for name in names:
            unit = units.get(normalise_unit_name(name))
            if unit is None:
                errors.append(RowError(line.row, column, f"未知单位「{name}」。"))
            elif unit in leads or unit in cooperators:
                errors.append(RowError(line.row, column, f"单位「{name}」在本行出现两次。"))
            else:
                bucket.append(unit)
    return leads, cooperators


def responsibilities_check(*, program: Program, data: bytes) -> ResponsibilityPreview:
    """Parse and check a 责任清单 sheet against the program; nothing is written."""
    lines = parse_sheet(parse_responsibility_sheet, data)
    preview = ResponsibilityPreview(lines)
    if not lines:
        preview.errors.append(RowError(0, "", "表中没有数据行。"))
        return preview
    indicators = program_indicators(program)
    by_name = indicator_name_lookup(indicators)
    units = department_lookup(program.region)
    seen: dict[int, int] = {}
    for line in lines:
        indicator = _line_indicator(line, by_name, seen, preview.errors)
        if not line.leads and not line.cooperators and indicator is not None:
            continue  # an indicator listed without units (as the export lists one not yet assigned): no change
        if not line.leads:
            preview.errors.append(RowError(line.row, "牵头单位", "牵头单位为空。"))
        leads, cooperators = _line_units(line, units, preview.errors)
        if indicator is not None and line.target_text:
            printed = indicator.printed_target(program.region.level)
            if printed and _target_key(printed, indicator) != _target_key(line.target_text, indicator):
                preview.warnings.append(
                    RowError(line.row, "目标值", f"表中目标「{line.target_text}」与系统目标「{printed}」不一致，以系统为准。")
                )
        if indicator is not None and line.leads and not any(e.row == line.row for e in preview.errors):
            preview.resolved.append((indicator, leads, cooperators))
            preview.rows.append(line.row)
    preview.resolved = _with_sub_indicators(indicators, preview.resolved)
    preview.rows += [0] * (len(preview.resolved) - len(preview.rows))
    subjects = {line.row: name_subject(getattr(by_name.get(_key(line.indicator_name)), "code", ""), line.indicator_name)
                for line in lines}
    name_rows(preview.errors, subjects)
    name_rows(preview.warnings, subjects)
    return preview


def _with_sub_indicators(
    indicators: list[Indicator], resolved: list[tuple[Indicator, list[Department], list[Department]]]
) -> list[tuple[Indicator, list[Department], list[Department]]]:
    """A row naming a parent indicator (环境空气质量) also assigns its sub-indicators (优良天数比例 …).

    Plans list units per indicator; values are reported per sub-indicator, so without this the units of
    环境空气质量 could not report 优良天数比例. A sub-indicator named in the sheet itself keeps its own row.
    """
    named = {indicator.id for indicator, _, _ in resolved}
    subs: dict[int, list[Indicator]] = {}
    for indicator in indicators:
        if indicator.parent_id is not None:
            subs.setdefault(indicator.parent_id, []).append(indicator)
    inherited = [
        (sub, leads, cooperators)
        for indicator, leads, cooperators in resolved
        for sub in subs.get(indicator.id, [])
        if sub.id not in named
    ]
    return resolved + inherited


def responsibility_changes(program: Program, preview: ResponsibilityPreview) -> list[tuple[int, Indicator]]:
    """The (row, indicator) pairs whose lead or cooperating units the sheet changes (old → new in
    ``preview.changes``; an indicator whose units are the same is left alone). One query."""
    stored: dict[int, tuple[list[str], list[str]]] = {}
    preview.stored = {}
    for entry in (Responsibility.objects.filter(program=program).select_related("department")
                  .order_by("role", "order", "id")):
        names = stored.setdefault(entry.indicator_id, ([], []))
        names[0 if entry.role == ResponsibilityRole.LEAD else 1].append(entry.department.name)
        preview.stored.setdefault(entry.indicator_id, []).append(row_image(entry))
    rows = {indicator.id: row for row, (indicator, _, _) in zip(preview.rows, preview.resolved, strict=False)}
    changed = []
    preview.changes = []
    for indicator, leads, cooperators in preview.resolved:
        old = stored.get(indicator.id, ([], []))
        columns = {"牵头单位": "、".join(old[0]), "配合单位": "、".join(old[1])}
        new = {"牵头单位": "、".join(u.name for u in leads), "配合单位": "、".join(u.name for u in cooperators)}
        found = column_changes(columns if indicator.id in stored else None, new, list(new))
        if found:
            row = rows.get(indicator.id, 0)
            preview.changes.append(RowChange(row, indicator.full_name, indicator.id not in stored, found))
            changed.append((row, indicator))
    preview.unchanged = len(preview.resolved) - len(changed)
    return changed


@transaction.atomic
def responsibilities_import(*, program: Program, data: bytes) -> ResponsibilityPreview:
    """Replace the responsibilities of the indicators whose units the sheet changes; all-or-nothing."""
    preview = responsibilities_check(program=program, data=data)
    if not preview.ok:
        raise ImportRejected(preview.errors)
    responsibilities_write(program, preview, responsibility_changes(program, preview))
    return preview


def responsibilities_write(program: Program, preview: ResponsibilityPreview, changed: list[tuple[int, Indicator]],
                           *, staged: StagedImport | None = None) -> None:
    """Replace the responsibilities of the ``changed`` indicators (from :func:`responsibility_changes`).

    Without ``staged``, in one transaction. With it (the ``staging.commit`` job), in transactions of
    ``ECOCIV_COMMIT_CHUNK_ROWS`` indicators, journaled (:mod:`apps.staging.journal`): a chunk refuses an
    indicator whose units someone changed since the plan, and a refused chunk undoes the ones before it.
    """
    ids = {indicator.id for _, indicator in changed}
    entries = [entry for entry in preview.resolved if entry[0].id in ids]

    def write(chunk: Sequence[tuple[Indicator, list[Department], list[Department]]], journal: Journal) -> None:
        indicators = [indicator.id for indicator, _, _ in chunk]
        journal.delete(Responsibility.objects.filter(program=program, indicator_id__in=indicators),
                       [image for indicator in indicators for image in preview.stored.get(indicator, [])])
        journal.create([
            Responsibility(program=program, indicator=indicator, department=unit, role=role, order=order)
            for indicator, leads, cooperators in chunk
            for role, units in ((ResponsibilityRole.LEAD, leads), (ResponsibilityRole.COOPERATE, cooperators))
            for order, unit in enumerate(units)])

    journaled_write(staged, entries, write)


@transaction.atomic
def responsibility_set(
    *, program: Program, indicator: Indicator, leads: list[Department], cooperators: list[Department]
) -> None:
    """Set one indicator's lead and cooperating units (the API's and the demo's single-row write).

    Setting a parent indicator sets its sub-indicators too, as a 责任清单 row naming the parent does.
    """
    if not leads:
        raise DomainError("至少指定一个牵头单位。")
    if set(leads) & set(cooperators):
        raise DomainError("同一单位不能既是牵头单位又是配合单位。")
    for unit in [*leads, *cooperators]:
        if not unit.region.path.startswith(program.region.path):
            raise DomainError(f"单位「{unit}」不属于本创建工作区域。")
    targets = [indicator, *Indicator.objects.filter(parent=indicator)]
    Responsibility.objects.filter(program=program, indicator__in=targets).delete()
    Responsibility.objects.bulk_create(
        [Responsibility(program=program, indicator=target, department=u, role=ResponsibilityRole.LEAD, order=i)
         for target in targets for i, u in enumerate(leads)]
        + [Responsibility(program=program, indicator=target, department=u, role=ResponsibilityRole.COOPERATE,
                          order=i) for target in targets for i, u in enumerate(cooperators)]
    )


