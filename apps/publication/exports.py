"""Downloads of the portal: what is published, as CSV and xlsx (formula-safe, printable)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from docimport.xlsx import Column, Table, render_tables

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


def render_xlsx(tables: list[Table]) -> bytes:
    """The published tables through the one office table writer (text cells, formats, print set-up)."""
    return render_tables(tables)


def indicator_table(title: str, rows: list[list[object]]) -> Table:
    columns = [Column(h, w) for h, w in zip(INDICATOR_HEADERS, INDICATOR_WIDTHS, strict=True)]
    return Table(name=title, title=title, columns=columns,
                 rows=[[*r[:11], dt.date.fromisoformat(str(r[11])) if r[11] else ""] for r in rows],
                 note="数值为发布时经审核通过的数据；数据日期为审核通过的日期。")


def project_table(title: str, rows: list[list[object]]) -> Table:
    columns = [Column(h, w, number=h in ("总投资（万元）", "形象进度（%）"), places=0 if h == "形象进度（%）" else None)
               for h, w in zip(PROJECT_HEADERS, PROJECT_WIDTHS, strict=True)]
    return Table(name=title, title=title, columns=columns,
                 rows=[[*r[:6], dt.date.fromisoformat(str(r[6])), dt.date.fromisoformat(str(r[7])), *r[8:]]
                       for r in rows])
