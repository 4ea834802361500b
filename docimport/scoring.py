"""The scoring scheme sheet (评分细则表): read into :class:`calc.scoring.sheet.ItemRow` and written back (pure).

Columns: 考核内容, 序号, 考核指标, 分值, 计分规则 are required; 数据来源, 规则参数 and 其他设置 optional. The download
writes every column, so download → upload gives the same scheme (:func:`calc.scoring.sheet.apply_rows`).
"""

from __future__ import annotations

from collections.abc import Iterable

from calc.scoring.sheet import COLUMNS, NAME, NUMBER, OTHER, PARAMS, REQUIRED, ItemRow

from .errors import RowError
from .xlsx import DEFAULT_LIMITS, Column, SheetLimits, Table, cell_text, read_rows, render_tables

__all__ = ["parse_scheme_sheet", "render_scheme_xlsx"]

WIDTHS = {NAME: 28, PARAMS: 60, OTHER: 40, NUMBER: 8}


def parse_scheme_sheet(data: bytes, limits: SheetLimits = DEFAULT_LIMITS) -> tuple[list[ItemRow], list[RowError]]:
    """The sheet's item rows and its row errors (a 序号 given twice is an error on the later row)."""
    rows: list[ItemRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    optional = tuple(c for c in COLUMNS if c not in REQUIRED)
    for line in read_rows(data, required=REQUIRED, optional=optional, limits=limits):
        cells = [cell_text(line.cells.get(column)) for column in COLUMNS]
        row = ItemRow(line.number, *cells)
        if not row.code:
            errors.append(RowError(line.number, NUMBER, "序号（评分项编码）不能为空。", row.name))
            continue
        if row.code in seen:
            errors.append(RowError(line.number, NUMBER, f"与第{seen[row.code]}行重复：序号须唯一。", row.code))
            continue
        seen[row.code] = line.number
        rows.append(row)
    return rows, errors


def render_scheme_xlsx(title: str, note: str, rows: Iterable[ItemRow]) -> bytes:
    """The scheme sheet as the upload reads it (a title and a note row above the header; literal cells only)."""
    table = Table("评分细则", title, [Column(c, WIDTHS.get(c, 16)) for c in COLUMNS],
                  ([row.cells()[c] for c in COLUMNS] for row in rows), note=note, freeze_first_column=False)
    return render_tables([table])
