"""Scoring exports: the score table and ranking (xlsx, the layout such tables take) and the 通报 draft (docx).

The score table is 考核内容 / 序号 / 考核指标 / 分值 / 数据来源 and one column per subject, then 总分, 等次 and
排名; the second sheet is the ranking with the change from the last period and the items lost. Every cell goes
through the one sheet writer (``docimport.xlsx.sheet_cell``: text is never a formula); sheets print landscape,
fit to width, with their header rows repeated.
"""

from __future__ import annotations

import functools
import io
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import ParamSpec

from django.utils import translation
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.properties import PageSetupProperties

from calc.scoring.sheet import item_rows
from docimport.scoring import FactRow, ManualRow, render_fact_sheet, render_scheme_xlsx
from docimport.xlsx import HEADER_FILL, sheet_cell, sheet_row, sheet_title

from .facts import GROUP_OF_KIND
from .models import ItemScore, Scheme, ScoreRun
from .selectors import OfficeEntries, ranking

POINTS = "#,##0.00"

P = ParamSpec("P")


def in_chinese(build: Callable[P, bytes]) -> Callable[P, bytes]:
    """The table and the 通报 are the office's Chinese forms: the words they take from the site (the subject groups'
    names) are Chinese whatever language the page that asked for them speaks."""

    @functools.wraps(build)
    def chinese(*args: P.args, **kwargs: P.kwargs) -> bytes:
        with translation.override("zh-hans"):
            return build(*args, **kwargs)

    return chinese


def _setup(sheet, widths: list[int], header_row: int) -> None:  # type: ignore[no-untyped-def]
    for n, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + n) if n < 26 else "A" + chr(ord("A") + n - 26)].width = width
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"  # A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def _header(sheet, names: list[str]) -> list[WriteOnlyCell]:  # type: ignore[no-untyped-def]
    cells = []
    for name in names:
        cell = sheet_cell(sheet, name)
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cells.append(cell)
    return cells


def _points(sheet, value: Decimal | None):  # type: ignore[no-untyped-def]
    cell = sheet_cell(sheet, None if value is None else float(value))
    cell.number_format = POINTS
    return cell


@in_chinese
def score_table(run: ScoreRun, departments: set[int] | None = None) -> bytes:
    """The score table and the ranking of a run (``departments``: only these subjects' columns and rows)."""
    scheme = run.scheme.data
    data = ranking(run, departments)
    subjects = [row for group in data.groups for row in group.rows]
    points: dict[tuple[int, str], Decimal] = {}
    for unit, item, value in ItemScore.objects.filter(run=run).values_list("subject__department_id", "item", "points"):
        points[unit, item] = value
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title("评分表"))
    _setup(sheet, [14, 6, 30, 7, 24] + [12] * len(subjects), 3)
    title = sheet_cell(sheet, f"{scheme.name}（{run.period}，{run.get_status_display()}）")
    title.font = Font(bold=True, size=14)
    sheet.append([title])
    sheet.append(sheet_row(sheet, [f"细则版本：第{run.scheme_version}版；程序版本：{run.code_version}；"
                                   f"输入快照SHA-256：{run.inputs_sha256[:16]}…"]))
    sheet.append(_header(sheet, ["考核内容", "序号", "考核指标", "分值", "数据来源"] + [s.name for s in subjects]))
    number = 0
    for section in scheme.sections:
        for item in section.items:
            number += 1
            kind = {"bonus": "（加分项）", "deduction": "（扣分项）"}.get(item.kind, "")
            sheet.append(sheet_row(sheet, [section.name, number, item.name + kind, _points(sheet, item.points),
                                           item.source] + [_points(sheet, points.get((s.department_id, item.code)))
                                                           for s in subjects]))
    for adjustment in scheme.adjustments:
        sheet.append(sheet_row(sheet, ["否决与封顶", "", adjustment.name, "", adjustment.source] + [
            "否决" if points.get((s.department_id, adjustment.code)) is not None and s.vetoed else ""
            for s in subjects]))
    for label, values in (("总分", [_points(sheet, s.total) for s in subjects]), ("等次", [s.grade for s in subjects]),
                          ("排名", [s.rank for s in subjects])):
        sheet.append(sheet_row(sheet, [label, "", "", "", ""] + values))
    share = sheet_row(sheet, ["；".join(f"{label}生态文明建设类考核分值占基本分{value}%"
                                       for label, value in run.scheme.eco_shares())])
    sheet.append([])
    sheet.append(share)

    ranks = workbook.create_sheet(sheet_title("排名"))
    _setup(ranks, [16, 6, 24, 10, 10, 12, 60], 2)
    heading = sheet_cell(ranks, f"{scheme.name}（{run.period}）排名")
    heading.font = Font(bold=True, size=14)
    ranks.append([heading])
    ranks.append(_header(ranks, ["类别", "排名", "考核对象", "总分", "等次", "较上期", "主要失分项"]))
    for group in data.groups:
        for row in group.rows:
            ranks.append(sheet_row(ranks, [group.label, row.rank, row.name, _points(ranks, row.total), row.grade,
                                           _points(ranks, row.change), "；".join(row.lost[:5])]))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _font(run, name: str, size: float, bold: bool = False) -> None:  # type: ignore[no-untyped-def]
    run.font.name, run.font.size, run.font.bold = name, Pt(size), bold
    run.element.rPr.rFonts.set(qn("w:eastAsia"), name)


@in_chinese
def notice_draft(run: ScoreRun) -> bytes:
    """A 通报 draft: title (2号, 小标宋-like), body (3号, 仿宋-like) on A4 with 37/35/28/26 mm margins;
    the best grade is commended (表扬), the lowest criticised (批评)."""
    scheme = run.scheme.data
    data = ranking(run)
    by_grade: dict[str, list[str]] = defaultdict(list)
    for group in data.groups:
        for row in group.rows:
            by_grade[row.grade].append(row.name)
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(f"关于{run.period}年度生态文明建设目标责任考核结果的通报"), "方正小标宋简体", 22)

    def body(text: str, *, bold: bool = False, indent: bool = True) -> None:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.line_spacing = Pt(28)
        if indent:
            paragraph.paragraph_format.first_line_indent = Pt(32)
        _font(paragraph.add_run(text), "仿宋_GB2312", 16, bold)

    body("各县（市、区）人民政府，市级有关部门：", indent=False)
    body(f"根据《{scheme.name}》，{scheme.issuer or '市生态文明建设领导小组办公室'}对{run.period}年度生态文明建设"
         "目标责任完成情况进行了考核。经数据核实、结果反馈和异议裁定，现将考核结果通报如下。")
    best, worst = scheme.grades[0].name, scheme.grades[-1].name
    for group in data.groups:
        body(f"{group.label}：" + "，".join(f"{row.name}{row.total}分（{row.grade}）" for row in group.rows) + "。")
    if by_grade.get(best):
        body(f"一、予以表扬。{'、'.join(by_grade[best])}考核等次为{best}，予以通报表扬。", bold=False)
    if by_grade.get(worst):
        body(f"二、予以批评。{'、'.join(by_grade[worst])}考核等次为{worst}，予以通报批评，"
             "请于30日内向市生态文明建设领导小组办公室报送整改报告。")
    body("各地各部门要对照评分表中的失分项，认真分析原因，制定整改措施，确保完成年度目标任务。")
    signature = document.add_paragraph()
    signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _font(signature.add_run(scheme.issuer or "市生态文明建设领导小组办公室"), "仿宋_GB2312", 16)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def scheme_sheet(scheme: Scheme) -> bytes:
    """A scheme version as the 评分细则表 (考核内容/序号/考核指标/分值/数据来源, then 计分规则, 规则参数, 其他设置):
    what the scheme import reads back, so download → upload changes nothing."""
    note = (f"第{scheme.version}版（编码 {scheme.code}）。修改后在本细则页面上传，保存为新版本；规则参数和其他设置按"
            f"“键 = 值”以逗号分隔填写，说明见用户手册“考核评分”一章。")
    return render_scheme_xlsx(scheme.name, note, item_rows(scheme.data))


def fact_sheet(data: OfficeEntries) -> bytes:
    """The office facts of a scheme and period as the facts import reads them: the entered ones, then one row to
    fill for each subject and key still missing; and the sheet 人工评分: the manual items' points entered, then one
    row to fill for each subject and manual item (of its group) without points (download → upload changes
    nothing)."""
    rows = [FactRow(0, f.department.name, f.period, f.key, f.part, f.value, f.text, f.na, f.reason)
            for f in data.facts]
    have = {(f.department_id, f.key) for f in data.facts}
    rows += [FactRow(0, unit.name, data.period, key, "", None, "", False, "")
             for key in data.keys for unit in data.units if (unit.id, key) not in have]
    note = ("填写数值（或等级，或在“不涉及”填“是”）和依据，数值最多6位小数；未填写的行导入时跳过。"
            "事实键的含义见评分细则的规则参数；评分细则不读取或由系统自动取数的事实键不能导入。")
    scheme = data.scheme.data
    items = {item.code: item for item in scheme.items if item.code in {code for code, _n, _p in data.manual_items}}
    manual = [ManualRow(0, m.department.name, m.period, m.item, m.points, m.reason,
                        items[m.item].name if m.item in items else "", items[m.item].points if m.item in items else None)
              for m in data.manual]
    scored = {(m.department_id, m.item) for m in data.manual}
    manual += [ManualRow(0, unit.name, data.period, item.code, None, "", item.name, item.points)
               for item in items.values() for unit in data.units
               if (unit.id, item.code) not in scored and (not item.groups or GROUP_OF_KIND.get(unit.kind) in item.groups)]
    manual_note = (f"填写得分（0到满分之间，最多{scheme.places}位小数）和理由；未填写的行导入时跳过。"
                   f"评分项与满分按评分细则「{data.scheme.name}」第{data.scheme.version}版。")
    return render_fact_sheet(f"{data.scheme.name} 考核事实（{data.period}）", note, rows,
                             manual=(f"{data.scheme.name} 人工评分（{data.period}）", manual_note, manual))
