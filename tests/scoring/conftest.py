"""A scored world: the bundled schemes on the test program, four county governments, facts from the system
(tasks, projects, notices) and from the office."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from apps.geo.models import Department, DepartmentKind
from apps.scoring.services import office_fact_set, run_create, schemes_load
from apps.tasks.models import (
    NoticeLevel,
    Project,
    ProjectCategory,
    ProjectYear,
    SupervisionNotice,
    Task,
    TaskUnit,
)


def add_government(world, region) -> Department:
    return Department.objects.get_or_create(region=world.city, name=f"{region.name}人民政府",
                                            defaults={"kind": DepartmentKind.GOVERNMENT, "governs": region})[0]


def add_facts(world, unit: Department, n: int, period: str = "2025") -> None:
    """System facts (a task on time or late, a project, a notice) and office facts for one unit."""
    year = int(period)
    office = world.users.office
    task = Task.objects.create(program=world.program, title=f"任务{unit.id}", deadline=dt.date(year, 6, 30),
                               completed_on=dt.date(year, 6, 20) + dt.timedelta(days=20 * (n % 2)))
    TaskUnit.objects.create(task=task, department=unit, role="lead")
    SupervisionNotice.objects.create(program=world.program, department=unit, title="督办", issued_on=dt.date(year, 3, 1),
                                     response_due=dt.date(year, 3, 10),
                                     level=NoticeLevel.CIRCULATE if n % 3 == 0 else NoticeLevel.REMIND)
    category = ProjectCategory.objects.get_or_create(name="测试类")[0]
    project = Project.objects.create(program=world.program, name=f"项目{unit.id}", category=category,
                                     region=unit.governs or world.city, department=unit, start=dt.date(year, 1, 1),
                                     end=dt.date(year, 12, 31), total_investment=Decimal(100))
    ProjectYear.objects.create(project=project, year=year, planned=Decimal(100), completed=Decimal(60 + 10 * n))
    for key, value in (("air.pm25", 33 + n), ("air.pm25.target", 35), ("air.pm25.previous", 36),
                       ("air.pm10", 68 + n), ("air.pm10.target", 70), ("honours.national", n % 2)):
        office_fact_set(program=world.program, department=unit, period=period, key=key, value=Decimal(value),
                        reason="监测年报", actor=office)
    office_fact_set(program=world.program, department=unit, period=period, key="water.cross_boundary.grade",
                    text="良好" if n % 2 else "优秀", reason="省考核通报", actor=office)


@pytest.fixture
def scored(world):
    schemes = {s.code: s for s in schemes_load(program=world.program, actor=world.users.office)}
    units = [world.units["丘陵县人民政府"]] + [add_government(world, world.counties[k])
                                              for k in ("mountain", "plain", "arid")]
    for n, unit in enumerate(units):
        add_facts(world, unit, n)
    run = run_create(program=world.program, scheme=schemes["demo-county-2025"], period="2025",
                     actor=world.users.office)
    return SimpleNamespace(world=world, schemes=schemes, units=units, run=run)
