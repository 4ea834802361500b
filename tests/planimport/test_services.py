"""The staged plan: what it would write (old → new), each correction, and an all-or-nothing commit."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from types import SimpleNamespace

import pytest

from apps.audit.models import AuditEvent
from apps.core.errors import DomainError
from apps.core.uploads import check_upload
from apps.geo.models import Department
from apps.planimport import services
from apps.planimport.draft import Correction, CorrectionKind, Draft
from apps.planimport.models import PlanSummary
from apps.planimport.services import plan_upload
from apps.programs.models import Phase, Responsibility, TargetEdit
from apps.staging.models import StagedImport
from apps.staging.services import staged_import_commit
from apps.tasks.models import Task, TaskUnit
from apps.tasks.services import task_create
from docimport.plan import Heading, Span
from tests.planimport.conftest import plan_extraction, plan_file

TABLES = (Task, TaskUnit, Department, Responsibility, TargetEdit, Phase, PlanSummary)


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in TABLES}


def _draft(staged: StagedImport) -> Draft:
    staged.refresh_from_db()
    return Draft.from_json(staged.plan["draft"])


def _names(staged: StagedImport) -> list[str]:
    staged.refresh_from_db()
    return [row["name"] for row in staged.plan["changes"]]


def _correct(staged: StagedImport, world: SimpleNamespace, **fields) -> StagedImport:
    staged.refresh_from_db()
    return services.plan_correct(staged=staged, actor=world.users.office, correction=Correction(**fields),
                                 version=staged.plan["version"])


def test_the_preview_matches_units_and_targets_and_plans_old_to_new(staged: StagedImport) -> None:
    draft = _draft(staged)
    units = {u.name: u for u in draft.units}
    assert units["市住房城乡建设局"].department_name == "市住建局" and units["市住房城乡建设局"].confidence == 0.9
    assert units["市生态环境局"].confidence == 1.0 and units["市教育局"].action == "new"
    assert units["各县区政府"].action == "skip"
    assert [t.indicator_name for t in draft.targets] == ["林草覆盖率", "优良天数比例"]
    assert _names(staged) == ["单位：市教育局", "任务：推进第1项工作", "任务：推进第2项工作", "责任分工：优良天数比例",
                              "目标：林草覆盖率", "目标：优良天数比例", "阶段：全面启动阶段", "项目汇总"]
    task = staged.plan["changes"][1]
    assert task["created"] and ["牵头单位", "牵头单位", "", "市生态环境局"] in task["changes"]
    assert ["配合单位", "配合单位", "", "市住建局、市教育局"] in task["changes"]


def test_commit_writes_every_list_with_the_documents_sha256(staged: StagedImport, world: SimpleNamespace) -> None:
    staged = staged_import_commit(staged=staged, actor=world.users.office, backend="inline")
    assert staged.status == "committed", staged.errors
    education = Department.objects.get(region=world.city, name="市教育局")
    task = Task.objects.get(program=world.program, title="推进第1项工作")
    assert task.number == "二.1"
    assert [(u.department.name, u.role) for u in task.units.order_by("role", "order")] == [
        ("市住建局", "cooperate"), ("市教育局", "cooperate"),
        ("市生态环境局", "lead")]
    rows = Responsibility.objects.filter(program=world.program, indicator__name="优良天数比例")
    assert {(r.department_id, r.role) for r in rows} == {(world.units["市生态环境局"].id, "lead"),
                                                         (world.units["市住建局"].id, "cooperate"),
                                                         (education.id, "cooperate")}
    edit = TargetEdit.objects.get(program=world.program, indicator__name="林草覆盖率")
    assert edit.target == ">=41" and staged.sha256[:12] in edit.reason and "林草覆盖率稳定在41%以上" in edit.reason
    assert Phase.objects.get(program=world.program, name="全面启动阶段").start.isoformat() == "2021-12-01"
    summary = PlanSummary.objects.get(program=world.program)
    assert (summary.projects_count, str(summary.investment_yi_yuan), summary.sha256) == (12, "21.5000", staged.sha256)
    event = AuditEvent.objects.filter(action="import.commit").latest("id")
    assert event.details["sha256"] == staged.sha256 and event.details["kind"] == "planimport.plan"


def test_the_same_plan_again_updates_nothing_but_adds_its_record(staged: StagedImport, world: SimpleNamespace,
                                                                  read_as) -> None:  # noqa: ARG001
    staged_import_commit(staged=staged, actor=world.users.office, backend="inline")
    again = services.plan_stage(program=world.program, draft=_draft(staged))
    assert [row["name"] for row in again["changes"]] == ["项目汇总"]
    assert again["unchanged"] == 6  # two tasks, one responsibility, two targets, one phase


def test_an_existing_task_with_the_same_title_is_updated_not_added(staged: StagedImport, world: SimpleNamespace) -> None:
    task_create(program=world.program, title="推进第2项工作", leads=[world.units["市财政局"]])
    plan = services.plan_stage(program=world.program, draft=_draft(staged))
    row = next(r for r in plan["changes"] if r["name"] == "任务：推进第2项工作")
    assert not row["created"] and row["changes"] == [["牵头单位", "牵头单位", "市财政局", "市住建局"]]


def test_a_commit_failing_in_its_last_write_leaves_nothing(staged: StagedImport, world: SimpleNamespace,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    before = _counts()

    def fail(**_kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "plan_summary_write", fail)
    with pytest.raises(DomainError, match="disk full"):
        staged_import_commit(staged=staged, actor=world.users.office, backend="inline")
    assert _counts() == before
    staged.refresh_from_db()
    assert staged.status == "failed"


def test_a_unit_created_meanwhile_refuses_the_commit_and_previews_again(staged: StagedImport,
                                                                       world: SimpleNamespace) -> None:
    Department.objects.create(region=world.city, name="市教育局")  # the unique name the commit would create
    before = _counts()
    with pytest.raises(DomainError, match="预览后已有变化"):
        staged_import_commit(staged=staged, actor=world.users.office, backend="inline")
    assert _counts() == before
    staged.refresh_from_db()
    assert staged.status == "previewed" and "单位：市教育局" not in _names(staged)


def test_correct_title_and_units(staged: StagedImport, world: SimpleNamespace) -> None:
    _correct(staged, world, kind=CorrectionKind.TITLE, key="t1", title="深入推进燃煤锅炉整治")
    _correct(staged, world, kind=CorrectionKind.UNITS, key="t2", lead=("市水务局",), cooperating=("市文旅局", "市水务局"))
    draft = _draft(staged)
    assert draft.tasks[0].title == "深入推进燃煤锅炉整治"
    assert (draft.tasks[1].lead, draft.tasks[1].cooperating) == (("市水务局",), ("市文旅局",))
    assert draft.unit("市文旅局").action == "new"
    assert "单位：市文旅局" in _names(staged) and "任务：深入推进燃煤锅炉整治" in _names(staged)


def test_correct_a_unit_to_an_existing_department_or_no_unit(staged: StagedImport, world: SimpleNamespace) -> None:
    _correct(staged, world, kind=CorrectionKind.UNIT, unit="市教育局", action="match",
             department_id=world.units["市统计局"].id)
    assert _draft(staged).unit("市教育局").department_name == "市统计局"
    assert "单位：市教育局" not in _names(staged)
    _correct(staged, world, kind=CorrectionKind.UNIT, unit="市住房城乡建设局", action="skip")
    row = next(r for r in _draft(staged).tasks if r.key == "t1")
    assert row.cooperating == ("市住房城乡建设局", "市教育局")  # as written; the unit is left out when written
    changes = next(r for r in staged.plan["changes"] if r["name"] == "任务：推进第1项工作")["changes"]
    assert ["配合单位", "配合单位", "", "市统计局"] in changes
    with pytest.raises(DomainError, match="不属于本创建工作"):
        _correct(staged, world, kind=CorrectionKind.UNIT, unit="市教育局", action="match",
                 department_id=world.other_unit.id)


def test_merge_split_and_drop(staged: StagedImport, world: SimpleNamespace) -> None:
    _correct(staged, world, kind=CorrectionKind.MERGE, key="t1", other="t2")
    draft = _draft(staged)
    assert [t.title for t in draft.tasks] == ["推进第1项工作；推进第2项工作"]
    assert draft.tasks[0].lead == ("市生态环境局", "市住建局")
    _correct(staged, world, kind=CorrectionKind.SPLIT, key="t1", titles=("燃煤锅炉整治", "扬尘管控"))
    draft = _draft(staged)
    assert [(t.key, t.ref, t.title) for t in draft.tasks] == [("t3", "二.1-1", "燃煤锅炉整治"), ("t4", "二.1-2", "扬尘管控")]
    _correct(staged, world, kind=CorrectionKind.DROP, key="t4")
    _correct(staged, world, kind=CorrectionKind.DROP, key="g1")
    _correct(staged, world, kind=CorrectionKind.DROP, key="p1")
    _correct(staged, world, kind=CorrectionKind.DROP, key="projects")
    names = _names(staged)
    assert "任务：扬尘管控" not in names and "目标：林草覆盖率" not in names and "阶段：全面启动阶段" not in names
    assert "项目汇总" not in names and "任务：燃煤锅炉整治" in names
    _correct(staged, world, kind=CorrectionKind.DROP, key="t4", dropped=False)
    assert "任务：扬尘管控" in _names(staged)


def test_change_a_targets_indicator(staged: StagedImport, world: SimpleNamespace) -> None:
    indicator = world.program.framework.indicators.get(name="城镇污水处理率")
    _correct(staged, world, kind=CorrectionKind.INDICATOR, key="g1", indicator_id=indicator.id)
    assert _draft(staged).targets[0].indicator_name == "城镇污水处理率"
    _correct(staged, world, kind=CorrectionKind.INDICATOR, key="g2", indicator_id=None)
    names = _names(staged)
    assert "目标：优良天数比例" not in names and "责任分工：优良天数比例" not in names


def test_a_stale_version_or_a_committed_import_is_refused(staged: StagedImport, world: SimpleNamespace) -> None:
    correction = Correction(kind=CorrectionKind.TITLE, key="t1", title="新名称")
    with pytest.raises(DomainError, match="预览已被更新"):
        services.plan_correct(staged=staged, actor=world.users.office, correction=correction, version=7)
    with pytest.raises(DomainError, match="任务名称不能为空"):
        _correct(staged, world, kind=CorrectionKind.TITLE, key="t1", title=" ")
    with pytest.raises(DomainError, match="至少两个"):
        _correct(staged, world, kind=CorrectionKind.SPLIT, key="t1", titles=("一个",))
    staged_import_commit(staged=staged, actor=world.users.office, backend="inline")
    with pytest.raises(DomainError, match="不能再更正"):
        _correct(staged, world, kind=CorrectionKind.TITLE, key="t1", title="新名称")


def test_a_looser_target_or_another_unit_is_a_warning_not_a_write(world: SimpleNamespace) -> None:
    extraction = plan_extraction()
    forest, air = extraction.targets
    extraction = replace(extraction, targets=(replace(forest, unit="公顷"), replace(air, indicator="城镇污水处理率", value=Decimal("90"))))
    plan = services.plan_stage(program=world.program, draft=services.plan_draft_build(program=world.program,
                                                                                       extraction=extraction))
    messages = [w["message"] for w in plan["warnings"]]
    assert any("单位“公顷”与指标单位“%”不一致" in m for m in messages)
    assert any("低于国家目标" in m for m in messages)
    assert not any(row["name"].startswith("目标：") for row in plan["changes"])


def test_tasks_are_written_under_their_heading_as_a_group(world: SimpleNamespace, read_as) -> None:
    extraction = plan_extraction()
    text = extraction.text
    items = tuple(Heading(str(n), t.title, 2, t.span) for n, t in enumerate(extraction.tasks, 1))
    at = text.index("二、重点任务")
    extraction = replace(extraction, headings=(Heading("二", "重点任务", 1, Span(at, at + 6), items),))
    read_as(extraction)
    staged = plan_upload(program=world.program, actor=world.users.office,
                         checked=check_upload(plan_file(), allowed={"txt"}))
    staged.refresh_from_db()
    assert [t["group"] for t in staged.plan["draft"]["tasks"]] == ["重点任务", "重点任务"]
    assert _names(staged)[:3] == ["单位：市教育局", "任务组：重点任务", "任务：推进第1项工作"]
    staged_import_commit(staged=staged, actor=world.users.office, backend="inline")
    group = Task.objects.get(program=world.program, title="重点任务")
    children = list(group.children.order_by("order"))
    assert (group.number, group.level) == ("二", 0)
    assert [(t.number, t.title, t.level) for t in children] == [("1", "推进第1项工作", 1), ("2", "推进第2项工作", 1)]
