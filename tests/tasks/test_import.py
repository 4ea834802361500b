"""任务清单 and 项目清单 sheets: all-or-nothing with row errors; exports read back by the import."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.core.errors import ImportRejected
from apps.tasks import services
from apps.tasks.exports import render_project_xlsx, render_task_xlsx
from apps.tasks.models import Project, ProjectFunding, ProjectYear, Task, TaskUnit
from apps.tasks.selectors import project_queryset, task_list, task_queryset
from docimport.projects import parse_amount, parse_funding, parse_period
from docimport.tasks import number_level, parse_deadline
from tests.conftest import ClientFor
from tests.sheets import xlsx

TASK_HEADER = ["序号", "任务名称", "工作内容/具体措施", "牵头单位", "配合单位", "完成时限"]
GOOD_TASKS = [
    TASK_HEADER,
    ["（一）", "目标责任体系与制度建设", "", "", "", ""],
    ["1.", "生态文明建设规划", "编制印发《规划》", "生态环境局", "市财政局、市统计局", "2025年6月底"],
    ["（1）", "规划专家论证", "", "", "", "2025-04-30"],
    ["2", "河长制", "构建河湖管理保护机制", "市水务局", "市住房和城乡建设局", "长期坚持"],
    ["二、", "生态环境质量改善", "", "", "", ""],
    ["1、", "环境空气质量", "", "市生态环境局", "", "2027年"],
]


@pytest.mark.parametrize("number,level", [
    ("（一）", 0), ("(二)", 0), ("一、", 0), ("任务三", 0), ("1.", 1), ("12、", 1), ("3", 1), ("（1）", 2),
    ("(2)", 2), ("①", 2), ("A", None), ("1.1", None),
])
def test_number_levels(number: str, level: int | None) -> None:
    assert number_level(number) == level


@pytest.mark.parametrize("text,expected", [
    ("2025年6月底", dt.date(2025, 6, 30)), ("2025年2月", dt.date(2025, 2, 28)), ("2024年2月底", dt.date(2024, 2, 29)),
    ("2025-06-30", dt.date(2025, 6, 30)), ("2025年12月31日", dt.date(2025, 12, 31)), ("2026年底", dt.date(2026, 12, 31)),
    ("2026", dt.date(2026, 12, 31)), ("长期坚持", None), ("持续推进", None), ("", None),
    (dt.datetime(2025, 3, 1, 0, 0), dt.date(2025, 3, 1)),
])
def test_deadlines(text: str, expected: dt.date | None) -> None:
    assert parse_deadline(text)[0] == expected


@pytest.mark.parametrize("text", ["尽快", "2025年13月", "2025-02-30"])
def test_bad_deadlines(text: str):
    with pytest.raises(ValueError):
        parse_deadline(text)


def test_money_units():
    assert parse_amount("2221.71", Decimal(10000)) == Decimal("22217100.00")
    assert parse_amount("1.2亿元", Decimal(1)) == Decimal("12000.00")
    assert parse_amount("8,900", Decimal(1)) == Decimal("8900.00")
    assert parse_amount(0.1, Decimal(10000)) == Decimal("1000.00")
    with pytest.raises(ValueError):
        parse_amount("-5", Decimal(1))
    assert parse_period("2024—2026年") == (dt.date(2024, 1, 1), dt.date(2026, 12, 31))
    assert parse_period("2024.3-2025.2") == (dt.date(2024, 3, 1), dt.date(2025, 2, 28))
    with pytest.raises(ValueError):
        parse_period("2026-2024")
    assert parse_funding("财政资金500、社会资本1亿元", Decimal(1)) == (("fiscal", Decimal("500.00")),
                                                                   ("social", Decimal("10000.00")))
    assert parse_funding("财政资金、PPP", Decimal(1)) == (("fiscal", None), ("ppp", None))


def test_task_import_builds_the_tree(world: SimpleNamespace):
    result = services.task_list_import(program=world.program, data=xlsx(GOOD_TASKS))
    assert result == {"created": 6, "updated": 0, "unchanged": 0}
    plan = Task.objects.get(title="生态文明建设规划")
    assert (plan.level, plan.parent.title, plan.deadline) == (1, "目标责任体系与制度建设", dt.date(2025, 6, 30))
    sub = Task.objects.get(title="规划专家论证")
    assert sub.parent == plan and sub.level == 2
    assert [u.department.name for u in sub.units.all()] == ["市生态环境局"]  # inherits its parent's lead
    assert {u.department.name: u.role for u in plan.units.all()} == {
        "市生态环境局": "lead", "市财政局": "cooperate", "市统计局": "cooperate"}
    assert Task.objects.get(title="河长制").deadline is None
    air = Task.objects.get(title="环境空气质量")
    assert air.parent.title == "生态环境质量改善" and air.deadline == dt.date(2027, 12, 31)


def test_bad_task_rows_write_nothing(world: SimpleNamespace):
    rows = [*GOOD_TASKS, ["3.", "未知单位的任务", "", "市不存在局", "", "2025年"],
            ["4.", "没有时限格式", "", "市水务局", "", "尽快"], ["X", "序号不对", "", "市水务局", "", ""],
            ["5.", "", "", "", "", ""]]
    with pytest.raises(ImportRejected) as caught:
        services.task_list_import(program=world.program, data=xlsx(rows))
    found = {(e.row, e.column) for e in caught.value.errors}
    assert {(9, "牵头单位"), (10, "完成时限"), (11, "序号"), (12, "任务名称"), (12, "牵头单位")} <= found
    assert not Task.objects.exists() and not TaskUnit.objects.exists()


def test_task_export_reads_back(world: SimpleNamespace):
    services.task_list_import(program=world.program, data=xlsx(GOOD_TASKS))
    before = [(t.number, t.title, t.level, t.parent_id, t.deadline,
               sorted((u.department_id, u.role) for u in t.units.all())) for t in task_queryset(world.users.office,
                                                                                                world.program)]
    data = render_task_xlsx("任务清单", task_list(world.users.office, world.program))
    assert services.task_list_import(program=world.program, data=data) == {"created": 0, "updated": 0, "unchanged": 6}
    after = [(t.number, t.title, t.level, t.parent_id, t.deadline,
              sorted((u.department_id, u.role) for u in t.units.all())) for t in task_queryset(world.users.office,
                                                                                               world.program)]
    assert after == before


PROJECT_HEADER = ["序号", "项目名称", "项目类别", "建设地点", "责任单位", "建设内容", "起止年限", "总投资（亿元）", "资金来源",
                  "2025年计划投资（亿元）", "2025年完成投资（亿元）"]


def test_project_import_in_yi(world: SimpleNamespace):
    rows = [PROJECT_HEADER,
            [1, "渭河流域生态修复", "生态屏障建设", "丘陵县某镇", "市生态环境局", "修复", "2024-2026", 18.6,
             "财政资金5亿元、上级专项13.6", 6, 5.5],
            [2, "城区污水管网", "净空净水净土", "全市", "市住建局", "", "2025—2026年", "0.89", "PPP", "", ""]]
    assert services.project_list_import(program=world.program, data=xlsx(rows)) == {"created": 2, "updated": 0, "unchanged": 0}
    first = Project.objects.get(name="渭河流域生态修复")
    assert first.total_investment == Decimal("186000.00") and first.region == world.counties["hill"]
    assert {f.source: f.amount for f in first.funding.all()} == {"fiscal": Decimal("50000.00"),
                                                                "special": Decimal("136000.00")}
    year = ProjectYear.objects.get(project=first, year=2025)
    assert (year.planned, year.completed) == (Decimal("60000.00"), Decimal("55000.00"))
    second = Project.objects.get(name="城区污水管网")
    assert second.total_investment == Decimal("8900.00") and second.region == world.city


def test_project_import_with_unit_column(world: SimpleNamespace):
    rows = [["序号", "项目名称", "项目类别", "所在县区", "责任单位", "起止年限", "总投资", "单位"],
            [1, "甲", "生态农业", "平原县", "市水务局", "2025", "2.5", "亿元"],
            [2, "乙", "生态农业", "平原县", "市水务局", "2025", "300", "万元"]]
    services.project_list_import(program=world.program, data=xlsx(rows))
    assert dict(Project.objects.values_list("name", "total_investment")) == {"甲": Decimal("25000.00"),
                                                                             "乙": Decimal("300.00")}


def test_bad_project_rows_write_nothing(world: SimpleNamespace):
    rows = [PROJECT_HEADER,
            [1, "好项目", "生态工业", "丘陵县", "市水务局", "", "2024-2026", 1, "财政资金", "", ""],
            [2, "类别错", "不存在的类别", "丘陵县", "市水务局", "", "2024-2026", 1, "", "", ""],
            [3, "外地项目", "生态工业", "乙市", "市水务局", "", "2024-2026", 1, "", "", ""],
            [4, "金额错", "生态工业", "丘陵县", "市水务局", "", "2024-2026", "一亿", "", "", ""],
            [5, "资金超", "生态工业", "丘陵县", "市水务局", "", "2024-2026", 1, "财政资金2亿元", "", ""],
            [6, "年限错", "生态工业", "丘陵县", "市水务局", "", "2026-2024", 1, "众筹", "", ""],
            [7, "好项目", "生态工业", "丘陵县", "市不存在局", "", "2024-2026", 1, "", "", ""]]
    with pytest.raises(ImportRejected) as caught:
        services.project_list_import(program=world.program, data=xlsx(rows))
    found = {(e.row, e.column) for e in caught.value.errors}
    assert {(4, "项目类别"), (5, "建设地点"), (6, "总投资（亿元）"), (7, "资金来源"), (8, "起止年限"), (8, "资金来源"),
            (9, "责任单位"), (9, "项目名称")} <= found
    assert not Project.objects.exists() and not ProjectFunding.objects.exists()


def test_missing_money_unit_is_an_error(world: SimpleNamespace):
    rows = [["序号", "项目名称", "项目类别", "建设地点", "责任单位", "起止年限", "总投资"],
            [1, "甲", "生态农业", "平原县", "市水务局", "2025", "2.5"]]
    with pytest.raises(ImportRejected) as caught:
        services.project_list_import(program=world.program, data=xlsx(rows))
    assert caught.value.errors[0].column == "总投资"


@pytest.mark.usefixtures("plan")
def test_project_export_reads_back(world: SimpleNamespace):
    projects = project_queryset(world.users.office, world.program)
    data = render_project_xlsx("项目清单", projects, [2025])

    def snapshot() -> list:
        return [(p.name, p.category_id, p.region_id, p.department_id, p.start, p.end, p.total_investment, p.status,
                 sorted((f.source, f.amount) for f in p.funding.all()),
                 [(y.year, y.planned, y.completed) for y in p.years.all()])
                for p in project_queryset(world.users.office, world.program)]

    before = snapshot()
    assert services.project_list_import(program=world.program, data=data) == {"created": 0, "updated": 0, "unchanged": 2}
    assert snapshot() == before


def test_import_endpoint_reports_rows_and_needs_office(world: SimpleNamespace, client_for: ClientFor):
    bad = xlsx([*GOOD_TASKS, ["3.", "x", "", "市不存在局", "", ""]])
    url = f"/api/programs/{world.program.id}/tasks/import"
    response = client_for(world.users.reporter).post(url, {"file": SimpleUploadedFile("t.xlsx", bad)})
    assert response.status_code == 403
    response = client_for(world.users.office).post(url, {"file": SimpleUploadedFile("t.xlsx", bad)})
    assert response.status_code == 400
    assert response.json()["errors"] == [{"row": 9, "column": "牵头单位", "message": "未找到单位「市不存在局」。",
                                         "subject": "x"}]
    page = client_for(world.users.office).post(f"/programs/{world.program.id}/tasks/import/",
                                               {"file": SimpleUploadedFile("t.xlsx", bad)})
    assert "未找到单位「市不存在局」" in page.content.decode()
    assert not Task.objects.exists()


def test_an_overlong_or_control_character_cell_is_a_row_error(world: SimpleNamespace):
    """Checked against the model before any write: never truncated (SQLite) nor a server error (PostgreSQL)."""
    rows = [*GOOD_TASKS, ["3.", "长" * 201, "", "市水务局", "", "2025年"],
            ["4.", "名称\x7f删除", "", "市水务局", "", "2025年"]]
    with pytest.raises(ImportRejected) as caught:
        services.task_list_import(program=world.program, data=xlsx(rows))
    assert {(e.row, e.column) for e in caught.value.errors} == {(9, "任务名称"), (10, "任务名称")}
    assert "200" in str(caught.value.errors[0]) and not Task.objects.exists()
    rows = [PROJECT_HEADER, [1, "项" * 201, "生态工业", "丘陵县", "市水务局", "内\x7f容", "2024-2026", 1, "", "", ""]]
    with pytest.raises(ImportRejected) as caught:
        services.project_list_import(program=world.program, data=xlsx(rows))
    assert {(e.row, e.column) for e in caught.value.errors} == {(3, "项目名称"), (3, "建设内容")}
    assert not Project.objects.exists()
