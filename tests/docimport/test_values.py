"""The reporting value sheet read by docimport: typed rows and the row errors a sheet alone can show."""

from __future__ import annotations

from docimport.values import HEADERS, parse_value_sheet
from tests.sheets import xlsx


def test_import_row_errors_named():
    parsed = parse_value_sheet(xlsx([
        HEADERS,
        ["990100", "甲市", "2019-03", "", "%", "", "", 30, None],
        ["990100", "甲市", "2019-03", "", "%", "", "", 31, None],
        ["990100", "甲市", "2019-01", "", "", "", "", None, "差不多"],
    ], title="标题"))
    assert [str(e) for e in parsed.errors] == [
        "第4行（2019-03）「指标编码」：与第3行重复（同一区域同一指标）。",  # the row's indicator is named
        "第5行（2019-01）「定性状态」：「差不多」不是可选值（已建立、实施中、未开展）。",
    ]
