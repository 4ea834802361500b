"""The units (单位) sheet of the set-up import: read into typed rows and written back the same way (pure).

Columns: 单位名称, 区划代码 (the unit's region, by code: names repeat across counties) are required; 类型
(部门 or 县区政府), 所辖县区代码 (a county government's county), 其他写法 (names separated by 、) and 排序 are
optional. An export writes every column, so export → import changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from .errors import RowError
from .xlsx import (
    DEFAULT_LIMITS,
    Column,
    SheetLimits,
    SheetRow,
    Table,
    cell_text,
    read_rows,
    render_tables,
    split_names,
)

NAME, REGION, KIND, GOVERNS, ALIASES, ORDER = "单位名称", "区划代码", "类型", "所辖县区代码", "其他写法", "排序"
COLUMNS = (NAME, REGION, KIND, GOVERNS, ALIASES, ORDER)
KINDS = {"部门": "department", "县区政府": "government"}
KIND_LABELS = {value: label for label, value in KINDS.items()}


@dataclass(frozen=True)
class UnitRow:
    row: int
    name: str
    region_code: str
    kind: str  # "department" or "government"
    governs_code: str
    aliases: tuple[str, ...]
    order: int

    def cells(self) -> dict[str, object]:
        """The row as the sheet shows it (for old → new)."""
        return {NAME: self.name, REGION: self.region_code, KIND: KIND_LABELS[self.kind], GOVERNS: self.governs_code,
                ALIASES: "、".join(self.aliases), ORDER: self.order}


def _unit(line: SheetRow, errors: list[RowError]) -> UnitRow | None:
    cells = {column: cell_text(line.cells.get(column)) for column in COLUMNS}
    found = len(errors)
    if not cells[NAME]:
        errors.append(RowError(line.number, NAME, "单位名称不能为空。"))
    elif len(cells[NAME]) > 80:
        errors.append(RowError(line.number, NAME, "单位名称不能超过80个字。"))
    if not cells[REGION]:
        errors.append(RowError(line.number, REGION, "区划代码不能为空。", cells[NAME]))
    kind = KINDS.get(cells[KIND] or "部门")
    if kind is None:
        errors.append(RowError(line.number, KIND, f"类型须为“部门”或“县区政府”，而不是“{cells[KIND]}”。", cells[NAME]))
    elif kind == "government" and not cells[GOVERNS]:
        errors.append(RowError(line.number, GOVERNS, "县区政府单位必须填写所辖县区代码。", cells[NAME]))
    order = cells[ORDER] or "0"
    if not order.isdigit():
        errors.append(RowError(line.number, ORDER, f"排序须为非负整数，而不是“{cells[ORDER]}”。", cells[NAME]))
    if len(errors) > found:
        return None
    assert kind is not None
    return UnitRow(line.number, cells[NAME], cells[REGION], kind, cells[GOVERNS] if kind == "government" else "",
                   tuple(split_names(cells[ALIASES])), int(order))


class ListRow(Protocol):
    @property
    def row(self) -> int: ...


R = TypeVar("R", bound=ListRow)


def unique_rows(lines: Iterable[SheetRow], build: Callable[[SheetRow, list[RowError]], R | None],
                key: Callable[[R], Hashable], duplicate: Callable[[R, int], RowError]) -> tuple[list[R], list[RowError]]:
    """The rows ``build`` reads from ``lines`` (appending its errors), a row whose ``key`` an earlier row has being
    the error ``duplicate(row, earlier row number)`` instead: what every list sheet of the set-up reads."""
    rows: list[R] = []
    errors: list[RowError] = []
    seen: dict[Hashable, int] = {}
    for line in lines:
        row = build(line, errors)
        if row is None:
            continue
        if key(row) in seen:
            errors.append(duplicate(row, seen[key(row)]))
            continue
        seen[key(row)] = row.row
        rows.append(row)
    return rows, errors


def parse_units(data: bytes, limits: SheetLimits = DEFAULT_LIMITS) -> tuple[list[UnitRow], list[RowError]]:
    """The sheet's units and its row errors (a unit named twice in one region is an error on the later row)."""
    lines = read_rows(data, required=(NAME, REGION), optional=(KIND, GOVERNS, ALIASES, ORDER), limits=limits)
    return unique_rows(lines, _unit, lambda unit: (unit.region_code, unit.name), lambda unit, first: RowError(
        unit.row, NAME, f"与第{first}行重复：同一区域的单位名称须唯一。", unit.name))


def render_units_xlsx(rows: Iterable[UnitRow]) -> bytes:
    """The units sheet as the import reads it (a title row above the header; every value a literal cell, never a
    formula; printable)."""
    table = Table("单位", "单位清单", [Column(column, 16 if column != NAME else 28) for column in COLUMNS],
                  ([unit.cells()[column] for column in COLUMNS] for unit in rows))
    return render_tables([table])
