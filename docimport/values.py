"""The reporting value sheet (填报表): one row per region × indicator, read into typed rows + row errors.

Only what a sheet alone can show is checked here (missing columns, non-numbers, unknown status words,
duplicates); the app side resolves codes to objects, checks permissions and the plausibility of numbers.
The layout constants are shared with the template the app renders, so a downloaded template reads back.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .errors import RowError, name_subject
from .xlsx import DEFAULT_LIMITS, SheetError, SheetLimits, cell_text, open_workbook, sheet_rows, too_many_rows

HEADERS = ["区域代码", "区域", "指标编码", "指标名称", "单位", "目标值", "上期审核值", "本期数值", "定性状态",
           "情况说明", "数据来源", "统计口径"]
REQUIRED = ["区域代码", "指标编码", "单位", "本期数值", "定性状态"]
#: Words accepted in the status column → stored status (the values of reporting's QualitativeStatus).
STATUS_WORDS = {"已建立": "achieved", "已达成": "achieved", "已完成": "achieved", "实施中": "in_progress",
                "未开展": "not_started"}
STATUS_CHOICES = ["已建立", "实施中", "未开展"]
HEADER_ROW = 2  # row 1 is the title


@dataclass(frozen=True)
class ValueRow:
    row: int  # as numbered in Excel
    region_code: str
    indicator_code: str
    unit: str
    number: Decimal | None
    qualitative: str  # "" or a QualitativeStatus value
    explanation: str
    source: str
    caliber: str
    indicator_name: str = ""  # as the sheet has it, to name the row in an error


#: The columns a row may leave to the stored value: absent from the sheet, the field is not changed.
OPTIONAL_TEXT = ("情况说明", "数据来源", "统计口径")


@dataclass(frozen=True)
class ParsedValueSheet:
    rows: list[ValueRow]
    errors: list[RowError]
    columns: frozenset[str] = frozenset(HEADERS)  # the known columns the sheet has


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


def read_cells(data: bytes, limits: SheetLimits = DEFAULT_LIMITS) -> list[tuple[object, ...]]:
    """Every row of the first sheet as cell values (the whole cost of reading the file)."""
    workbook = open_workbook(data, limits)
    try:
        return list(sheet_rows(workbook))
    finally:
        workbook.close()


def _header(row: Sequence[object], number: int) -> dict[str, int] | RowError:
    """Each known column's position in the header row, or why that row is not a usable header."""
    header = [cell_text(c) for c in row]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        return RowError(number, "", f"缺少列：{'、'.join(missing)}。")
    return {name: header.index(name) for name in HEADERS if name in header}


def _data_rows(rows: Iterator[tuple[object, ...]]) -> tuple[int, dict[str, int]] | RowError:
    """Read up to the header row (within the first 5 rows): its row number and columns, or the refusal.

    Nothing below the header (or below row 5 when there is none) is read here.
    """
    for number, row in enumerate(rows, start=1):
        if row and "指标编码" in [cell_text(c) for c in row]:
            found = _header(row, number)
            return found if isinstance(found, RowError) else (number, found)
        if number >= 5:
            break
    return RowError(0, "", "未找到表头（须包含「区域代码」「指标编码」等列）。")
def _number_and_status(offset: int, raw_number: object, raw_status: str,
                       row_errors: list[RowError], subject: str = "") -> tuple[Decimal | None, str]:
    """The row's number and qualitative status as read; what cannot be read goes to ``row_errors``."""
    number = None
    if raw_number not in (None, ""):
        try:
            number = _number(raw_number)
        except (InvalidOperation, ValueError):
            row_errors.append(RowError(offset, "本期数值", f"「{cell_text(raw_number)}」不是数字。", subject))
    status = ""
    if raw_status:
        status = STATUS_WORDS.get(raw_status, "")
        if not status:
            row_errors.append(RowError(offset, "定性状态",
                                       f"「{raw_status}」不是可选值（{'、'.join(STATUS_CHOICES)}）。", subject))
    return number, status


def parse_value_sheet(data: bytes, *, limits: SheetLimits = DEFAULT_LIMITS) -> ParsedValueSheet:
    """Rows that carry a number or a status, and the row errors of the sheet itself.

    The rows are read as a stream: the header first (a sheet without it is refused before its data rows
    are read), then at most ``limits.max_rows`` non-empty data rows.
    """
    try:
        workbook = open_workbook(data, limits)
    except SheetError as exc:  # a formula cell without its result is named as its row's error
        return ParsedValueSheet([], exc.errors or [RowError(0, "", str(exc))])
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        return ParsedValueSheet([], [RowError(0, "", f"无法读取 Excel 文件：{exc.__class__.__name__}")])
    try:
        return _parse_rows(sheet_rows(workbook), limits)
    except SheetError as exc:
        return ParsedValueSheet([], [RowError(0, "", str(exc))])
    except Exception as exc:  # a part that breaks only once it is read
        return ParsedValueSheet([], [RowError(0, "", f"无法读取 Excel 文件：{exc.__class__.__name__}")])
    finally:
        workbook.close()


def _parse_rows(rows: Iterator[tuple[object, ...]], limits: SheetLimits) -> ParsedValueSheet:
    found = _data_rows(rows)
    if isinstance(found, RowError):
        return ParsedValueSheet([], [found])
    header_number, col = found

    def cell(values: Sequence[object], name: str) -> object:
        index = col.get(name)
        return values[index] if index is not None and index < len(values) else None

    parsed: list[ValueRow] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str], int] = {}
    count = 0
    for offset, values in enumerate(rows, start=header_number + 1):
        if not values or all(v is None or cell_text(v) == "" for v in values):
            continue
        count += 1
        if count > limits.max_rows:
            raise too_many_rows(limits)
        region_code, indicator_code = cell_text(cell(values, "区域代码")), cell_text(cell(values, "指标编码"))
        raw_number, raw_status = cell(values, "本期数值"), cell_text(cell(values, "定性状态"))
        if raw_number in (None, "") and not raw_status:
            continue  # a prefilled row the unit does not report this time
        row_errors: list[RowError] = []
        subject = name_subject(indicator_code, cell_text(cell(values, "指标名称")))
        if not region_code:
            row_errors.append(RowError(offset, "区域代码", "不能为空。", subject))
        if not indicator_code:
            row_errors.append(RowError(offset, "指标编码", "不能为空。", subject))
        number, status = _number_and_status(offset, raw_number, raw_status, row_errors, subject)
        key = (region_code, indicator_code)
        if region_code and indicator_code:
            if key in seen:
                row_errors.append(RowError(offset, "指标编码", f"与第{seen[key]}行重复（同一区域同一指标）。", subject))
            else:
                seen[key] = offset
        errors.extend(row_errors)
        if not row_errors:
            parsed.append(ValueRow(
                row=offset, region_code=region_code, indicator_code=indicator_code,
                unit=cell_text(cell(values, "单位")), number=number, qualitative=status,
                explanation=cell_text(cell(values, "情况说明")), source=cell_text(cell(values, "数据来源")),
                caliber=cell_text(cell(values, "统计口径")), indicator_name=cell_text(cell(values, "指标名称")),
            ))
    return ParsedValueSheet(parsed, errors, frozenset(col))
