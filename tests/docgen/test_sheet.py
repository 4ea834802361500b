"""The plain workbook writer of long lists (the dossier's index): Excel reads it back, text never a formula."""

from __future__ import annotations

import io
import warnings
from decimal import Decimal

from openpyxl import load_workbook

from docgen.sheet import Sheet, sheets_xlsx


def test_a_long_list_reads_back_with_title_note_header_numbers_and_text_that_is_never_a_formula():
    rows = [("=HYPERLINK(\"http://x\")", "甲\x01乙", 3, Decimal("1.50"), None, " 前后空格 ")] + [
        (f"行{i}", "", i, Decimal(i), "", "") for i in range(2000)]
    data = sheets_xlsx([Sheet("目录/索引", "标题", [("文本", 20), ("清理", 10), ("整数", 8), ("小数", 8),
                                                    ("空", 8), ("空格", 8)], rows, note="说明"),
                        Sheet("第二", "二", [("a", 5)], [("x",)])])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["目录_索引", "第二"]
    sheet = workbook["目录_索引"]
    assert sheet["A1"].value == "标题" and sheet["A1"].font.b and sheet["A2"].value == "说明"
    assert [c.value for c in sheet[3]] == ["文本", "清理", "整数", "小数", "空", "空格"] and sheet["A3"].font.b
    first = [c.value for c in sheet[4]]
    assert first[0] == '=HYPERLINK("http://x")' and sheet["A4"].data_type == "s"  # text, not a formula
    assert first[1:4] == ["甲乙", 3, 1.5] and first[5] == " 前后空格 "
    assert sheet.max_row == 3 + 2001 and sheet.freeze_panes == "A4"
    assert sheet.column_dimensions["A"].width == 20
