"""The sheets of scoring, read into typed rows and written back (pure).

The scoring scheme sheet (评分细则表), read into :class:`calc.scoring.sheet.ItemRow`: 考核内容, 序号, 考核指标, 分值,
计分规则 are required; 数据来源, 规则参数 and 其他设置 optional. The download writes every column, so download →
upload gives the same scheme (:func:`calc.scoring.sheet.apply_rows`).

The office facts sheet (考核事实), read into :class:`FactRow`: 考核对象 (a unit's name), 考核期, 事实键 and 依据 are
required; 分项, 数值, 等级 and 不涉及 optional. Resolving the unit is the app's job.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from calc.scoring.sheet import COLUMNS, NAME, NUMBER, OTHER, PARAMS, REQUIRED, ItemRow

from .errors import RowError
from .xlsx import DEFAULT_LIMITS, Column, SheetLimits, SheetRow, Table, cell_text, read_rows, render_tables

__all__ = ["FactRow", "parse_fact_sheet", "parse_scheme_sheet", "render_fact_sheet", "render_scheme_xlsx"]

WIDTHS = {NAME: 28, PARAMS: 60, OTHER: 40, NUMBER: 8}


def parse_scheme_sheet(data: bytes, limits: SheetLimits = DEFAULT_LIMITS) -> tuple[list[ItemRow], list[RowError]]:
    """The sheet's item rows and its row errors (a 序号 given twice is an error on the later row)."""
    rows: list[ItemRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    optional = tuple(c for c in COLUMNS if c not in REQUIRED)
    for line in read_rows(data, required=REQUIRED, optional=optional, limits=limits):
        cells = [cell_text(line.cells.get(column)) for column in COLUMNS]
        row = ItemRow(line.number, *cells)
        if not row.code:
            errors.append(RowError(line.number, NUMBER, "序号（评分项编码）不能为空。", row.name))
            continue
        if row.code in seen:
            errors.append(RowError(line.number, NUMBER, f"与第{seen[row.code]}行重复：序号须唯一。", row.code))
            continue
        seen[row.code] = line.number
        rows.append(row)
    return rows, errors


def render_scheme_xlsx(title: str, note: str, rows: Iterable[ItemRow]) -> bytes:
    """The scheme sheet as the upload reads it (a title and a note row above the header; literal cells only)."""
    table = Table("评分细则", title, [Column(c, WIDTHS.get(c, 16)) for c in COLUMNS],
                  ([row.cells()[c] for c in COLUMNS] for row in rows), note=note, freeze_first_column=False)
    return render_tables([table])


# --- office facts ----------------------------------------------------------------------------------

UNIT, PERIOD, KEY, PART, VALUE, TEXT, NA, REASON = "考核对象", "考核期", "事实键", "分项", "数值", "等级", "不涉及", "依据"
FACT_COLUMNS = (UNIT, PERIOD, KEY, PART, VALUE, TEXT, NA, REASON)
FACT_REQUIRED = (UNIT, PERIOD, KEY, REASON)
_PERIOD = re.compile(r"\d{4}(-H[12]|-(0[1-9]|1[0-2]))?")
_YES = {"是", "√", "1", "不涉及"}


@dataclass(frozen=True)
class FactRow:
    """One office fact as the sheet has it: a subject (unit name), period, key and part, and a value, a category
    or 不涉及, with its basis. A row with none of these and no basis is a row left to fill and is skipped; one with a
    basis but none of value, category and 不涉及 is an error (an import never clears a fact)."""

    row: int
    unit: str
    period: str
    key: str
    part: str
    value: Decimal | None
    text: str
    na: bool
    reason: str

    def cells(self) -> dict[str, object]:
        return {UNIT: self.unit, PERIOD: self.period, KEY: self.key, PART: self.part,
                VALUE: "" if self.value is None else format(self.value.normalize(), "f"), TEXT: self.text,
                NA: "是" if self.na else "", REASON: self.reason}


def _value(text: str) -> Decimal | None:
    """A fact's number (at most 6 decimals, below 10⁹), or None (empty or not such a number)."""
    try:
        value = Decimal(text.replace(",", "")) if text else None
    except InvalidOperation:
        return None
    if value is None or not value.is_finite() or value != value.quantize(Decimal("0.000001")) or abs(value) >= 10**9:
        return None
    return value


def _fact(line: SheetRow, errors: list[RowError]) -> FactRow | None:
    cells = {column: cell_text(line.cells.get(column)) for column in FACT_COLUMNS}
    if not any(cells[c] for c in (VALUE, TEXT, NA, REASON)):
        return None  # a row left to fill (the download offers one per missing fact): nothing to enter
    subject = f"{cells[UNIT]} {cells[KEY]}".strip()
    found = len(errors)
    for column in (UNIT, KEY, REASON):
        if not cells[column]:
            errors.append(RowError(line.number, column, f"{column}不能为空。", subject))
    if not _PERIOD.fullmatch(cells[PERIOD]):
        errors.append(RowError(line.number, PERIOD, "考核期应为2025、2025-H1或2025-03这样的写法。", subject))
    value = _value(cells[VALUE])
    if value is None and cells[VALUE]:
        errors.append(RowError(line.number, VALUE, "数值应为数字，最多6位小数。", subject))
    na = cells[NA] in _YES
    if cells[NA] and not na and cells[NA] not in {"否", "0"}:
        errors.append(RowError(line.number, NA, "不涉及一栏填“是”或留空。", subject))
    if value is None and not cells[TEXT] and not na and not any(e.column == VALUE for e in errors[found:]):
        errors.append(RowError(line.number, VALUE, "请填写数值或等级，或在“不涉及”一栏填“是”。", subject))
    for column, limit in ((KEY, 80), (PART, 80), (TEXT, 40), (REASON, 300)):
        if len(cells[column]) > limit:
            errors.append(RowError(line.number, column, f"不能超过{limit}个字。", subject))
    if len(errors) > found:
        return None
    return FactRow(line.number, cells[UNIT], cells[PERIOD], cells[KEY], cells[PART], value, cells[TEXT], na,
                   cells[REASON])


def parse_fact_sheet(data: bytes, limits: SheetLimits = DEFAULT_LIMITS) -> tuple[list[FactRow], list[RowError]]:
    """The sheet's office facts and its row errors (the same subject, period, key and part twice is an error on
    the later row)."""
    rows: list[FactRow] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str, str, str], int] = {}
    optional = tuple(c for c in FACT_COLUMNS if c not in FACT_REQUIRED)
    for line in read_rows(data, required=FACT_REQUIRED, optional=optional, limits=limits):
        row = _fact(line, errors)
        if row is None:
            continue
        key = (row.unit, row.period, row.key, row.part)
        if key in seen:
            errors.append(RowError(row.row, KEY, f"与第{seen[key]}行重复。", f"{row.unit} {row.key}"))
            continue
        seen[key] = row.row
        rows.append(row)
    return rows, errors


def render_fact_sheet(title: str, note: str, rows: Iterable[FactRow]) -> bytes:
    """The office facts sheet as the import reads it (the rows the office has entered and the ones to fill)."""
    widths = {UNIT: 22, KEY: 30, REASON: 40}
    table = Table("考核事实", title, [Column(c, widths.get(c, 12)) for c in FACT_COLUMNS],
                  ([row.cells()[c] for c in FACT_COLUMNS] for row in rows), note=note, freeze_first_column=False)
    return render_tables([table])
