"""``manage.py import_plan``: the extraction as one JSON object (the issue's shape), without writing; with
``--program`` the unit and indicator matches. Run on a small .txt through the real reader (docimport.plan)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command

from apps.staging.models import StagedImport
from apps.tasks.models import Task

PLAN = """甲市生态文明建设示范市创建实施方案
一、主要目标
到2025年底，全市林草覆盖率稳定在41%以上。
二、重点任务
（一）大气污染防治
1.推进燃煤锅炉整治。（牵头单位：市生态环境局；配合单位：市住房城乡建设局、市教育局）
2.加强扬尘管控。（牵头单位：市住建局）
三、实施步骤
第一阶段：全面启动阶段（2021年12月—2022年11月）
共计12个项目，总投资21.5亿元。
"""


@pytest.fixture
def plan_path(tmp_path: Path) -> Path:
    path = tmp_path / "plan.txt"
    path.write_text(PLAN, encoding="utf-8")
    return path


def _run(*args: object) -> str:
    out = StringIO()
    call_command("import_plan", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def test_json_shape_without_a_program(plan_path: Path) -> None:
    data = json.loads(_run(plan_path, "--json"))
    assert set(data) >= {"tasks", "targets", "phases", "projects_total"} and "matches" not in data
    assert all(set(t) == {"ref", "title", "lead", "cooperating"} for t in data["tasks"])
    assert all(set(t) == {"text", "indicator", "comparator", "value", "unit", "deadline"} for t in data["targets"])
    assert all(set(p) == {"name", "start", "end"} for p in data["phases"])
    assert data["tasks"][0]["lead"] == ["市生态环境局"]
    assert data["phases"][0]["start"] == "2021-12"


def test_json_with_a_program_adds_the_matches_and_writes_nothing(world: SimpleNamespace, plan_path: Path) -> None:
    tasks = Task.objects.count()
    data = json.loads(_run(plan_path, "--program", world.program.id, "--json"))
    units = {m["name"]: m for m in data["matches"]["units"]}
    assert units["市住房城乡建设局"] | {"reason": ""} == {"name": "市住房城乡建设局", "kind": "alias",
                                                    "id": world.units["市住建局"].id, "matched": "市住建局",
                                                    "confidence": 0.9, "reason": ""}
    assert units["市教育局"]["kind"] == "new"
    assert data["matches"]["indicators"][0]["matched"] == "林草覆盖率"
    assert Task.objects.count() == tasks and not StagedImport.objects.exists()


def test_readable_summary_and_refusals(world: SimpleNamespace, plan_path: Path, tmp_path: Path) -> None:
    text = _run(plan_path, "--program", world.program.id)
    assert "市住房城乡建设局 → 市住建局（0.90" in text and "林草覆盖率" in text
    with pytest.raises(CommandError, match="找不到文件"):
        _run(tmp_path / "missing.txt")
    with pytest.raises(CommandError, match="没有编号为"):
        _run(plan_path, "--program", 999999)
    (tmp_path / "plan.xyz").write_text("x")
    with pytest.raises(CommandError, match="无法读取"):
        _run(tmp_path / "plan.xyz")
