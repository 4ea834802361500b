"""Downloads of the portal: what is published, as CSV and xlsx (formula-safe, printable)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.properties import PageSetupProperties

from docimport.xlsx import sheet_row, sheet_title

INDICATOR_HEADERS = ["区划代码", "区域", "领域", "序号", "指标", "单位", "指标属性", "目标值", "数值", "达标情况",
                     "数据来源", "数据日期"]
INDICATOR_WIDTHS = [12, 12, 12, 8, 40, 10, 10, 16, 12, 10, 24, 12]
PROJECT_HEADERS = ["序号", "项目名称", "类别", "县区", "建设地点", "责任单位", "开工时间", "完工时间", "总投资（万元）",
                   "状态", "形象进度（%）"]
PROJECT_WIDTHS = [8, 36, 14, 12, 20, 20, 12, 12, 14, 10, 12]

#: A CSV cell starting with one of these is read as a formula by spreadsheets; it gets a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def indicator_rows(snapshot: dict[str, Any]) -> list[list[object]]:
    """One row per region × indicator of a published indicator snapshot; numbers stay exact decimals."""
    meta = {i["number"]: i for i in snapshot["indicators"]}
    rows: list[list[object]] = []
    for region in snapshot["regions"]:
        for cell in snapshot["values"].get(region["code"], []):
            indicator = meta[cell["number"]]
            value: object = Decimal(cell["value"]) if cell["value"] is not None else cell["qualitative"]
            rows.append([region["code"], region["name"], indicator["domain"], cell["number"], indicator["name"],
                         indicator["unit"], "约束性" if indicator["binding"] else "预期性", cell["target"], value,
                         cell["status_label"], cell["source"], cell["as_of"] or ""])
    return rows


def project_rows(snapshot: dict[str, Any]) -> list[list[object]]:
    return [[p["number"], p["name"], p["category"], p["region"], p["location"], p["department"], p["start"], p["end"],
             Decimal(p["total_investment"]) if p["total_investment"] is not None else None, p["status_label"],
             p["percent"]] for p in snapshot["projects"]]


def csv_safe(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


def render_csv(headers: list[str], rows: Iterable[list[object]]) -> bytes:
    """UTF-8 with a BOM (so Excel opens the Chinese correctly), every cell formula-safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([csv_safe(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def render_xlsx(sheets: list[tuple[str, list[str], list[int], list[list[object]]]]) -> bytes:
    """One sheet per (title, headers, widths, rows): title row, repeated header, landscape, fitted to width."""
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for title, headers, widths, rows in sheets:
        sheet = workbook.create_sheet(sheet_title(title))
        sheet.append(sheet_row(sheet, [title]))
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append(sheet_row(sheet, list(headers)))
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(sheet_row(sheet, [float(v) if isinstance(v, Decimal) and _exact(v) else
                                           (str(v) if isinstance(v, Decimal) else v) for v in row]))
        for index, width in enumerate(widths):
            sheet.column_dimensions[chr(ord("A") + index)].width = width
        sheet.freeze_panes = "A3"
        sheet.print_title_rows = "2:2"
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _exact(number: Decimal) -> bool:
    return Decimal(str(float(number))) == number and abs(number) < 10**15
