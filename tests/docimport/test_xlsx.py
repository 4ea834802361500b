"""The shared sheet readers: a formula cell without a cached result is a row error, never a dropped row."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from openpyxl import Workbook

from docimport.responsibilities import parse_responsibility_sheet
from docimport.tasks import parse_task_sheet
from docimport.values import HEADERS, parse_value_sheet
from docimport.xlsx import SheetError, read_rows, uncached_formulas


def _xlsx(rows: list[list[object]]) -> bytes:
    """openpyxl writes a formula without a cached result, as a program (not Excel) that never computed it would."""
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_value_sheet_names_the_formula_cell_instead_of_dropping_its_row() -> None:
    data = _xlsx([["标题"], HEADERS, ["990100", "甲市", "2019-03", "", "%", "", "", 30, None],
                  ["990100", "甲市", "2019-04", "", "%", "", "", "=H3*2", None]])
    parsed = parse_value_sheet(data)
    assert parsed.rows == [] and [(e.row, e.column) for e in parsed.errors] == [(4, "H")]
    assert "公式" in parsed.errors[0].message


def test_list_sheets_refuse_the_file_naming_every_formula_cell() -> None:
    data = _xlsx([["序号", "任务名称", "牵头单位"], ["1.", "=\"治理\"&\"扬尘\"", "市生态环境局"],
                  ["2.", "河湖治理", "=B2"]])
    with pytest.raises(SheetError, match="第2行B列；第3行C列") as refused:
        parse_task_sheet(data)
    assert [(e.row, e.column) for e in refused.value.errors] == [(2, "B"), (3, "C")]
    with pytest.raises(SheetError):
        list(read_rows(data, required=("任务名称",)))
    with pytest.raises(SheetError, match="第2行C列是公式"):
        parse_responsibility_sheet(_xlsx([["序号", "指标名称", "目标值", "牵头单位", "配合单位"],
                                          ["1", "森林覆盖率", "=A1", "市林业局", ""]]))


def test_sheets_without_formulas_or_with_cached_results_read_as_before() -> None:
    data = _xlsx([["序号", "任务名称", "牵头单位"], ["1.", "扬尘治理", "市生态环境局"]])
    assert uncached_formulas(data) == []
    lines, errors = parse_task_sheet(data)
    assert [line.title for line in lines] == ["扬尘治理"] and errors == []
    assert uncached_formulas(b"not a workbook") == []
    with_formula = _xlsx([["序号", "任务名称", "牵头单位"], ["1.", "=\"扬尘\"&\"治理\"", "市生态环境局"]])
    cached = _with_cached_result(with_formula, "B2", "扬尘治理")
    assert uncached_formulas(cached) == [] and uncached_formulas(with_formula) != []
    lines, errors = parse_task_sheet(cached)
    assert [line.title for line in lines] == ["扬尘治理"] and errors == []


def _with_cached_result(data: bytes, ref: str, text: str) -> bytes:
    """The workbook as Excel saves it: the formula cell of ``ref`` also carries its computed (inline) result."""
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w") as out:
        for item in source.infolist():
            body = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = re.sub(rf'<c r="{ref}"([^>]*)><f>(.*?)</f>(<v\s*/>|<v></v>)?</c>'.encode(),
                              rf'<c r="{ref}" t="str"><f>\2</f><v>{text}</v></c>'.encode(), body)
            out.writestr(item, body)
    return target.getvalue()
