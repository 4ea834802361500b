"""The task list (任务清单) sheet: 序号, 任务名称, 工作内容/具体措施, 牵头单位, 配合单位, 完成时限.

Numbering as plans write it gives the tree: 一、/（一）/任务一 → 1./1、/1 → （1）/(1)/①.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from .errors import RowError
from .xlsx import DEFAULT_LIMITS, SheetLimits, cell_text, chinese_date, read_rows, split_names

COLUMNS = ("序号", "任务名称", "工作内容", "牵头单位", "配合单位", "完成时限")
#: The task list as the export writes it. 完成比例 and 状态 follow approved progress (the review workflow),
#: so the import reads them only to compare: a sheet never changes them.
EXPORT_COLUMNS = (*COLUMNS, "完成比例（%）", "状态")
READ_ONLY = ("完成比例（%）", "状态")
DESCRIPTION_HEADERS = ("工作内容", "具体措施", "工作内容/具体措施", "主要内容")
DEADLINE_HEADERS = ("完成时限", "完成时间", "时间节点")

_CN = "〇一二三四五六七八九十百"
_GROUP = re.compile(rf"^(?:任务[{_CN}]+|[（(][{_CN}]+[）)]|[{_CN}]+[、.．])$")
_ITEM = re.compile(r"^\d+[.．、]?$")
_SUB = re.compile(r"^(?:[（(]\d+[）)]|[①-⑳])$")
_ONGOING = ("长期", "持续", "常态", "每年")


@dataclass(frozen=True)
class TaskLine:
    row: int
    number: str
    level: int  # 0 group, 1 item, 2 sub-item
    title: str
    description: str
    leads: tuple[str, ...]
    cooperators: tuple[str, ...]
    deadline: dt.date | None
    deadline_text: str
    present: frozenset[str] = frozenset(COLUMNS)  # the export's columns the sheet has (under any spelling)


def number_level(number: str) -> int | None:
    """0 for 一、/（一）/任务一, 1 for 1./1、/1, 2 for （1）/①; None when not a plan number."""
    text = "".join(number.split())
    if _GROUP.match(text):
        return 0
    if _ITEM.match(text):
        return 1
    if _SUB.match(text):
        return 2
    return None


def deadline_words(deadline: dt.date | None, text: str) -> str:
    """A deadline as the task list writes it: the text as written (2025年6月底, 长期坚持), a date as 2025年6月30日
    (also one written 2025-06-30: offices never print ISO dates)."""
    if deadline is not None and (not text or re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text)):
        return chinese_date(deadline)
    return text


def parse_deadline(value: object) -> tuple[dt.date | None, str]:
    """A deadline cell → (date or None for 长期坚持/持续推进, text as written; a date cell as 2025年6月30日).
    Raises ValueError."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value, chinese_date(value)
    text = "".join(cell_text(value).split())
    if not text:
        return None, ""
    match = re.match(r"^(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})日?$", text)
    if match:
        year, month, day = (int(g) for g in match.groups())
        return dt.date(year, month, day), text
    match = re.match(r"^(\d{4})[-./年](\d{1,2})月?(?:底|末|前)?$", text)
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        return dt.date(year, month, calendar.monthrange(year, month)[1]), text
    match = re.match(r"^(\d{4})年?(?:底|末|前|年底|年末)?$", text)
    if match:
        return dt.date(int(match.group(1)), 12, 31), text
    if any(word in text for word in _ONGOING):
        return None, text
    raise ValueError(f"无法识别的完成时限「{text}」（示例：2025年6月底、2025-06-30、长期坚持）。")


def _first(cells: dict[str, object], names: tuple[str, ...]) -> str:
    for name in names:
        if cell_text(cells.get(name)):
            return cell_text(cells.get(name))
    return ""


def parse_task_sheet(data: bytes, *, limits: SheetLimits = DEFAULT_LIMITS) -> tuple[list[TaskLine], list[RowError]]:
    """Every non-empty row as a :class:`TaskLine`, plus what is wrong in the sheet itself."""
    optional = ("序号", "牵头单位", "配合单位", *DESCRIPTION_HEADERS, *DEADLINE_HEADERS, *READ_ONLY)
    lines: list[TaskLine] = []
    errors: list[RowError] = []
    levels_seen: list[int] = []
    for row in read_rows(data, required=("任务名称",), optional=optional, limits=limits):
        number = "".join(cell_text(row.cells.get("序号")).split())
        title = cell_text(row.cells.get("任务名称"))
        level = number_level(number) if number else None
        if not title:
            errors.append(RowError(row.number, "任务名称", "任务名称不能为空。", number))
        if level is None:
            errors.append(RowError(row.number, "序号", f"无法识别的序号「{number}」（示例：（一）、1.、（1））。", title))
            continue
        if level == 2 and 1 not in levels_seen[-1:] and 2 not in levels_seen[-1:]:
            errors.append(RowError(row.number, "序号", f"「{number}」前面没有上级任务（1.）。", title))
        try:
            deadline, deadline_text = parse_deadline(_first_raw(row.cells, DEADLINE_HEADERS))
        except ValueError as exc:
            errors.append(RowError(row.number, "完成时限", str(exc), title))
            deadline, deadline_text = None, ""
        levels_seen.append(level)
        lines.append(TaskLine(
            row=row.number, number=number, level=level, title=title,
            description=_first(row.cells, DESCRIPTION_HEADERS),
            leads=tuple(split_names(cell_text(row.cells.get("牵头单位")))),
            cooperators=tuple(split_names(cell_text(row.cells.get("配合单位")))),
            deadline=deadline, deadline_text=deadline_text, present=_present(row.cells),
        ))
    return lines, errors


def _present(cells: dict[str, object]) -> frozenset[str]:
    aliases = {"工作内容": DESCRIPTION_HEADERS, "完成时限": DEADLINE_HEADERS}
    return frozenset(c for c in EXPORT_COLUMNS if c in cells or any(a in cells for a in aliases.get(c, ())))


def _first_raw(cells: dict[str, object], names: tuple[str, ...]) -> object:
    for name in names:
        if cell_text(cells.get(name)):
            return cells.get(name)
    return None
