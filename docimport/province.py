"""The province sheet of 完成上级规定的考核任务 numbers: one row per city × indicator for one year.

Columns: 城市, 区划代码, 指标代码, 指标名称, 年度, 现值, 状态, 考核任务值, 下达文件. The sheet the province downloads
has them all; a row is read by its 区划代码, 指标代码 and 年度, its 考核任务值 (empty: left as it is) and 下达文件
(empty: the current document is kept). 城市, 指标名称, 现值 and 状态 are for the reader and are not read back. Checking codes against the database is the service's job.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .errors import RowError
from .values import _number
from .xlsx import DEFAULT_LIMITS, SheetLimits, cell_text, read_rows

COLUMNS = ("城市", "区划代码", "指标代码", "指标名称", "年度", "现值", "状态", "考核任务值", "下达文件")
REQUIRED = ("区划代码", "指标代码", "年度", "考核任务值")


@dataclass(frozen=True)
class AssignedLine:
    """One row: the city (by its code), the indicator (by its code), the year and the new number (None: empty)."""

    row: int
    city_code: str
    city_name: str
    indicator_code: str
    year: int
    value: Decimal | None
    document: str


@dataclass(frozen=True)
class ParsedAssignedSheet:
    lines: list[AssignedLine]
    errors: list[RowError]


def parse_assigned_sheet(data: bytes, *, limits: SheetLimits = DEFAULT_LIMITS) -> ParsedAssignedSheet:
    """Every non-empty row, with a row error for a missing code, a year or a number that is not one."""
    lines: list[AssignedLine] = []
    errors: list[RowError] = []
    optional = tuple(c for c in COLUMNS if c not in REQUIRED)
    for row in read_rows(data, required=REQUIRED, optional=optional, limits=limits):
        city = cell_text(row.cells.get("区划代码"))
        code = cell_text(row.cells.get("指标代码"))
        subject = f"{cell_text(row.cells.get('城市')) or city} {code}".strip()
        year_text = cell_text(row.cells.get("年度"))
        raw = row.cells.get("考核任务值")
        found = len(errors)
        if not city:
            errors.append(RowError(row.number, "区划代码", "缺少区划代码。", subject))
        if not code:
            errors.append(RowError(row.number, "指标代码", "缺少指标代码。", subject))
        year = int(year_text) if year_text.isdigit() and len(year_text) == 4 else 0
        if not year:
            errors.append(RowError(row.number, "年度", f"年度「{year_text}」应为四位数字。", subject))
        value: Decimal | None = None
        if cell_text(raw):
            try:
                value = _number(raw)
            except (InvalidOperation, ValueError):
                errors.append(RowError(row.number, "考核任务值", f"「{cell_text(raw)}」不是数字。", subject))
        if len(errors) > found:
            continue
        lines.append(AssignedLine(row=row.number, city_code=city, city_name=cell_text(row.cells.get("城市")),
                                  indicator_code=code, year=year, value=value,
                                  document=cell_text(row.cells.get("下达文件"))))
    return ParsedAssignedSheet(lines, errors)
