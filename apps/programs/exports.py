"""Excel renderers for program lists; they take plain rows and never touch the ORM."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from docimport.responsibilities import COLUMNS
from docimport.xlsx import BORDER, HEADER_FILL, print_setup, sheet_row


@dataclass(frozen=True)
class ResponsibilityExportRow:
    number: str
    indicator: str
    target: str
    leads: Sequence[str]
    cooperators: Sequence[str]


def render_responsibility_xlsx(title: str, rows: Sequence[ResponsibilityExportRow]) -> bytes:
    """The 责任清单 in the layout offices use, readable back by the import."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "责任清单"
    sheet.append(sheet_row(sheet, [title]))
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=5)
    sheet["A1"].font = Font(name="方正小标宋简体", size=16, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 32
    sheet.append(sheet_row(sheet, list(COLUMNS)))
    for cell in sheet[2]:
        cell.font = Font(name="黑体", bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in rows:
        sheet.append(sheet_row(sheet, [row.number, row.indicator, row.target, "、".join(row.leads),
                                       "、".join(row.cooperators)]))
        for cell in sheet[sheet.max_row]:
            cell.border = BORDER
            cell.font = Font(name="仿宋_GB2312", size=11)
            cell.alignment = Alignment(vertical="center", wrap_text=True)
    for column, width in zip("ABCDE", (8, 40, 28, 30, 50), strict=True):
        sheet.column_dimensions[column].width = width
    print_setup(sheet, header_row=2, freeze="C3")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
