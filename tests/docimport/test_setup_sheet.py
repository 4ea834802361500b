"""The units sheet of the set-up import: read, row errors, and written back as it is read (pure)."""

from __future__ import annotations

from docimport.setup import COLUMNS, UnitRow, parse_units, render_units_xlsx
from tests.sheets import xlsx


def test_rows_and_row_errors():
    rows, errors = parse_units(xlsx([list(COLUMNS),
                                     ["市林业局", "990100", "", "", "林业局、市林草局", ""],
                                     ["平原县政府", "990100", "县区政府", "990123", "", "3"],
                                     ["", "990100", "", "", "", ""],
                                     ["县政府", "990100", "县区政府", "", "", ""],
                                     ["市X局", "990100", "处室", "", "", "x"],
                                     ["市林业局", "990100", "", "", "", ""]]))
    assert rows == [UnitRow(3, "市林业局", "990100", "department", "", ("林业局", "市林草局"), 0),
                    UnitRow(4, "平原县政府", "990100", "government", "990123", (), 3)]
    assert [(e.row, e.column) for e in errors] == [(5, "单位名称"), (6, "所辖县区代码"), (7, "类型"), (7, "排序"),
                                                   (8, "单位名称")]
    assert "第3行" in errors[-1].message


def test_written_back_as_read():
    units = [UnitRow(3, "=HYPERLINK(1)", "990100", "department", "", ("甲",), 1),  # below the title and the header
             UnitRow(4, "平原县政府", "990100", "government", "990123", (), 0)]
    assert parse_units(render_units_xlsx(units)) == (units, [])
