"""The province sheet of 完成上级规定的考核任务 numbers: every city of the province in one sheet.

A target "完成上级规定的考核任务" compares a city's value with the year's number set by the province
(``apps.programs.models.AssignedTarget``). Until now each city office typed the province's numbers into its own
program; here the province, which sets them, enters them once for all its cities: download the sheet (one row
per city × indicator whose resolved target needs the number, for a year: the current number and whether it is
entered), fill in 考核任务值, upload → preview (old → new per row, or row errors) → confirm → commit, all or
nothing, through apps.staging (kind ``province.assigned``).

The province is the source of these numbers: what it enters is the number, with no review step (there is
nothing to check it against). Each entry is a new revision (who, when, why: "省级录入"), written by
:func:`apps.programs.services.assigned_target_set` like the city office's own entries, so the history keeps both
and the latest one counts. A row names a city by its 区划代码; a city with two programs (national and provincial
titles) gets the number in each program whose target needs it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from apps.accounts.models import User
from apps.core.errors import RowError
from apps.core.uploads import parse_sheet
from apps.geo.models import Region
from apps.indicators.models import Indicator
from apps.programs import services as program_services
from apps.programs.models import AssignedTarget, Program
from apps.programs.selectors import assigned_values, program_indicators, resolve_targets
from apps.staging.diff import RowChange, column_changes
from docimport.province import COLUMNS, AssignedLine, parse_assigned_sheet
from docimport.xlsx import Column, Table, render_tables

from .selectors import city_programs

#: The reason every revision entered through the sheet carries.
REASON = "省级录入（全省考核任务表）"
#: The columns compared for old → new.
COMPARED = ("考核任务值", "下达文件")


@dataclass(frozen=True)
class Slot:
    """Where a city's number for one indicator goes: a program of the city and the indicator (in its framework)."""

    program: Program
    indicator: Indicator


def sheet_slots(province: Region) -> dict[tuple[str, str], list[Slot]]:
    """Per (city code, indicator code): the programs of the city whose resolved target for the city needs the
    province's number (a few queries per city program: the sheet is not a page)."""
    slots: dict[tuple[str, str], list[Slot]] = defaultdict(list)
    for program in city_programs(province):
        indicators = [i for i in program_indicators(program) if i.scope_levels]
        resolved = resolve_targets(program, [program.region], indicators)
        for indicator in indicators:
            target = resolved.get((program.region_id, indicator.id))
            if target is not None and target.applicable and target.needs_assigned:
                slots[(program.region.code, indicator.code)].append(Slot(program, indicator))
    return slots


def _current(slots: dict[tuple[str, str], list[Slot]]) -> dict[tuple[int, int, int], AssignedTarget]:
    """The current number per (program id, indicator id, year) of the programs in ``slots``."""
    found: dict[tuple[int, int, int], AssignedTarget] = {}
    for program in {s.program.id: s.program for group in slots.values() for s in group}.values():
        for (_region, indicator_id, year), number in assigned_values(program, regions=[program.region]).items():
            found[(program.id, indicator_id, year)] = number
    return found


def _text(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def sheet_download(province: Region, year: int) -> tuple[bytes, str]:
    """The sheet for ``year``: one row per city × indicator needing the number, readable back by the import."""
    slots = sheet_slots(province)
    current = _current(slots)
    rows = []
    for (city_code, code), group in sorted(slots.items()):
        first = group[0]
        number = current.get((first.program.id, first.indicator.id, year))
        value = _text(number.value) if number is not None else ""
        rows.append([first.program.region.name, city_code, code, first.indicator.full_name, year, value,
                     "已录入" if number is not None else "未录入", value, number.document if number else ""])
    table = Table(name="考核任务", title=f"{province.name}{year}年度完成上级规定的考核任务（各市）",
                  note="按区划代码、指标代码和年度读取“考核任务值”（留空则不变）和“下达文件”；其余列仅供参考。",
                  columns=[Column(name, width) for name, width in zip(COLUMNS, (12, 12, 12, 36, 8, 12, 10, 14, 24),
                                                                      strict=True)],
                  rows=rows)
    return render_tables([table]), f"{province.name}{year}年度考核任务.xlsx"


@dataclass
class SheetPreview:
    """What an upload would write: per line the slots it fills; the row errors; old → new per changed row."""

    lines: list[AssignedLine]
    errors: list[RowError] = field(default_factory=list)
    writes: list[tuple[AssignedLine, Slot]] = field(default_factory=list)
    changes: list[RowChange] = field(default_factory=list)
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def sheet_check(*, province: Region, data: bytes) -> SheetPreview:
    """Parse and resolve the sheet; row errors for an unknown city, an indicator whose target needs no number
    there, a year outside the program's, a row given twice. Writes nothing."""
    parsed = parse_sheet(parse_assigned_sheet, data)
    preview = SheetPreview(parsed.lines, list(parsed.errors))
    slots = sheet_slots(province)
    current = _current(slots)
    cities = {code for code, _indicator in slots}
    seen: dict[tuple[str, str, int], int] = {}
    for line in parsed.lines:
        subject = f"{line.city_name or line.city_code} {line.indicator_code}"
        key = (line.city_code, line.indicator_code, line.year)
        if key in seen:
            preview.errors.append(RowError(line.row, "指标代码", f"与第{seen[key]}行重复。", subject))
            continue
        seen[key] = line.row
        group = slots.get((line.city_code, line.indicator_code))
        if group is None:
            message = (f"指标「{line.indicator_code}」对该市的目标不是“完成上级规定的考核任务”，无需录入。"
                       if line.city_code in cities else f"区划代码「{line.city_code}」不是本省设有创建工作的市。")
            preview.errors.append(RowError(line.row, "指标代码" if line.city_code in cities else "区划代码",
                                           message, subject))
            continue
        outside = [s.program for s in group
                   if not s.program.base_year - 5 <= line.year <= s.program.target_year + 10]
        if outside:
            preview.errors.append(RowError(line.row, "年度", f"年度 {line.year} 超出「{outside[0].name}」的时间范围。",
                                           subject))
            continue
        changed = False
        for slot in group:
            if line.value is None:
                continue
            old = current.get((slot.program.id, slot.indicator.id, line.year))
            document = line.document or (old.document if old else "")
            before = None if old is None else {"考核任务值": _text(old.value), "下达文件": old.document}
            changes = column_changes(before, {"考核任务值": _text(line.value), "下达文件": document}, COMPARED)
            if changes:
                preview.writes.append((line, slot))
                if not changed:
                    preview.changes.append(RowChange(line.row, f"{group[0].program.region.name} "
                                                     f"{slot.indicator.full_name} {line.year}年", old is None,
                                                     changes))
                changed = True
        if not changed:
            preview.unchanged += 1
    preview.errors.sort(key=lambda e: e.row)
    return preview


def sheet_write(*, preview: SheetPreview, actor: User) -> int:
    """Write the preview's numbers as new revisions (inside the staged commit's one transaction)."""
    for line, slot in preview.writes:
        if line.value is None:  # a line without a number plans no write
            continue
        old_document = ""
        if not line.document:
            current = assigned_values(slot.program, regions=[slot.program.region]).get(
                (slot.program.region_id, slot.indicator.id, line.year))
            old_document = current.document if current else ""
        program_services.assigned_target_set(
            program=slot.program, region=slot.program.region, indicator=slot.indicator, year=line.year,
            value=line.value, document=line.document or old_document, reason=REASON, actor=actor)
    return len(preview.writes)


def default_year(today: dt.date) -> int:
    return today.year
