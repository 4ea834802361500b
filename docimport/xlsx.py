"""Shared helpers for reading the sheets offices fill in, within bounds.

A workbook is a zip of XML parts. Before openpyxl touches one, :func:`check_workbook` reads only the zip
directory and refuses a workbook whose parts unpack to more than :class:`SheetLimits` allows (a "zip bomb":
a small file of huge, highly repetitive XML). The sizes in the directory cannot understate the work:
``zipfile`` stops reading a part at its declared size and fails its CRC if more was packed. Rows are then
read as a stream (openpyxl's read-only mode), the header first: a sheet without the expected header is
refused before its data rows are read, and a sheet with more data rows than the cap is refused at the first
row past it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast
from xml.etree import ElementTree

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from .errors import RowError


class SheetError(ValueError):
    """The file as a whole cannot be read (not xlsx, no header row …); ``errors`` names the cells, if any."""

    def __init__(self, message: str, errors: list[RowError] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


UNCACHED_FORMULA = "是公式但没有保存计算结果（文件未经 Excel 计算保存）：请在 Excel 中打开并保存后重新上传，或改填数值。"
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")
_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _check_cell(cell: ElementTree.Element, errors: list[RowError]) -> None:
    formula, value = cell.find(f"{_NS}f"), cell.find(f"{_NS}v")
    if formula is not None and (value is None or not (value.text or "").strip()):
        found = _CELL_REF.fullmatch(cell.get("r", ""))
        if found:
            errors.append(RowError(int(found.group(2)), found.group(1), UNCACHED_FORMULA))


def uncached_formulas(data: bytes) -> list[RowError]:
    """Every formula cell of the first sheet that carries no cached result, as a row error.

    The importers read cached results (``data_only``); such a cell reads as empty, so without this check its
    row would be dropped or misread silently.
    """
    errors: list[RowError] = []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = sorted(n for n in archive.namelist() if n.startswith("xl/worksheets/sheet") and n.endswith(".xml"))
            if not names:
                return []
            name = "xl/worksheets/sheet1.xml" if "xl/worksheets/sheet1.xml" in names else names[0]
            with archive.open(name) as sheet:  # streamed: a sheet is never held whole in memory
                for _event, cell in ElementTree.iterparse(sheet):
                    if cell.tag == f"{_NS}c":
                        _check_cell(cell, errors)
                        cell.clear()
    except (zipfile.BadZipFile, KeyError, OSError, ElementTree.ParseError):
        return []  # the workbook reader reports an unreadable file
    return errors


def refuse_uncached_formulas(data: bytes) -> None:
    """Raise a ``SheetError`` naming every formula cell without a cached result (see :func:`uncached_formulas`)."""
    errors = uncached_formulas(data)
    if errors:
        shown = "；".join(f"第{e.row}行{e.column}列" for e in errors[:5]) + ("等" if len(errors) > 5 else "")
        raise SheetError(f"{shown}{UNCACHED_FORMULA}", errors)



@dataclass(frozen=True)
class SheetRow:
    number: int  # the row number as Excel shows it
    cells: dict[str, object]


@dataclass(frozen=True)
class SheetLimits:
    """How much of a workbook a reader will unpack and read (the app passes its settings)."""

    max_unpacked: int = 200 * 1024 * 1024  # bytes of all the parts together, as unpacked
    max_ratio: int = 100  # unpacked size ÷ packed size, over the whole workbook
    max_rows: int = 100_000  # non-empty data rows below the header
    ratio_floor: int = 1024 * 1024  # below this unpacked size, any ratio is harmless (small styles parts)


DEFAULT_LIMITS = SheetLimits()


def check_workbook(data: bytes, limits: SheetLimits = DEFAULT_LIMITS) -> None:
    """Refuse a workbook that would unpack beyond ``limits``, from its zip directory alone (nothing unpacked)."""
    if not data.startswith(b"PK"):
        raise SheetError("文件不是 Excel 工作簿（.xlsx）。")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise SheetError(f"无法读取 Excel 文件：{exc}") from exc
    unpacked = sum(part.file_size for part in parts)
    packed = max(sum(part.compress_size for part in parts), 1)
    if unpacked > limits.max_unpacked:
        raise SheetError(f"工作簿解压后过大（{unpacked / 1048576:.0f} MB），上限为 "
                         f"{limits.max_unpacked / 1048576:.0f} MB；请拆分后分别导入。")
    if unpacked > limits.ratio_floor and unpacked / packed > limits.max_ratio:
        raise SheetError(f"工作簿的压缩比异常（{unpacked // packed} 倍，上限 {limits.max_ratio} 倍），"
                         "不像正常填写的表格，已拒绝。")


def open_workbook(data: bytes, limits: SheetLimits = DEFAULT_LIMITS) -> Any:
    """The workbook in read-only (streaming) mode, after :func:`check_workbook` and
    :func:`refuse_uncached_formulas`; raises :class:`SheetError`."""
    check_workbook(data, limits)
    refuse_uncached_formulas(data)
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise SheetError(f"无法读取 Excel 文件：{exc}") from exc


def sheet_rows(workbook: Any) -> Iterator[tuple[object, ...]]:
    """The first sheet's rows as cell values, one at a time (read as the caller asks for them)."""
    if not workbook.worksheets:
        raise SheetError("工作簿中没有工作表。")
    yield from workbook.worksheets[0].iter_rows(values_only=True)


def too_many_rows(limits: SheetLimits) -> SheetError:
    return SheetError(f"数据超过 {limits.max_rows} 行的上限；请拆分后分别导入。")


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def rows_below_header(rows: Iterable[Sequence[object]], *, required: tuple[str, ...], optional: tuple[str, ...] = (),
                      limits: SheetLimits = DEFAULT_LIMITS) -> Iterator[SheetRow]:
    """The rows below the header row that names the ``required`` columns (a workbook's or a CSV file's), numbered
    from 1 as a spreadsheet shows them; empty rows are skipped.

    The header must be within the first 10 rows; otherwise nothing below them is read.
    """
    lines = iter(rows)
    header_at = None
    columns: dict[str, int] = {}
    for number, row in enumerate(lines, start=1):
        texts = ["".join(cell_text(c).split()) for c in row]
        if all(name in texts for name in required):
            header_at = number
            columns = {name: texts.index(name) for name in (*required, *optional) if name in texts}
            break
        if number >= 10:
            break
    if header_at is None:
        raise SheetError(f"前10行中未找到表头（需要列：{'、'.join(required)}）。")
    count = 0
    for number, row in enumerate(lines, start=header_at + 1):
        cells: dict[str, object] = {name: (row[i] if i < len(row) else None) for name, i in columns.items()}
        if all(cell_text(v) == "" for v in cells.values()):
            continue
        count += 1
        if count > limits.max_rows:
            raise too_many_rows(limits)
        yield SheetRow(number, cells)


def read_rows(data: bytes, *, required: tuple[str, ...], optional: tuple[str, ...] = (),
              limits: SheetLimits = DEFAULT_LIMITS) -> Iterator[SheetRow]:
    """Rows of the first sheet below the header row that names the ``required`` columns
    (:func:`rows_below_header`)."""
    workbook = open_workbook(data, limits)
    try:
        yield from rows_below_header(sheet_rows(workbook), required=required, optional=optional, limits=limits)
    finally:
        workbook.close()


def sheet_cell(sheet: Worksheet | WriteOnlyWorksheet, value: object) -> Cell:
    """The one way an export writes a value into a cell: text is always a text cell, never a formula.

    openpyxl stores a string that starts with ``=`` as a live formula; text from users (a task named
    ``=HYPERLINK(…)``) is written with the string type instead, so no escape character is needed and the
    import reads back exactly what was stored. Characters that XML 1.0 forbids (control characters) are
    dropped, so one bad name cannot make a download unreadable for everyone.
    """
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.data_type = "s"
        return cell
    return WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]  # numbers, dates, None


def sheet_title(text: str) -> str:
    """A worksheet name Excel accepts: at most 31 characters, none of []:*?/\\ nor control characters."""
    cleaned = re.sub(r"[\\[\]:*?/]", "_", ILLEGAL_CHARACTERS_RE.sub("", text)).strip("'")
    return cleaned[:31] or "Sheet"


def sheet_row(sheet: Worksheet | WriteOnlyWorksheet, values: list[object]) -> list[object]:
    """A row for ``sheet.append``: every value through :func:`sheet_cell` (cells already built pass as they are)."""
    return [value if isinstance(value, Cell) else sheet_cell(sheet, value) for value in values]


def split_names(text: str) -> list[str]:
    """Unit names as offices write several in one cell: 市生态环境局、市住建局 (also ，, ; and new lines)."""
    for separator in ("，", ",", "；", ";", "\n", "/"):
        text = text.replace(separator, "、")
    return [part.strip() for part in text.split("、") if part.strip()]


# --- office tables: what an export writes ---------------------------------------------------------------------

#: How an export shows a date: 2026年1月23日 (a real date cell, so Excel still sorts and filters it), and a time.
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
DATETIME_FORMAT = 'yyyy"年"m"月"d"日" hh:mm:ss'
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def chinese_date(value: dt.date) -> str:
    """2026年1月23日: how offices write a date in text (never 2026-01-23)."""
    return f"{value.year}年{value.month}月{value.day}日"


def number_format(places: int) -> str:
    """Thousands separators and ``places`` decimals: ``#,##0.0`` for one."""
    return "#,##0" + ("." + "0" * places if places > 0 else "")


def decimal_places(values: Iterable[object], *, most: int = 4) -> int:
    """The decimals a column needs to show each of its numbers exactly (at most ``most``): one per column."""
    places = 0
    for value in values:
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            continue
        exponent = Decimal(str(value)).normalize().as_tuple().exponent
        if isinstance(exponent, int) and exponent < 0:
            places = max(places, -exponent)
    return min(places, most)


def print_setup(sheet: Worksheet | WriteOnlyWorksheet, *, header_row: int, freeze: str | None = None) -> None:
    """How every export prints: landscape A4, one page wide, the header row repeated on each page, the header
    (and, with ``freeze``, the first column) frozen on screen. A write-only sheet takes it before its first row."""
    # A write-only sheet hands these attributes to its inner worksheet; openpyxl's stubs do not say so.
    sheet = cast(Worksheet, sheet)
    sheet.freeze_panes = freeze or f"A{header_row + 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = 9  # A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.horizontalCentered = True


@dataclass(frozen=True)
class Column:
    """A column of an office table: its header, width (characters) and, for numbers, the decimals it shows
    (``None``: as many as its numbers need, the same for the whole column)."""

    header: str
    width: float = 12
    number: bool = False
    places: int | None = None


@dataclass(frozen=True)
class Table:
    """One sheet: a title row, an optional note row, the header, the rows and an optional 合计 row."""

    name: str
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[object]]  # read once, as a stream, unless a number column needs its decimals found
    note: str = ""
    total: Sequence[object] | None = None
    freeze_first_column: bool = True
    bold_rows: frozenset[int] = frozenset()  # 0-based among ``rows`` (a list's group headings)


def office_cell(sheet: Worksheet | WriteOnlyWorksheet, value: object, *, places: int | None = None) -> Cell:
    """:func:`sheet_cell`, with dates shown as 2026年1月23日 (and a time, if any) and numbers with thousands
    separators and ``places`` decimals (the column's; ``None``: the number's own)."""
    if isinstance(value, dt.datetime):
        value = value.replace(tzinfo=None)
    cell = sheet_cell(sheet, value)
    if isinstance(value, dt.datetime):
        cell.number_format = DATETIME_FORMAT if value.time() != dt.time() else DATE_FORMAT
    elif isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT
    elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        cell.number_format = number_format(decimal_places([value]) if places is None else places)
    return cell


def _table_cell(sheet: WriteOnlyWorksheet, value: object, *, places: int | None, bold: bool = False,
                fill: PatternFill | None = None) -> Cell:
    cell = office_cell(sheet, value, places=places)
    cell.border = BORDER
    cell.alignment = Alignment(vertical="top", wrap_text=isinstance(value, str))
    if bold:
        cell.font = Font(bold=True)
    if fill is not None:
        cell.fill = fill
    return cell


def _write_table(workbook: Workbook, table: Table) -> None:
    sheet = workbook.create_sheet(sheet_title(table.name))
    header_row = 3 if table.note else 2
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    print_setup(sheet, header_row=header_row, freeze=f"B{header_row + 1}" if table.freeze_first_column else None)
    rows = table.rows
    if any(c.number and c.places is None for c in table.columns):
        rows = list(rows)
    places = [(c.places if c.places is not None else decimal_places(row[i] for row in rows)) if c.number
              else None for i, c in enumerate(table.columns)]
    heading = sheet_cell(sheet, table.title)
    heading.font = Font(bold=True, size=14)
    sheet.append([heading])
    if table.note:
        sheet.append([sheet_cell(sheet, table.note)])
    header = []
    for column in table.columns:
        cell = _table_cell(sheet, column.header, places=None, bold=True, fill=HEADER_FILL)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header.append(cell)
    sheet.append(header)
    for index, row in enumerate(rows):
        bold = index in table.bold_rows
        sheet.append([_table_cell(sheet, value, places=p, bold=bold) for value, p in zip(row, places, strict=True)])
    if table.total is not None:
        sheet.append([_table_cell(sheet, value, places=p, bold=True, fill=TOTAL_FILL)
                      for value, p in zip(table.total, places, strict=True)])


def render_tables(tables: Sequence[Table]) -> bytes:
    """Office tables as one workbook, a sheet each, in one streaming pass: every text a text cell (never a
    formula), numbers with thousands separators and one number of decimals per column, dates as 2026年1月23日,
    and each sheet printable (title row, repeated header, landscape, one page wide)."""
    workbook = Workbook(write_only=True)
    for table in tables:
        _write_table(workbook, table)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
