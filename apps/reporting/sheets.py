"""The bulk-entry workbook: render a prefilled template in one streaming pass. Pure openpyxl, no ORM.

The layout (columns, status words) is :mod:`docimport.values`, which reads the filled template back.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties

from docimport.values import HEADER_ROW, HEADERS, STATUS_CHOICES

WIDTHS = [10, 10, 10, 36, 8, 14, 12, 12, 10, 30, 20, 24]
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
NOT_APPLICABLE_FILL = PatternFill("solid", fgColor="EEEEEE")


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


def _text_cell(sheet: object, value: str) -> object:
    """A text cell that is never a formula: openpyxl would store ``=…`` from the data as one."""
    if not value.startswith("="):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def render_template(title: str, rows: Sequence[TemplateRow]) -> bytes:
    """One pass in openpyxl's write-only mode: time linear in the rows, the layout set before the first row."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("填报")
    for column, width in zip("ABCDEFGHIJKL", WIDTHS, strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    last = HEADER_ROW + max(len(rows), 1)
    status = DataValidation(type="list", formula1='"' + ",".join(STATUS_CHOICES) + '"', allow_blank=True,
                            showErrorMessage=True, errorTitle="定性状态", error="请从下拉列表中选择。")
    status.add(f"I{HEADER_ROW + 1}:I{last}")
    sheet.data_validations.append(status)
    number = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                            showErrorMessage=True, errorTitle="本期数值", error="请输入不小于0的数字。")
    number.add(f"H{HEADER_ROW + 1}:H{last}")
    sheet.data_validations.append(number)

    heading = WriteOnlyCell(sheet, value=title)
    heading.font = Font(bold=True, size=14)
    sheet.append([heading])
    header_cells = []
    for name in HEADERS:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        status_cell = None
        if not row.qualitative:
            status_cell = WriteOnlyCell(sheet)
            status_cell.fill = NOT_APPLICABLE_FILL
        sheet.append([_text_cell(sheet, row.region_code), _text_cell(sheet, row.region_name),
                      _text_cell(sheet, row.indicator_code), _text_cell(sheet, row.indicator_name),
                      _text_cell(sheet, row.unit), _text_cell(sheet, row.target),
                      _text_cell(sheet, row.last_approved), None, status_cell])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
