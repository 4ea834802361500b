"""The cockpit and the matrix as the xlsx offices circulate: the dashboards' data → office tables (one writer,
:func:`docimport.xlsx.render_tables`: text never a formula, numbers with separators, dates in Chinese, printable).

Both take what the page shows (the dashboards' dataclasses, built for the user's scope), so a county's workbook
holds its own county only, as its page does.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from docimport.xlsx import Column, Table, chinese_date, render_tables

from . import dashboards
from .access import Scope
from .data import Cockpit, Matrix, MatrixCell
from .selectors import program_assessment

#: The words of a certification gate in a cell.
PASSED = {True: "达到", False: "未达到"}
COUNT_HEADERS = ("达标（项）", "未达标（项）", "无数据（项）", "不适用（项）", "约束性达标（项）", "约束性适用（项）",
                 "参考性达标（项）", "参考性适用（项）")
REACH_WORDS = {"off_track": "难以按期达标", "accelerate": "需加快"}


def _stamp(today: dt.date) -> str:
    return f"导出日期：{chinese_date(today)}"


def cockpit_xlsx(program_name: str, data: Cockpit, today: dt.date) -> tuple[bytes, str]:
    """The cockpit: every visible region's counts and gate, the focus region's blockers, weak spots and
    reachability, and the counties' own goals (a city's office)."""
    title = f"{program_name} · {data.focus.name} {data.year}年达标情况"
    note = f"{_stamp(today)}；评价年度 {data.year}年，已审核数据覆盖 {data.coverage.current.percent or 0}%。"
    regions = Table(
        "各区域达标情况", title,
        [Column("区域", 16), Column("创建目标", 16), Column("目标年", 8),
         *(Column(header, 10, number=True, places=0) for header in COUNT_HEADERS), Column("申报条件", 10)],
        [[r.name, r.goal, f"{r.deadline}年" if r.deadline else "", r.counts["attained"], r.counts["not_attained"],
          r.counts["no_data"], r.counts["not_applicable"], r.binding_attained, r.binding_applicable,
          r.reference_attained, r.reference_applicable, PASSED[r.passed]] for r in data.regions],
        note=note)
    blockers = Table(
        "申报条件阻碍项", f"{data.focus.name}申报条件：{PASSED[data.gate.passed]}",
        [Column("指标代码", 10), Column("指标", 40), Column("判定", 10), Column("原因", 60)],
        [[item.code, item.full_name or item.name, item.label, item.reason]
         for group in data.gate.groups for item in group.items],
        note=data.gate.headline)
    weak = Table(
        "短板与可达性", f"{data.focus.name} {data.year}年短板与可达性",
        [Column("类别", 12), Column("指标", 40), Column("约束性", 8), Column("判定", 12), Column("说明", 70)],
        [[kind, w.name, "是" if w.binding else "否", w.label, w.sentence]
         for kind, spots in (("差距最大", data.weak.gaps), ("可达性", data.weak.paces)) for w in spots],
        note=note)
    tables = [regions, blockers, weak]
    if data.city_gate is not None:
        blocked = data.city_gate.counties_blocked
        tables.append(Table(
            "县区创建目标", "到期未达到各自创建目标的县区",
            [Column("县区", 16), Column("创建目标", 20), Column("目标年", 8), Column("未达标（项）", 10, True, 0),
             Column("无数据（项）", 10, True, 0), Column("阻碍指标", 70)],
            [[c.region, c.title, f"{c.year}年", c.not_attained, c.no_data, "、".join(b.name for b in c.blockers)]
             for c in blocked],
            note=data.city_gate.headline,
            total=["合计", "", "", sum(c.not_attained for c in blocked), sum(c.no_data for c in blocked), ""]))
    return render_tables(tables), f"{program_name}-驾驶舱-{data.focus.name}-{data.year}年.xlsx"


def _cell_text(cell: MatrixCell, label: str) -> str:
    reach = REACH_WORDS.get(cell.reach_status or "")
    return f"{label}（{reach}）" if reach else label


def matrix_xlsx(program_name: str, data: Matrix, today: dt.date) -> tuple[bytes, str]:
    """The matrix: region × indicator status words (as on the page), and one row per region × indicator with
    the target as the pages word it (≥95%, 制定实施, 不降低 …), the value, the gap and the reachability."""
    labels = data.status_labels
    indicators = data.indicators
    title = f"{program_name} {data.year}年达标矩阵"
    note = (f"{_stamp(today)}；{len(data.rows)}个区域 × {len(indicators)}项考核指标"
            f"{'（仅约束性指标）' if data.only == 'binding' else ''}；★ 约束性指标。")
    grid = Table(
        "达标矩阵", title,
        [Column("区域", 14), Column("达标（项）", 8, number=True, places=0), Column("约束性达标/适用", 10),
         *(Column(f"{i.number_label} {'★' if i.binding else ''}{i.full_name}", 12) for i in indicators)],
        [[row.region.name, row.summary.counts["attained"],
          f"{row.summary.binding_attained}/{row.summary.binding_applicable}",
          *(_cell_text(cell, labels[cell.status]) for cell in row.cells)] for row in data.rows],
        note=note,
        total=["达标区域数", sum(row.summary.counts["attained"] for row in data.rows), "",
               *(f"{sum(1 for row in data.rows if row.cells[k].status == 'attained')}/"
                 f"{sum(1 for row in data.rows if row.cells[k].status != 'not_applicable')}"
                 for k in range(len(indicators)))])
    detail_rows = []
    for row in data.rows:
        for indicator, cell in zip(indicators, row.cells, strict=True):
            if cell.status == "not_applicable":
                continue
            detail_rows.append([
                row.region.name, indicator.number_label, indicator.full_name, indicator.unit,
                "约束性" if indicator.binding else "参考性", cell.target, cell.value,
                labels[cell.status], cell.gap_abs if cell.status == "not_attained" else None,
                REACH_WORDS.get(cell.reach_status or "", ""),
            ])
    detail = Table(
        "明细", f"{title}（明细）",
        [Column("区域", 14), Column("序号", 8), Column("指标", 36), Column("单位", 10), Column("属性", 8),
         Column("目标", 24), Column(f"{data.year}年数值", 12, number=True), Column("判定", 8),
         Column("差距", 10, number=True), Column("可达性", 12)],
        detail_rows, note=note)
    return render_tables([grid, detail]), f"{program_name}-达标矩阵-{data.year}年.xlsx"


def cockpit_download(scope: Scope, year: int | None) -> tuple[bytes, str]:
    """The cockpit's workbook and file name, for the page's regions and year (the page and the API call this)."""
    today = timezone.localdate()
    data = dashboards.cockpit(program_assessment(scope.program, year=year, today=today), scope, today)
    return cockpit_xlsx(scope.program.name, data, today)


def matrix_download(scope: Scope, year: int | None, *, only: str, sort: str) -> tuple[bytes, str]:
    """The matrix's workbook and file name, with the page's regions, year, indicator filter and order."""
    data = dashboards.matrix(program_assessment(scope.program, year=year), scope, only=only, sort=sort)
    return matrix_xlsx(scope.program.name, data, timezone.localdate())
