"""The bulk-entry workbook: render a prefilled template, parse a filled one. Pure openpyxl, no ORM.

The service resolves codes to objects and checks permissions; here we only read cells and report
problems a sheet alone can show (missing columns, non-numbers, unknown status words, duplicates).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from apps.core.errors import RowError

HEADERS = ["区域代码", "区域", "指标编码", "指标名称", "单位", "目标值", "上期审核值", "本期数值", "定性状态",
           "情况说明", "数据来源", "统计口径"]
REQUIRED = ["区域代码", "指标编码", "单位", "本期数值", "定性状态"]
#: Words accepted in the status column → stored status.
STATUS_WORDS = {"已建立": "achieved", "已达成": "achieved", "已完成": "achieved", "实施中": "in_progress",
                "未开展": "not_started"}
STATUS_CHOICES = ["已建立", "实施中", "未开展"]
HEADER_ROW = 2  # row 1 is the title


@dataclass(frozen=True)
class TemplateRow:
    region_code: str
    region_name: str
    indicator_code: str
    indicator_name: str
    unit: str
    target: str
    last_approved: str
    qualitative: bool


@dataclass(frozen=True)
class SheetRow:
    row: int  # as numbered in Excel
    region_code: str
    indicator_code: str
    unit: str
    number: Decimal | None
    qualitative: str  # "" or a QualitativeStatus value
    explanation: str
    source: str
    caliber: str


@dataclass(frozen=True)
class ParsedSheet:
    rows: list[SheetRow]
    errors: list[RowError]


def render_template(title: str, rows: list[TemplateRow]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "填报"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(HEADERS)
    for cell in sheet[HEADER_ROW]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for row in rows:
        sheet.append([row.region_code, row.region_name, row.indicator_code, row.indicator_name, row.unit,
                      row.target, row.last_approved, None, None, None, None, None])
        if not row.qualitative:
            sheet.cell(row=sheet.max_row, column=9).fill = PatternFill("solid", fgColor="EEEEEE")
    last = max(sheet.max_row, HEADER_ROW + 1)
    status = DataValidation(type="list", formula1='"' + ",".join(STATUS_CHOICES) + '"', allow_blank=True,
                            showErrorMessage=True, errorTitle="定性状态", error="请从下拉列表中选择。")
    status.add(f"I{HEADER_ROW + 1}:I{last}")
    sheet.add_data_validation(status)
    number = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                            showErrorMessage=True, errorTitle="本期数值", error="请输入不小于0的数字。")
    number.add(f"H{HEADER_ROW + 1}:H{last}")
    sheet.add_data_validation(number)
    for column, width in zip("ABCDEFGHIJKL", [10, 10, 10, 36, 8, 14, 12, 12, 10, 30, 20, 24], strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _number(value: object) -> Decimal:
    if isinstance(value, bool):
        raise InvalidOperation
    if isinstance(value, int | float):
        return Decimal(str(value))
    text = str(value).strip().replace(",", "").rstrip("%％").strip()
    number = Decimal(text)
    if not number.is_finite():
        raise InvalidOperation
    return number


def parse_sheet(data: bytes) -> ParsedSheet:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        return ParsedSheet([], [RowError(0, "", f"无法读取 Excel 文件：{exc.__class__.__name__}")])
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header_index = next((i for i, r in enumerate(rows[:5]) if r and "指标编码" in [_text(c) for c in r]), None)
    if header_index is None:
        return ParsedSheet([], [RowError(0, "", "未找到表头（须包含「区域代码」「指标编码」等列）。")])
    header = [_text(c) for c in rows[header_index]]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        return ParsedSheet([], [RowError(header_index + 1, "", f"缺少列：{'、'.join(missing)}。")])
    col = {name: header.index(name) for name in HEADERS if name in header}

    def cell(values: tuple, name: str) -> object:
        index = col.get(name)
        return values[index] if index is not None and index < len(values) else None

    parsed: list[SheetRow] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str], int] = {}
    for offset, values in enumerate(rows[header_index + 1:], start=header_index + 2):
        if not values or all(v is None or _text(v) == "" for v in values):
            continue
        region_code, indicator_code = _text(cell(values, "区域代码")), _text(cell(values, "指标编码"))
        raw_number, raw_status = cell(values, "本期数值"), _text(cell(values, "定性状态"))
        if raw_number in (None, "") and not raw_status:
            continue  # a prefilled row the unit does not report this time
        row_errors: list[RowError] = []
        if not region_code:
            row_errors.append(RowError(offset, "区域代码", "不能为空。"))
        if not indicator_code:
            row_errors.append(RowError(offset, "指标编码", "不能为空。"))
        number = None
        if raw_number not in (None, ""):
            try:
                number = _number(raw_number)
            except (InvalidOperation, ValueError):
                row_errors.append(RowError(offset, "本期数值", f"「{_text(raw_number)}」不是数字。"))
        status = ""
        if raw_status:
            status = STATUS_WORDS.get(raw_status, "")
            if not status:
                row_errors.append(RowError(offset, "定性状态", f"「{raw_status}」不是可选值（{'、'.join(STATUS_CHOICES)}）。"))
        key = (region_code, indicator_code)
        if region_code and indicator_code:
            if key in seen:
                row_errors.append(RowError(offset, "指标编码", f"与第{seen[key]}行重复（同一区域同一指标）。"))
            else:
                seen[key] = offset
        errors.extend(row_errors)
        if not row_errors:
            parsed.append(SheetRow(
                row=offset, region_code=region_code, indicator_code=indicator_code,
                unit=_text(cell(values, "单位")), number=number, qualitative=status,
                explanation=_text(cell(values, "情况说明")), source=_text(cell(values, "数据来源")),
                caliber=_text(cell(values, "统计口径")),
            ))
    return ParsedSheet(parsed, errors)
