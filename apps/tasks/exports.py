"""Task and project lists as the xlsx offices use; what is written here reads back through the import."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from docimport.projects import COLUMNS as PROJECT_HEADERS
from docimport.projects import year_header
from docimport.tasks import EXPORT_COLUMNS as TASK_HEADERS
from docimport.tasks import deadline_words
from docimport.xlsx import Column, Table, render_tables

from .models import FundingSource, Project, ProjectStatus, Task, TaskStatus

#: A project's funding as (source, 万元 or None) and its yearly investment as year → planned/completed.
Funding = Sequence[tuple[str, Decimal | None]]
Years = dict[int, dict[str, Decimal]]


def _book(title: str, headers: list[str], rows: Iterable[list[object]], widths: list[int],
          bold_rows: Iterable[int] = ()) -> bytes:
    """One office table (title row, header repeated on every printed page, landscape, one page wide); numbers keep
    one number of decimals per column; ``bold_rows`` (0-based among ``rows``) in bold (the task list's groups)."""
    columns = [Column(header, width, number=True) for header, width in zip(headers, widths, strict=True)]
    return render_tables([Table(title, title, columns, list(rows), bold_rows=frozenset(bold_rows))])


def task_cells(task: Task, leads: Sequence[str], cooperators: Sequence[str]) -> dict[str, object]:
    """A task as its export row (column → value); the import compares these to tell what a sheet changes."""
    return {"序号": task.number, "任务名称": task.title, "工作内容": task.description, "牵头单位": "、".join(leads),
            "配合单位": "、".join(cooperators),
            "完成时限": deadline_words(task.deadline, task.deadline_text),
            "完成比例（%）": task.percent, "状态": task.get_status_display()}


def task_unit_names(task: Task) -> tuple[list[str], list[str]]:
    """The lead and cooperating units' names (``units`` with their departments prefetched)."""
    units = list(task.units.all())
    return ([u.department.name for u in units if u.role == "lead"],
            [u.department.name for u in units if u.role == "cooperate"])


def render_task_xlsx(title: str, tasks: Iterable[Task]) -> bytes:
    """``tasks`` with ``units`` prefetched and ``rollup`` set (``selectors.with_rollups``), in plan order: a group's
    完成比例 and 状态 are its roll-up (the import never reads them back), its row in bold."""
    rows, groups = [], []
    for index, task in enumerate(tasks):
        cells = task_cells(task, *task_unit_names(task))
        cells["完成比例（%）"], cells["状态"] = task.rollup.percent, str(TaskStatus(task.rollup.status).label)
        rows.append([cells[column] for column in TASK_HEADERS])
        if task.rollup.is_group:
            groups.append(index)
    return _book(title, list(TASK_HEADERS), rows, [8, 36, 60, 24, 30, 14, 10, 10], groups)


def _money(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")


def project_money(project: Project) -> tuple[Funding, Years]:
    """A stored project's funding and yearly investment (``funding`` and ``years`` prefetched)."""
    return ([(f.source, f.amount) for f in project.funding.all()],
            {y.year: {"planned": y.planned, "completed": y.completed} for y in project.years.all()})


def project_cells(project: Project, funding: Funding, by_year: Years, years: Iterable[int]) -> dict[str, object]:
    """A project as its export row (column → value, the yearly columns for ``years``); money in 万元.

    The import renders the stored project and the project as the sheet has it through this same function:
    a column whose text is the same changes nothing.
    """
    cells: dict[str, object] = {
        "序号": project.number, "项目名称": project.name, "项目类别": project.category.name,
        "建设地点": project.location or project.region.name, "责任单位": project.department.name,
        "建设内容": project.content,
        "起止年限": f"{project.start.year}.{project.start.month}-{project.end.year}.{project.end.month}",
        "总投资（万元）": float(project.total_investment),
        "资金来源": "、".join(f"{FundingSource(s).label}{_money(a)}" if a is not None else FundingSource(s).label
                          for s, a in funding),
        "项目状态": ProjectStatus(project.status).label, "形象进度（%）": project.percent,
    }
    for year in years:
        entry = by_year.get(year, {})
        for kind in ("planned", "completed"):
            cells[year_header(year, kind)] = float(entry[kind]) if kind in entry else None
    return cells


def render_project_xlsx(title: str, projects: Iterable[Project], years: list[int]) -> bytes:
    """``projects`` with category, region, department, funding and years loaded; money in 万元."""
    headers = [*PROJECT_HEADERS, *(year_header(year, kind) for year in years for kind in ("planned", "completed"))]
    rows = []
    for project in projects:
        cells = project_cells(project, *project_money(project), years)
        rows.append([cells[column] for column in headers])
    return _book(title, headers, rows, [6, 36, 14, 14, 20, 40, 16, 14, 30, 10, 10] + [14] * (2 * len(years)))
