"""Shared helpers for reading the sheets offices fill in."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from openpyxl import load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet


class SheetError(ValueError):
    """The file as a whole cannot be read (not xlsx, no header row …)."""


@dataclass(frozen=True)
class SheetRow:
    number: int  # the row number as Excel shows it
    cells: dict[str, object]


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_rows(data: bytes, *, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> Iterator[SheetRow]:
    """Rows of the first sheet below the header row that names the ``required`` columns."""
    if not data.startswith(b"PK"):
        raise SheetError("文件不是 Excel 工作簿（.xlsx）。")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise SheetError(f"无法读取 Excel 文件：{exc}") from exc
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header_at = None
    columns: dict[str, int] = {}
    for number, row in enumerate(rows, start=1):
        texts = ["".join(cell_text(c).split()) for c in row]
        if all(name in texts for name in required):
            header_at = number
            columns = {name: texts.index(name) for name in (*required, *optional) if name in texts}
            break
        if number >= 10:
            break
    if header_at is None:
        raise SheetError(f"前10行中未找到表头（需要列：{'、'.join(required)}）。")
    for number, row in enumerate(rows, start=header_at + 1):
        cells: dict[str, object] = {name: (row[i] if i < len(row) else None) for name, i in columns.items()}
        if all(cell_text(v) == "" for v in cells.values()):
            continue
        yield SheetRow(number, cells)
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
