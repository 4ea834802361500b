"""The project list (项目清单) sheet: 序号, 项目名称, 项目类别, 建设地点/所在县区, 责任单位, 建设内容, 起止年限,
总投资（万元 or 亿元, or a 单位 column), 资金来源, and optional yearly 20xx年计划投资/完成投资 columns.

Money is returned in 万元 as ``Decimal`` (1 亿元 = 10000 万元); no floats anywhere.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from .errors import RowError
from .xlsx import DEFAULT_LIMITS, SheetLimits, cell_text, read_rows, split_names

UNITS = {"万元": Decimal(1), "亿元": Decimal(10000), "元": Decimal("0.0001")}
FUNDING_NAMES = {
    "财政资金": "fiscal", "财政": "fiscal", "地方财政": "fiscal", "中央预算内": "special", "上级专项": "special",
    "专项资金": "special", "专项债": "special", "PPP": "ppp", "绿色债券": "green_bond", "社会资本": "social",
    "企业自筹": "social", "自筹": "social", "其他": "other", "银行贷款": "other",
}
STATUS_NAMES = {"未开工": "planned", "前期": "planned", "在建": "under_way", "续建": "under_way", "新建": "under_way",
                "已完工": "completed", "完工": "completed", "建成": "completed", "停缓建": "suspended",
                "停建": "suspended"}
YEARS = range(2015, 2041)
LOCATION_HEADERS = ("建设地点", "所在县区", "所在县（区）", "县区")
DATES_HEADERS = ("起止年限", "建设年限", "建设期限")
UNIT_HEADERS = ("单位", "计量单位", "金额单位")
PERCENT_HEADERS = ("形象进度（%）", "形象进度(%)", "形象进度")

#: The project list as the export writes it (then the yearly columns, ``year_header``); the import reads
#: every one of these, and a column a sheet lacks leaves the stored field alone.
COLUMNS = ("序号", "项目名称", "项目类别", "建设地点", "责任单位", "建设内容", "起止年限", "总投资（万元）", "资金来源",
           "项目状态", "形象进度（%）")
#: Each export column's other spellings in sheets offices fill in.
ALIASES = {"建设地点": LOCATION_HEADERS, "起止年限": DATES_HEADERS, "形象进度（%）": PERCENT_HEADERS}


def year_header(year: int, kind: str) -> str:
    """The export's yearly column: ``2025年计划投资（万元）`` (kind ``planned``) or ``…完成投资（万元）``."""
    return f"{year}年{'计划' if kind == 'planned' else '完成'}投资（万元）"


def _paren_variants(stem: str, unit: str) -> tuple[str, ...]:
    return (f"{stem}（{unit}）", f"{stem}({unit})")


TOTAL_HEADERS: dict[str, Decimal | None] = {"总投资": None}
for _unit, _factor in UNITS.items():
    for _header in _paren_variants("总投资", _unit):
        TOTAL_HEADERS[_header] = _factor


def _year_headers() -> dict[str, tuple[int, str, Decimal | None]]:
    headers: dict[str, tuple[int, str, Decimal | None]] = {}
    for year in YEARS:
        for kind, stem in (("planned", f"{year}年计划投资"), ("completed", f"{year}年完成投资")):
            headers[stem] = (year, kind, None)
            for unit, factor in UNITS.items():
                for header in _paren_variants(stem, unit):
                    headers[header] = (year, kind, factor)
    return headers


YEAR_HEADERS = _year_headers()


@dataclass(frozen=True)
class ProjectLine:
    row: int
    number: str
    name: str
    category: str
    location: str
    department: str
    content: str
    start: dt.date | None
    end: dt.date | None
    total: Decimal | None  # 万元
    funding: tuple[tuple[str, Decimal | None], ...]  # (source code, 万元 or None)
    status: str
    years: dict[int, dict[str, Decimal]] = field(default_factory=dict)  # year → planned/completed (万元)
    percent: int | None = None  # 形象进度; None when the sheet has no such column or the cell is empty
    present: frozenset[str] = frozenset(COLUMNS)  # the export columns (and year headers) the sheet has


def parse_amount(value: object, factor: Decimal) -> Decimal:
    """A money cell in the given unit → 万元, two decimals. Raises ValueError."""
    text = cell_text(value).replace(",", "").replace("，", "")
    for unit, unit_factor in UNITS.items():
        if text.endswith(unit):
            text, factor = text[: -len(unit)], unit_factor
            break
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(f"「{cell_text(value)}」不是金额。") from exc
    if not number.is_finite() or number < 0:
        raise ValueError(f"「{cell_text(value)}」不是有效金额。")
    return (number * factor).quantize(Decimal("0.01"))


def parse_period(value: object) -> tuple[dt.date, dt.date]:
    """起止年限 as written (2024-2026, 2024—2026年, 2024.3-2026.12, 2025) → first and last day."""
    text = "".join(cell_text(value).split()).replace("年", "").replace("月", "")
    parts = [p for p in re.split(r"[-—–～~至]+", text) if p]
    if not parts or len(parts) > 2:
        raise ValueError(f"无法识别的起止年限「{cell_text(value)}」（示例：2024-2026）。")

    def point(part: str, *, end: bool) -> dt.date:
        match = re.fullmatch(r"(\d{4})(?:[./](\d{1,2}))?", part)
        if not match:
            raise ValueError(f"无法识别的起止年限「{cell_text(value)}」（示例：2024-2026）。")
        year = int(match.group(1))
        month = int(match.group(2)) if match.group(2) else (12 if end else 1)
        if not 1 <= month <= 12:
            raise ValueError(f"起止年限中的月份「{month}」无效。")
        return dt.date(year, month, calendar.monthrange(year, month)[1] if end else 1)

    start, end = point(parts[0], end=False), point(parts[-1], end=True)
    if end < start:
        raise ValueError("完工时间早于开工时间。")
    return start, end


def parse_funding(text: str, factor: Decimal) -> tuple[tuple[str, Decimal | None], ...]:
    """财政资金500、社会资本1.2亿元 / 财政资金、PPP → ((source, 万元 or None), …). Raises ValueError."""
    result: dict[str, Decimal | None] = {}
    for part in split_names(text):
        match = re.fullmatch(r"([^\d.]+?)[:：]?([\d.,]+(?:万元|亿元|元)?)?", part)
        name = match.group(1).strip() if match else part
        source = FUNDING_NAMES.get(name) or FUNDING_NAMES.get(name.upper())
        if source is None:
            raise ValueError(f"未知的资金来源「{name}」（可用：财政资金、上级专项、PPP、绿色债券、社会资本、其他）。")
        amount = parse_amount(match.group(2), factor) if match and match.group(2) else None
        if source in result and result[source] is not None and amount is not None:
            amount += result[source]  # type: ignore[operator]
        result[source] = amount
    return tuple(result.items())


#: ``bad(column, message)`` records a row error of the row being read.
Bad = Callable[[str, str], None]


def _row_factor(cells: dict[str, object], bad: Bad) -> Decimal | None:
    """The row's own money unit (a 单位 column), if it names one."""
    unit_text = next((cell_text(cells[h]) for h in UNIT_HEADERS if cell_text(cells.get(h))), "")
    if not unit_text:
        return None
    row_factor = UNITS.get(unit_text)
    if row_factor is None:
        bad("单位", f"未知的金额单位「{unit_text}」（万元或亿元）。")
    return row_factor


def _total(cells: dict[str, object], total_header: str | None, row_factor: Decimal | None, bad: Bad) -> Decimal | None:
    """The total investment in 万元, from a header or a row that names its unit."""
    if total_header is None:
        bad("总投资", "缺少「总投资（万元）」或「总投资（亿元）」列。")
        return None
    factor = TOTAL_HEADERS[total_header] or row_factor
    if factor is None and not cell_text(cells[total_header]).endswith(("万元", "亿元")):
        bad(total_header, "未注明金额单位：表头写「总投资（万元）」或「总投资（亿元）」，或填写「单位」列。")
    elif not cell_text(cells[total_header]):
        bad(total_header, "总投资不能为空。")
    else:
        try:
            return parse_amount(cells[total_header], factor or Decimal(1))
        except ValueError as exc:
            bad(total_header, str(exc))
    return None


def _period(cells: dict[str, object], bad: Bad) -> tuple[dt.date | None, dt.date | None]:
    dates_header = next((h for h in DATES_HEADERS if cell_text(cells.get(h))), None)
    if dates_header is None:
        bad("起止年限", "起止年限不能为空。")
        return None, None
    try:
        return parse_period(cells[dates_header])
    except ValueError as exc:
        bad(dates_header, str(exc))
        return None, None


def _year_amounts(cells: dict[str, object], money_factor: Decimal, bad: Bad) -> dict[int, dict[str, Decimal]]:
    """Per-year planned/completed amounts from the year columns that are filled."""
    years: dict[int, dict[str, Decimal]] = {}
    for header, (year, kind, factor) in YEAR_HEADERS.items():
        if header in cells and cell_text(cells[header]):
            try:
                years.setdefault(year, {})[kind] = parse_amount(cells[header], factor or money_factor)
            except ValueError as exc:
                bad(header, str(exc))
    return years


def _present(cells: dict[str, object]) -> frozenset[str]:
    """The export's column names a sheet has (under any spelling), the yearly ones as the export writes them."""
    found = {column for column in COLUMNS if column in cells
             or any(alias in cells for alias in ALIASES.get(column, ()))}
    if any(header in cells for header in TOTAL_HEADERS):
        found.add("总投资（万元）")
    found.update(year_header(year, kind) for header, (year, kind, _) in YEAR_HEADERS.items() if header in cells)
    return frozenset(found)


def _percent(cells: dict[str, object], bad: Bad) -> int | None:
    header = next((h for h in PERCENT_HEADERS if h in cells), None)
    text = cell_text(cells[header]).rstrip("%％") if header else ""
    if not text:
        return None
    try:
        percent = Decimal(text)
    except InvalidOperation:
        percent = Decimal(-1)
    if not percent.is_finite() or percent != percent.to_integral() or not 0 <= percent <= 100:
        bad(header or "形象进度（%）", f"形象进度「{text}」须为 0—100 的整数。")
        return None
    return int(percent)


def parse_project_sheet(data: bytes, *, limits: SheetLimits = DEFAULT_LIMITS) -> tuple[list[ProjectLine], list[RowError]]:
    optional = ("序号", "项目类别", "责任单位", "建设内容", "项目状态", "资金来源", *LOCATION_HEADERS, *DATES_HEADERS,
                *UNIT_HEADERS, *TOTAL_HEADERS, *YEAR_HEADERS, *PERCENT_HEADERS)
    lines: list[ProjectLine] = []
    errors: list[RowError] = []
    for row in read_rows(data, required=("项目名称",), optional=optional, limits=limits):
        cells = row.cells
        found = len(errors)

        def bad(column: str, message: str, _row: int = row.number,
                _name: str = cell_text(cells.get("项目名称"))) -> None:
            errors.append(RowError(_row, column, message, _name))

        row_factor = _row_factor(cells, bad)
        total_header = next((h for h in TOTAL_HEADERS if h in cells), None)
        total = _total(cells, total_header, row_factor, bad)
        money_factor = (TOTAL_HEADERS.get(total_header or "") or row_factor or Decimal(1))
        start, end = _period(cells, bad)
        funding: tuple[tuple[str, Decimal | None], ...] = ()
        try:
            funding = parse_funding(cell_text(cells.get("资金来源")), money_factor)
        except ValueError as exc:
            bad("资金来源", str(exc))
        if total is not None and sum((a for _, a in funding if a is not None), Decimal(0)) > total:
            bad("资金来源", "各资金来源之和超过总投资。")
        status_text = cell_text(cells.get("项目状态"))
        status = STATUS_NAMES.get(status_text, "") if status_text else ""
        if status_text and not status:
            bad("项目状态", f"未知的项目状态「{status_text}」（未开工、在建、已完工、停缓建）。")
        years = _year_amounts(cells, money_factor, bad)
        percent = _percent(cells, bad)
        for column in ("项目名称", "项目类别", "责任单位"):
            if not cell_text(cells.get(column)):
                bad(column, f"{column}不能为空。")
        if len(errors) > found:
            continue
        lines.append(ProjectLine(
            row=row.number, number=cell_text(cells.get("序号")), name=cell_text(cells.get("项目名称")),
            category=cell_text(cells.get("项目类别")),
            location=next((cell_text(cells[h]) for h in LOCATION_HEADERS if cell_text(cells.get(h))), ""),
            department=cell_text(cells.get("责任单位")), content=cell_text(cells.get("建设内容")),
            start=start, end=end, total=total, funding=funding, status=status, years=years, percent=percent,
            present=_present(cells),
        ))
    return lines, errors
