"""The sheets of scoring, read into typed rows and written back (pure).

The scoring scheme sheet (评分细则表), read into :class:`calc.scoring.sheet.ItemRow`: 考核内容, 序号, 考核指标, 分值,
计分规则 are required; 数据来源, 规则参数 and 其他设置 optional. The download writes every column, so download →
upload gives the same scheme (:func:`calc.scoring.sheet.apply_rows`).

The office facts sheet (考核事实), read into :class:`FactRow`: 考核对象 (a unit's name), 考核期, 事实键 and 依据 are
required; 分项, 数值, 等级 and 不涉及 optional. Resolving the unit is the app's job.

The same workbook's second sheet 人工评分 holds the points of the scheme's manual items, read into
:class:`ManualRow`: 考核对象, 考核期, 评分项编码, 得分 and 理由 are required; 评分项 (the item's name) and 满分 (its
points) are written by the download for the office to read and are not read back. Whether the points are within
the item's range is the app's check (it knows the scheme). A workbook without that sheet has no manual points.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Protocol, TypeVar

from calc.scoring.sheet import COLUMNS, NAME, NUMBER, OTHER, PARAMS, REQUIRED, ItemRow

from .errors import RowError
from .xlsx import (
    DEFAULT_LIMITS,
    Column,
    SheetLimits,
    SheetRow,
    Table,
    cell_text,
    open_workbook,
    read_rows,
    render_tables,
    rows_below_header,
)

__all__ = [
    "FactRow",
    "FactWorkbook",
    "ManualRow",
    "parse_fact_sheet",
    "parse_fact_workbook",
    "parse_scheme_sheet",
    "render_fact_sheet",
    "render_scheme_xlsx",
]

WIDTHS = {NAME: 28, PARAMS: 60, OTHER: 40, NUMBER: 8}
R = TypeVar("R")


def parse_scheme_sheet(
    data: bytes, limits: SheetLimits = DEFAULT_LIMITS
) -> tuple[list[ItemRow], list[RowError]]:
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
            errors.append(
                RowError(line.number, NUMBER, f"与第{seen[row.code]}行重复：序号须唯一。", row.code)
            )
            continue
        seen[row.code] = line.number
        rows.append(row)
    return rows, errors


def render_scheme_xlsx(title: str, note: str, rows: Iterable[ItemRow]) -> bytes:
    """The scheme sheet as the upload reads it (a title and a note row above the header; literal cells only)."""
    return render_tables([_table("评分细则", title, note, COLUMNS, WIDTHS, 16, rows)])


class _Cells(Protocol):
    def cells(self) -> Mapping[str, object]: ...


def _table(
    name: str,
    title: str,
    note: str,
    columns: Sequence[str],
    widths: Mapping[str, int],
    width: int,
    rows: Iterable[_Cells],
) -> Table:
    """A sheet of ``rows`` (their ``cells()`` by column) below a title and a note, as the upload reads it back;
    a column is ``widths`` wide, else ``width``."""
    return Table(
        name,
        title,
        [Column(c, widths.get(c, width)) for c in columns],
        ([row.cells()[c] for c in columns] for row in rows),
        note=note,
        freeze_first_column=False,
    )


# --- office facts ----------------------------------------------------------------------------------

UNIT, PERIOD, KEY, PART, VALUE, TEXT, NA, REASON = (
    "考核对象",
    "考核期",
    "事实键",
    "分项",
    "数值",
    "等级",
    "不涉及",
    "依据",
)
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
        return {
            UNIT: self.unit,
            PERIOD: self.period,
            KEY: self.key,
            PART: self.part,
            VALUE: _text(self.value),
            TEXT: self.text,
            NA: "是" if self.na else "",
            REASON: self.reason,
        }


def _text(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def _number(text: str, places: Decimal | None = None) -> Decimal | None:
    """A finite number below 10⁹ as written (commas allowed), with at most ``places`` decimals when given (e.g.
    ``Decimal("0.000001")``), or None (empty or not such a number)."""
    try:
        value = Decimal(text.replace(",", "")) if text else None
    except InvalidOperation:
        return None
    if value is None or not value.is_finite() or abs(value) >= 10**9:
        return None
    if places is not None and value != value.quantize(places):
        return None
    return value


def _check_subject(
    number: int, cells: Mapping[str, str], required: Iterable[str], subject: str, errors: list[RowError]
) -> None:
    """The row errors every facts and manual row is checked for first: the required cells and the period."""
    for column in required:
        if not cells[column]:
            errors.append(RowError(number, column, f"{column}不能为空。", subject))
    if not _PERIOD.fullmatch(cells[PERIOD]):
        errors.append(RowError(number, PERIOD, "考核期应为2025、2025-H1或2025-03这样的写法。", subject))


def _check_lengths(
    number: int,
    cells: Mapping[str, str],
    limits: Iterable[tuple[str, int]],
    subject: str,
    errors: list[RowError],
) -> None:
    for column, limit in limits:
        if len(cells[column]) > limit:
            errors.append(RowError(number, column, f"不能超过{limit}个字。", subject))


def _unique(
    lines: Iterable[SheetRow],
    parse: Callable[[SheetRow, list[RowError]], R | None],
    key: Callable[[R], tuple[str, ...]],
    column: str,
    subject: Callable[[R], str],
    errors: list[RowError],
) -> list[R]:
    """The rows ``parse`` reads from ``lines`` (None: skipped, its errors, if any, added), the same ``key`` twice
    being an error on the later row."""
    rows: list[R] = []
    seen: dict[tuple[str, ...], int] = {}
    for line in lines:
        row = parse(line, errors)
        if row is None:
            continue
        if key(row) in seen:
            errors.append(RowError(line.number, column, f"与第{seen[key(row)]}行重复。", subject(row)))
            continue
        seen[key(row)] = line.number
        rows.append(row)
    return rows


def _fact(line: SheetRow, errors: list[RowError]) -> FactRow | None:
    cells = {column: cell_text(line.cells.get(column)) for column in FACT_COLUMNS}
    if not any(cells[c] for c in (VALUE, TEXT, NA, REASON)):
        return None  # a row left to fill (the download offers one per missing fact): nothing to enter
    subject = f"{cells[UNIT]} {cells[KEY]}".strip()
    found = len(errors)
    _check_subject(line.number, cells, (UNIT, KEY, REASON), subject, errors)
    value = _number(cells[VALUE], Decimal("0.000001"))
    if value is None and cells[VALUE]:
        errors.append(RowError(line.number, VALUE, "数值应为数字，最多6位小数。", subject))
    na = cells[NA] in _YES
    if cells[NA] and not na and cells[NA] not in {"否", "0"}:
        errors.append(RowError(line.number, NA, "不涉及一栏填“是”或留空。", subject))
    if value is None and not cells[TEXT] and not na and not any(e.column == VALUE for e in errors[found:]):
        errors.append(RowError(line.number, VALUE, "请填写数值或等级，或在“不涉及”一栏填“是”。", subject))
    _check_lengths(line.number, cells, ((KEY, 80), (PART, 80), (TEXT, 40), (REASON, 300)), subject, errors)
    if len(errors) > found:
        return None
    return FactRow(
        line.number,
        cells[UNIT],
        cells[PERIOD],
        cells[KEY],
        cells[PART],
        value,
        cells[TEXT],
        na,
        cells[REASON],
    )


def parse_fact_sheet(
    data: bytes, limits: SheetLimits = DEFAULT_LIMITS
) -> tuple[list[FactRow], list[RowError]]:
    """The sheet's office facts and its row errors (the same subject, period, key and part twice is an error on
    the later row)."""
    optional = tuple(c for c in FACT_COLUMNS if c not in FACT_REQUIRED)
    return _facts(read_rows(data, required=FACT_REQUIRED, optional=optional, limits=limits))


def _facts(lines: Iterable[SheetRow]) -> tuple[list[FactRow], list[RowError]]:
    errors: list[RowError] = []
    rows = _unique(
        lines,
        _fact,
        lambda row: (row.unit, row.period, row.key, row.part),
        KEY,
        lambda row: f"{row.unit} {row.key}",
        errors,
    )
    return rows, errors


def render_fact_sheet(
    title: str, note: str, rows: Iterable[FactRow], manual: tuple[str, str, Iterable[ManualRow]] | None = None
) -> bytes:
    """The office facts workbook as the import reads it: the facts sheet (the rows the office has entered and the
    ones to fill) and, with ``manual`` (its title, note and rows), the 人工评分 sheet."""
    tables = [_table(FACT_SHEET, title, note, FACT_COLUMNS, {UNIT: 22, KEY: 30, REASON: 40}, 12, rows)]
    if manual is not None:
        manual_title, manual_note, manual_rows = manual
        widths = {UNIT: 22, ITEM_NAME: 30, REASON_M: 40}
        tables.append(
            _table(MANUAL_SHEET, manual_title, manual_note, MANUAL_COLUMNS, widths, 12, manual_rows)
        )
    return render_tables(tables)


# --- manual points (the same workbook's second sheet) ------------------------------------------------

FACT_SHEET, MANUAL_SHEET = "考核事实", "人工评分"
ITEM, ITEM_NAME, POINTS, MAX, REASON_M = "评分项编码", "评分项", "得分", "满分", "理由"
MANUAL_COLUMNS = (UNIT, PERIOD, ITEM, ITEM_NAME, POINTS, MAX, REASON_M)
MANUAL_REQUIRED = (UNIT, PERIOD, ITEM, POINTS, REASON_M)


@dataclass(frozen=True)
class ManualRow:
    """The points of one manual item for one subject as the 人工评分 sheet has it, with the reason. ``name`` and
    ``max`` are what the download shows of the item (not read back). A row with neither points nor a reason is a
    row left to fill and is skipped; an import never clears points."""

    row: int
    unit: str
    period: str
    item: str
    points: Decimal | None
    reason: str
    name: str = ""
    max: Decimal | None = None

    def cells(self) -> dict[str, object]:
        return {
            UNIT: self.unit,
            PERIOD: self.period,
            ITEM: self.item,
            ITEM_NAME: self.name,
            POINTS: _text(self.points),
            MAX: _text(self.max),
            REASON_M: self.reason,
        }


def _manual(line: SheetRow, errors: list[RowError]) -> ManualRow | None:
    cells = {column: cell_text(line.cells.get(column)) for column in MANUAL_COLUMNS}
    if not cells[POINTS] and not cells[REASON_M]:
        return None  # a row left to fill (the download offers one per subject and item without points)
    subject = f"{MANUAL_SHEET}：{cells[UNIT]} {cells[ITEM]}".strip()
    found = len(errors)
    _check_subject(line.number, cells, (UNIT, ITEM, POINTS, REASON_M), subject, errors)
    points = _number(cells[POINTS])  # its range and decimals are checked against the item by the app
    if points is None and cells[POINTS]:
        errors.append(RowError(line.number, POINTS, "得分应为数字。", subject))
    _check_lengths(line.number, cells, ((ITEM, 60), (REASON_M, 300)), subject, errors)
    if len(errors) > found:
        return None
    return ManualRow(
        line.number, cells[UNIT], cells[PERIOD], cells[ITEM], points, cells[REASON_M], cells[ITEM_NAME]
    )


@dataclass(frozen=True)
class FactWorkbook:
    """The facts workbook as read: its facts, its manual points, and the row errors of both sheets (an error of
    the 人工评分 sheet names the sheet in its subject)."""

    facts: list[FactRow]
    manual: list[ManualRow]
    errors: list[RowError]


def parse_fact_workbook(data: bytes, limits: SheetLimits = DEFAULT_LIMITS) -> FactWorkbook:
    """The facts sheet (the sheet 考核事实, else the first) and the 人工评分 sheet, if any, read in one opening
    (the same subject, period and item twice on the 人工评分 sheet is an error on the later row)."""
    workbook = open_workbook(data, limits)
    try:
        names = workbook.sheetnames
        first = workbook[FACT_SHEET] if FACT_SHEET in names else workbook.worksheets[0]
        optional = tuple(c for c in FACT_COLUMNS if c not in FACT_REQUIRED)
        facts, errors = _facts(
            rows_below_header(
                first.iter_rows(values_only=True), required=FACT_REQUIRED, optional=optional, limits=limits
            )
        )
        manual: list[ManualRow] = []
        if MANUAL_SHEET in names and workbook[MANUAL_SHEET] is not first:
            lines = rows_below_header(
                workbook[MANUAL_SHEET].iter_rows(values_only=True),
                required=MANUAL_REQUIRED,
                optional=(ITEM_NAME, MAX),
                limits=limits,
            )
            manual = _unique(
                lines,
                _manual,
                lambda row: (row.unit, row.period, row.item),
                ITEM,
                lambda row: f"{MANUAL_SHEET}：{row.unit} {row.item}",
                errors,
            )
    finally:
        workbook.close()
    return FactWorkbook(facts, manual, errors)
