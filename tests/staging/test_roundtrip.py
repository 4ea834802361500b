"""Trust #11.1 and #11.11: every list round-trips (export → import changes nothing, a column the sheet lacks is
left alone, a changed cell shows old → new), and every export writes user text as text, never a formula."""

from __future__ import annotations

import io
from types import SimpleNamespace

import polars as pl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from openpyxl import load_workbook

from apps.core.errors import ImportRejected, RowError
from apps.monitoring.samples import to_bytes
from apps.programs import services as program_services
from apps.programs.models import Responsibility
from apps.programs.selectors import responsibility_export
from apps.reporting.bulk import reporting_import_check, reporting_import_commit
from apps.reporting.exports import department_template
from apps.reporting.models import IndicatorValue, ValueRevision
from apps.review.models import ReviewEvent
from apps.tasks import services
from apps.tasks.exports import render_project_xlsx, render_task_xlsx
from apps.tasks.models import Project, ProjectFunding, ProjectYear, Task, TaskUnit
from apps.tasks.selectors import project_queryset, task_list
from tests.programs.test_services import GOOD, sheet
from tests.reporting.conftest import rep, save  # noqa: F401 - the values fixture
from tests.sheets import xlsx
from tests.tasks.conftest import plan  # noqa: F401 - the task-list fixture
from tests.tasks.test_import import GOOD_TASKS

FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1", "-1+2", "@SUM(A1)"]


def table(*model_classes: type[models.Model]) -> list[tuple]:
    """Every row of the tables, every column (ids included): equal before and after means nothing was written."""
    return [tuple(row.values()) for model in model_classes for row in model.objects.order_by("pk").values()]


def project_sheet(world: SimpleNamespace) -> bytes:
    return render_project_xlsx("项目清单", project_queryset(world.users.office, world.program), [2025])


# --- projects ------------------------------------------------------------------------------------


def test_exported_project_list_imports_as_no_change(world: SimpleNamespace, plan: SimpleNamespace) -> None:  # noqa: F811
    Project.objects.filter(pk=plan.own_project.pk).update(percent=37, location="")  # 形象进度 as the demo has it
    before = table(Project, ProjectFunding, ProjectYear)
    checked = services.project_list_check(program=world.program, data=project_sheet(world))
    assert checked.plan() == {"changes": [], "unchanged": 2}
    assert services.project_list_import(program=world.program, data=project_sheet(world)) == {
        "created": 0, "updated": 0, "unchanged": 2}
    assert table(Project, ProjectFunding, ProjectYear) == before


def test_a_changed_project_cell_shows_old_and_new(world: SimpleNamespace, plan: SimpleNamespace) -> None:  # noqa: F811
    Project.objects.filter(pk=plan.own_project.pk).update(percent=37)
    book = load_workbook(io.BytesIO(project_sheet(world)))
    sheet_ = book.active
    header = [c.value for c in sheet_[2]]
    row = next(r for r in sheet_.iter_rows(min_row=3) if r[1].value == plan.own_project.name)
    row[header.index("形象进度（%）")].value = 55
    buffer = io.BytesIO()
    book.save(buffer)
    checked = services.project_list_check(program=world.program, data=buffer.getvalue())
    assert [(c.name, [(f.field, f.old, f.new) for f in c.changes]) for c in (r.change for r in checked.rows)] == [
        (plan.own_project.name, [("形象进度（%）", "37", "55")])]
    funding_ids = table(ProjectFunding, ProjectYear)
    services.project_list_import(program=world.program, data=buffer.getvalue())
    plan.own_project.refresh_from_db()
    assert plan.own_project.percent == 55 and table(ProjectFunding, ProjectYear) == funding_ids


def test_a_sheet_without_optional_columns_leaves_those_fields_alone(world: SimpleNamespace,
                                                                    plan: SimpleNamespace) -> None:  # noqa: F811
    Project.objects.filter(pk=plan.other_project.pk).update(percent=80, content="提标改造一期")
    before = table(Project, ProjectFunding, ProjectYear)
    rows = [["项目名称", "项目类别", "责任单位", "起止年限", "总投资（万元）"],
            [plan.other_project.name, "净空净水净土", "市住建局", "2024-2025", 32600]]
    assert services.project_list_import(program=world.program, data=xlsx(rows))["unchanged"] == 1
    assert table(Project, ProjectFunding, ProjectYear) == before  # 形象进度, 状态, 建设内容 and funding kept


# --- tasks ---------------------------------------------------------------------------------------


def test_exported_task_list_imports_as_no_change(world: SimpleNamespace) -> None:
    services.task_list_import(program=world.program, data=xlsx(GOOD_TASKS))
    Task.objects.filter(number="1.").update(percent=40, status="in_progress")
    before = table(Task, TaskUnit)
    data = render_task_xlsx("任务清单", task_list(world.users.office, world.program))
    resolved = services.task_list_check(program=world.program, data=data)
    assert services.task_list_changes(program=world.program, resolved=resolved).plan() == {
        "changes": [], "unchanged": 6}
    assert services.task_list_import(program=world.program, data=data) == {"created": 0, "updated": 0,
                                                                           "unchanged": 6}
    assert table(Task, TaskUnit) == before


def test_a_changed_task_cell_shows_old_and_new_and_only_it_is_written(world: SimpleNamespace) -> None:
    services.task_list_import(program=world.program, data=xlsx(GOOD_TASKS))
    rows = [list(r) for r in GOOD_TASKS]
    rows[2][1] = "生态文明建设规划（修编）"
    units = table(TaskUnit)
    resolved = services.task_list_check(program=world.program, data=xlsx(rows))
    plan_ = services.task_list_changes(program=world.program, resolved=resolved).plan()
    assert plan_["unchanged"] == 5
    assert plan_["changes"] == [{"row": 4, "name": "生态文明建设规划（修编）", "created": False,
                                 "changes": [["任务名称", "任务名称", "生态文明建设规划", "生态文明建设规划（修编）"]]}]
    assert services.task_list_import(program=world.program, data=xlsx(rows))["updated"] == 1
    assert table(TaskUnit) == units


# --- responsibilities ----------------------------------------------------------------------------


def test_exported_responsibility_list_imports_as_no_change(world: SimpleNamespace) -> None:
    program_services.responsibilities_import(program=world.program, data=sheet(GOOD))
    before = table(Responsibility)
    preview = program_services.responsibilities_import(program=world.program,
                                                       data=responsibility_export(world.program))
    assert preview.changes == [] and preview.unchanged == len(preview.resolved) > 0
    assert table(Responsibility) == before


# --- values --------------------------------------------------------------------------------------


def test_downloaded_values_template_imports_as_no_change(rep: SimpleNamespace) -> None:  # noqa: F811
    office = rep.world.users.office
    save(rep, office, number="25.5", explanation="监测站年均值", source="市监测站")
    save(rep, office, region=rep.world.counties["hill"], number="30", submit=True)
    save(rep, office, indicator=rep.qualitative, number=None, qualitative="in_progress")
    before = table(IndicatorValue, ValueRevision, ReviewEvent)
    data, _ = department_template(rep.round, office)
    preview = reporting_import_check(reporting_round=rep.round, actor=office, data=data)
    assert preview.ok and preview.lines == [] and preview.unchanged == 3  # the submitted one is no error either
    reporting_import_commit(reporting_round=rep.round, actor=office, data=data)
    assert table(IndicatorValue, ValueRevision, ReviewEvent) == before


def test_a_values_sheet_without_the_text_columns_keeps_the_stored_texts(rep: SimpleNamespace) -> None:  # noqa: F811
    office = rep.world.users.office
    save(rep, office, number="25.5", explanation="监测站年均值", source="市监测站", caliber="全市")
    book = load_workbook(io.BytesIO(department_template(rep.round, office)[0]))
    sheet_ = book.active
    sheet_.delete_cols(10, 3)  # 情况说明, 数据来源, 统计口径
    for row in sheet_.iter_rows(min_row=3):
        if row[0].value == rep.world.city.code and row[2].value == rep.numeric.code:
            row[7].value = 26
    buffer = io.BytesIO()
    book.save(buffer)
    preview = reporting_import_check(reporting_round=rep.round, actor=office, data=buffer.getvalue())
    assert [[(c.field, c.old, c.new) for c in line.changes] for line in preview.lines] == [[("number", "25.5", "26")]]


# --- formula-safe exports ------------------------------------------------------------------------


def _text_cells(data: bytes, texts: list[str]) -> None:
    """Each of ``texts`` is in the workbook as a text cell, verbatim, and no cell holds a formula."""
    book = load_workbook(io.BytesIO(data))
    cells = [cell for row in book.active.iter_rows() for cell in row if cell.value is not None]
    assert not [c for c in cells if c.data_type == "f"]
    for text in texts:
        assert any(c.value == text and c.data_type == "s" for c in cells), text


@pytest.mark.parametrize("name", FORMULAS)
def test_task_and_project_exports_write_formulas_as_text(world: SimpleNamespace, plan: SimpleNamespace,  # noqa: F811
                                                         client_for, name: str) -> None:
    Task.objects.filter(pk=plan.own.pk).update(title=name, description=name + "\x07")
    Project.objects.filter(pk=plan.own_project.pk).update(name=name, content=name)
    client = client_for(world.users.office)
    for url in (f"/programs/{world.program.id}/tasks.xlsx", f"/programs/{world.program.id}/projects.xlsx",
                f"/api/programs/{world.program.id}/tasks.xlsx", f"/api/programs/{world.program.id}/projects.xlsx"):
        response = client.get(url)
        assert response.status_code == 200, url
        _text_cells(response.content, [name])
    data = render_task_xlsx("任务清单", task_list(world.users.office, world.program))
    resolved = services.task_list_check(program=world.program, data=data)  # and the text reads back verbatim
    assert services.task_list_changes(program=world.program, resolved=resolved).plan()["changes"] == [
        {"row": 4, "name": name, "created": False, "changes": [["工作内容", "工作内容", name + "\x07", name]]}]


def test_responsibility_and_values_exports_write_formulas_as_text(world: SimpleNamespace,
                                                                  rep: SimpleNamespace, client_for) -> None:  # noqa: F811
    office = world.users.office
    save(rep, office, number="25", explanation="=1+1", source="@SUM(A1)", caliber="-1+2")
    world.units["市生态环境局"].__class__.objects.filter(pk=world.units["市生态环境局"].pk).update(name="+市生态环境局")
    client = client_for(office)
    response = client.get(f"/programs/{world.program.id}/responsibilities.xlsx")
    assert response.status_code == 200
    _text_cells(response.content, ["+市生态环境局"])
    response = client.get(f"/programs/{world.program.id}/rounds/{rep.round.id}/template.xlsx")
    assert response.status_code == 200
    _text_cells(response.content, ["=1+1", "@SUM(A1)", "-1+2"])


@pytest.mark.usefixtures("plan")
def test_a_program_name_excel_refuses_as_a_sheet_title_still_downloads(world: SimpleNamespace,
                                                                       client_for) -> None:
    world.program.__class__.objects.filter(pk=world.program.pk).update(name="甲市[2025]/试点:*?")
    response = client_for(world.users.office).get(f"/programs/{world.program.id}/tasks.xlsx")
    assert response.status_code == 200 and load_workbook(io.BytesIO(response.content)).active.title


# --- row errors ----------------------------------------------------------------------------------


def test_row_errors_come_in_row_order() -> None:
    rejected = ImportRejected([RowError(9, "a", "x"), RowError(3, "b", "y"), RowError(0, "", "z")])
    assert [e.row for e in rejected.errors] == [0, 3, 9]


def test_task_page_upload_keeps_counts(world: SimpleNamespace, client_for) -> None:
    url = f"/programs/{world.program.id}/tasks/import/"
    office = client_for(world.users.office)
    for _ in range(2):
        preview = office.post(url, {"file": SimpleUploadedFile("t.xlsx", xlsx(GOOD_TASKS))})
        response = office.post(url, {"token": preview.context["token"]})
        assert response.status_code == 302
    assert Task.objects.count() == 6


def test_monitoring_sample_files_write_text_as_text() -> None:
    frame = pl.DataFrame({"站点名称": [*FORMULAS, "站\x07点"], "值": [1.0] * (len(FORMULAS) + 1)})
    _text_cells(to_bytes(frame, "xlsx"), [*FORMULAS, "站点"])
