"""Task and project lists as the xlsx offices use; what is written here reads back through the import."""

from __future__ import annotations

import io
from collections.abc import Iterable
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from .models import Project, Task

TASK_HEADERS = ["序号", "任务名称", "工作内容", "牵头单位", "配合单位", "完成时限", "完成比例（%）", "状态"]
PROJECT_HEADERS = ["序号", "项目名称", "项目类别", "建设地点", "责任单位", "建设内容", "起止年限", "总投资（万元）",
                   "资金来源", "项目状态", "形象进度（%）"]


def _book(title: str, headers: list[str], rows: Iterable[list[object]], widths: list[int]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(headers)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def render_task_xlsx(title: str, tasks: Iterable[Task]) -> bytes:
    """``tasks`` with ``units`` prefetched, in plan order."""
    rows = []
    for task in tasks:
        units = list(task.units.all())
        rows.append([
            task.number, task.title, task.description,
            "、".join(u.department.name for u in units if u.role == "lead"),
            "、".join(u.department.name for u in units if u.role == "cooperate"),
            task.deadline.isoformat() if task.deadline else task.deadline_text,
            task.percent, task.get_status_display(),
        ])
    return _book(title, TASK_HEADERS, rows, [8, 36, 60, 24, 30, 14, 10, 10])


def _money(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")


def render_project_xlsx(title: str, projects: Iterable[Project], years: list[int]) -> bytes:
    """``projects`` with category, region, department, funding and years loaded; money in 万元."""
    headers = [*PROJECT_HEADERS]
    for year in years:
        headers += [f"{year}年计划投资（万元）", f"{year}年完成投资（万元）"]
    rows = []
    for project in projects:
        funding = "、".join(
            f"{f.get_source_display()}{_money(f.amount)}" if f.amount is not None else f.get_source_display()
            for f in project.funding.all()
        )
        by_year = {y.year: y for y in project.years.all()}
        row: list[object] = [
            project.number, project.name, project.category.name, project.location or project.region.name,
            project.department.name, project.content,
            f"{project.start.year}.{project.start.month}-{project.end.year}.{project.end.month}",
            float(project.total_investment), funding, project.get_status_display(), project.percent,
        ]
        for year in years:
            entry = by_year.get(year)
            row += [float(entry.planned) if entry else None, float(entry.completed) if entry else None]
        rows.append(row)
    return _book(title, headers, rows, [6, 36, 14, 14, 20, 40, 16, 14, 30, 10, 10] + [14] * (2 * len(years)))
