"""The responsibility list: import all-or-nothing with row-level errors, export readable back."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from apps.core.errors import DomainError, ImportRejected
from apps.programs import services
from apps.programs.models import Responsibility
from apps.programs.selectors import responsibility_export
from tests.sheets import xlsx


def sheet(rows, header=("序号", "指标名称", "目标值", "牵头单位", "配合单位"), title=True) -> bytes:
    return xlsx([header, *rows], title="甲市创建指标责任分工表" if title else None)


GOOD = [
    ("29", "城镇污水处理率", "≥95", "市住建局", "市生态环境局、丘陵县人民政府"),
    ("37", "政府绿色采购比例", "≥80", "市财政局", ""),
    ("7", "环境空气质量：优良天数比例", "", "生态环境局", "市住房和城乡建设局"),
    ("7", "PM2.5浓度下降幅度", "", "市生态环境局", ""),
]


def test_import_writes_leads_and_cooperators(world):
    preview = services.responsibilities_import(program=world.program, data=sheet(GOOD))
    assert preview.ok and len(preview.resolved) == 4
    rows = Responsibility.objects.filter(program=world.program, indicator__code="2019-29").order_by("role", "order")
    assert [(r.department.name, r.role) for r in rows] == [
        ("市生态环境局", "cooperate"), ("丘陵县人民政府", "cooperate"), ("市住建局", "lead")]
    # unit names as written (aliases) resolve to the unit
    assert Responsibility.objects.get(indicator__code="2019-07a", role="lead").department.name == "市生态环境局"


@pytest.mark.parametrize(
    ("bad_row", "column", "message"),
    [
        (("38", "不存在的指标", "", "市财政局", ""), "指标名称", "未知指标「不存在的指标」"),
        (("38", "党政领导干部参加生态文明培训的人数比例", "", "", "市财政局"), "牵头单位", "牵头单位为空"),
        (("38", "党政领导干部参加生态文明培训的人数比例", "", "市组织部", ""), "牵头单位", "未知单位「市组织部」"),
        (("38", "党政领导干部参加生态文明培训的人数比例", "", "市财政局", "市宣传部"), "配合单位", "未知单位「市宣传部」"),
        (("29", "城镇污水处理率", "", "市水务局", ""), "指标名称", "与第3行重复"),
        (("38", "党政领导干部参加生态文明培训的人数比例", "", "市财政局", "市财政局"), "配合单位", "出现两次"),
    ],
)
def test_one_bad_row_writes_nothing_and_names_the_row(world, bad_row, column, message):
    services.responsibilities_import(program=world.program, data=sheet(GOOD[:1]))
    before = list(Responsibility.objects.values_list("indicator_id", "department_id", "role").order_by("id"))
    with pytest.raises(ImportRejected) as caught:
        services.responsibilities_import(program=world.program, data=sheet([*GOOD, bad_row]))
    errors = caught.value.errors
    assert [(e.row, e.column) for e in errors] == [(7, column)]
    assert message in errors[0].message
    assert str(errors[0]).startswith("第7行")
    after = list(Responsibility.objects.values_list("indicator_id", "department_id", "role").order_by("id"))
    assert after == before


def test_not_a_workbook_and_missing_header_are_clear_errors(world):
    with pytest.raises(DomainError, match="不是 Excel"):
        services.responsibilities_check(program=world.program, data=b"%PDF-1.4 not a sheet")
    with pytest.raises(DomainError, match="未找到表头"):
        services.responsibilities_check(program=world.program, data=sheet(GOOD, header=("a", "b", "c")))


def test_target_mismatch_is_a_warning_not_an_error(world):
    preview = services.responsibilities_check(
        program=world.program, data=sheet([("29", "城镇污水处理率", "≥90", "市住建局", "")]))
    assert preview.ok
    assert "不一致" in preview.warnings[0].message


def test_export_reads_back_through_the_import(world):
    services.responsibilities_import(program=world.program, data=sheet(GOOD))
    exported = responsibility_export(world.program)
    ws = load_workbook(io.BytesIO(exported)).active
    assert [c.value for c in ws[2]] == ["序号", "指标名称", "目标值", "牵头单位", "配合单位"]
    row = next(r for r in ws.iter_rows(min_row=3, values_only=True) if r[1] == "城镇污水处理率")
    assert row == ("29", "城镇污水处理率", "≥95%", "市住建局", "市生态环境局、丘陵县人民政府")
    # the exported sheet (with empty rows for unassigned indicators removed) imports cleanly again
    rows = [r for r in ws.iter_rows(min_row=3, values_only=True) if r[3]]
    Responsibility.objects.all().delete()
    services.responsibilities_import(program=world.program, data=sheet(rows))
    assert Responsibility.objects.filter(program=world.program).count() == 7


def test_a_parent_row_assigns_its_sub_indicators_unless_they_have_their_own(world):
    rows = [
        ("7", "环境空气质量", "", "市生态环境局", "市住建局"),
        ("7", "PM2.5浓度下降幅度", "", "市水务局", ""),
    ]
    preview = services.responsibilities_import(program=world.program, data=sheet(rows))
    named = [indicator.code for indicator, _, _ in preview.resolved]
    assert named == ["2019-07", "2019-07b", "2019-07a"]  # the preview shows what the parent row brings along

    def units(code: str) -> list[tuple[str, str]]:
        return [(r.department.name, r.role) for r in Responsibility.objects.filter(
            program=world.program, indicator__code=code).order_by("role", "order")]

    assert units("2019-07a") == [("市住建局", "cooperate"), ("市生态环境局", "lead")]
    assert units("2019-07b") == [("市水务局", "lead")]  # its own row wins over the parent's


def test_setting_a_parent_sets_its_sub_indicators(world):
    parent = world.program.framework.indicators.get(code="2019-07")
    services.responsibility_set(program=world.program, indicator=parent, leads=[world.units["市生态环境局"]],
                                cooperators=[])
    leads = Responsibility.objects.filter(program=world.program, role="lead").values_list("indicator__code", flat=True)
    assert sorted(leads) == ["2019-07", "2019-07a", "2019-07b"]
