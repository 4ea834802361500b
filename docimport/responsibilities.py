"""The responsibility list (责任清单) sheet: 序号, 指标名称, 目标值, 牵头单位, 配合单位."""

from __future__ import annotations

from dataclasses import dataclass

from .xlsx import DEFAULT_LIMITS, SheetLimits, cell_text, read_rows, split_names

COLUMNS = ("序号", "指标名称", "目标值", "牵头单位", "配合单位")
REQUIRED = ("指标名称", "牵头单位")


@dataclass(frozen=True)
class ResponsibilityLine:
    row: int
    number: str
    indicator_name: str
    target_text: str
    leads: tuple[str, ...]
    cooperators: tuple[str, ...]


def parse_responsibility_sheet(data: bytes, *, limits: SheetLimits = DEFAULT_LIMITS) -> list[ResponsibilityLine]:
    """Every non-empty row; checking names against the database is the service's job."""
    lines = []
    optional = tuple(c for c in COLUMNS if c not in REQUIRED)
    for row in read_rows(data, required=REQUIRED, optional=optional, limits=limits):
        lines.append(
            ResponsibilityLine(
                row=row.number,
                number=cell_text(row.cells.get("序号")),
                indicator_name=cell_text(row.cells.get("指标名称")),
                target_text=cell_text(row.cells.get("目标值")),
                leads=tuple(split_names(cell_text(row.cells.get("牵头单位")))),
                cooperators=tuple(split_names(cell_text(row.cells.get("配合单位")))),
            )
        )
    return lines
