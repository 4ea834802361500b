"""A small plan document, read by hand (a built PlanExtraction: these tests do not depend on the reader's
quality), uploaded as a staged plan import of the shared world's program."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.core.uploads import check_upload
from apps.planimport import imports
from apps.planimport.services import plan_upload
from apps.staging.models import StagedImport
from docimport.plan import (
    Comparator,
    PlanExtraction,
    PlanPhase,
    PlanTarget,
    PlanTask,
    ProjectCategory,
    ProjectsTotal,
    Span,
)

HEAD = "甲市生态文明建设示范市创建实施方案\n一、目标\n到2025年底，全市林草覆盖率稳定在41%以上。\n二、重点任务\n"
TASK = "{n}.推进第{n}项工作。到2025年，优良天数比例达到90%以上。（牵头单位：市生态环境局；配合单位：市住房城乡建设局、市教育局）\n"
TAIL = "三、实施步骤\n第一阶段：全面启动阶段（2021年12月—2022年11月）\n共计12个项目，总投资21.5亿元。\n"


def _span(text: str, part: str, start: int = 0) -> Span:
    at = text.index(part, start)
    return Span(at, at + len(part))


def plan_extraction(tasks: int = 2) -> PlanExtraction:
    """The plan: a target before the tasks (林草覆盖率), ``tasks`` tasks each with a target inside (优良天数比例),
    the second task led by 市住建局 only, a phase and a project total."""
    body = "".join(TASK.format(n=n) for n in range(1, tasks + 1))
    text = HEAD + body + TAIL
    built = []
    for n in range(1, tasks + 1):
        line = TASK.format(n=n).rstrip("\n")
        lead, cooperating = (("市生态环境局",), ("市住房城乡建设局", "市教育局")) if n != 2 else (("市住建局",), ())
        built.append(PlanTask(ref=f"二.{n}", title=f"推进第{n}项工作", lead=lead, cooperating=cooperating,
                              span=_span(text, line), text=line))
    first_task = built[0].span.start
    targets = (
        PlanTarget(text="到2025年底，全市林草覆盖率稳定在41%以上", indicator="林草覆盖率", comparator=Comparator.GE,
                   value=Decimal("41"), unit="%", deadline=2025, span=_span(text, "全市林草覆盖率稳定在41%以上")),
        PlanTarget(text="到2025年，优良天数比例达到90%以上", indicator="空气质量优良天数比例", comparator=Comparator.GE,
                   value=Decimal("90"), unit="%", deadline=2025, span=_span(text, "优良天数比例达到90%以上", first_task)),
    )
    phases = (PlanPhase(name="全面启动阶段", start="2021-12", end="2022-11", span=_span(text, "第一阶段")),)
    total = ProjectsTotal(count=12, investment_yi_yuan=Decimal("21.5"), span=_span(text, "共计12个项目"),
                          categories=(ProjectCategory("生态保护", 5, Decimal("8.5")),))
    return PlanExtraction(text=text, headings=(), tasks=tuple(built), targets=targets, phases=phases,
                          projects_total=total, blanket_units=("各县区政府",), title="甲市生态文明建设示范市创建实施方案")


def plan_file(name: str = "plan.txt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (HEAD + TAIL).encode(), content_type="text/plain")


@pytest.fixture
def read_as(monkeypatch: pytest.MonkeyPatch):
    """``read_as(extraction)``: the staged check reads every uploaded document as ``extraction``."""

    def use(extraction: PlanExtraction) -> None:
        monkeypatch.setattr(imports, "read_plan", lambda _data, _name: extraction)

    use(plan_extraction())
    return use


@pytest.fixture
def staged(world: SimpleNamespace, read_as) -> StagedImport:  # noqa: ARG001 - reads the small plan
    """The office's previewed plan import of the small plan."""
    staged = plan_upload(program=world.program, actor=world.users.office, checked=check_upload(plan_file(),
                                                                                               allowed={"txt"}))
    staged.refresh_from_db()
    assert staged.status == "previewed", staged.errors
    return staged
