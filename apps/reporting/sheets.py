"""The bulk-entry workbook: render a prefilled template in one streaming pass. Pure openpyxl, no ORM.

The layout (columns, status words) is :mod:`docimport.values`, which reads the filled template back.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from docimport.values import HEADER_ROW, HEADERS, STATUS_CHOICES
from docimport.xlsx import HEADER_FILL, print_setup, sheet_cell, sheet_row

WIDTHS = [10, 10, 10, 36, 8, 14, 12, 12, 10, 30, 20, 24]
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
    # What the round already holds for the pair, so an unchanged sheet imports as "no change".
    number: Decimal | None = None
    qualitative_word: str = ""  # a word of STATUS_CHOICES
    explanation: str = ""
    source: str = ""
    caliber: str = ""


def _exact(number: Decimal) -> bool:
    """Whether a float carries ``number`` exactly back (the import reads a float cell as ``str(float)``)."""
    return Decimal(str(float(number))) == number and abs(number) < 10**15


def render_template(title: str, rows: Sequence[TemplateRow]) -> bytes:
    """One pass in openpyxl's write-only mode: time linear in the rows, the layout set before the first row."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("填报")
    for column, width in zip("ABCDEFGHIJKL", WIDTHS, strict=True):
        sheet.column_dimensions[column].width = width
    print_setup(sheet, header_row=HEADER_ROW, freeze=f"E{HEADER_ROW + 1}")
    last = HEADER_ROW + max(len(rows), 1)
    status = DataValidation(type="list", formula1='"' + ",".join(STATUS_CHOICES) + '"', allow_blank=True,
                            showErrorMessage=True, errorTitle="定性状态", error="请从下拉列表中选择。")
    status.add(f"I{HEADER_ROW + 1}:I{last}")
    sheet.data_validations.append(status)
    number = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                            showErrorMessage=True, errorTitle="本期数值", error="请输入不小于0的数字。")
    number.add(f"H{HEADER_ROW + 1}:H{last}")
    sheet.data_validations.append(number)

    heading = sheet_cell(sheet, title)
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
        if status_cell is not None and row.qualitative_word:
            status_cell.value = row.qualitative_word
        figure = row.number if row.number is None else float(row.number) if _exact(row.number) else str(row.number)
        sheet.append(sheet_row(sheet, [
            row.region_code, row.region_name, row.indicator_code, row.indicator_name, row.unit, row.target,
            row.last_approved, figure, status_cell if status_cell is not None else row.qualitative_word,
            row.explanation, row.source, row.caliber]))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
