"""A province of cities, each with a program, approved values, a goal and a past-due round (small: few indicators)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.utils import timezone

from apps.accounts.models import Role
from apps.geo.models import Region
from apps.indicators.models import Indicator
from apps.programs.models import Program, RegionGoal, TitleSought
from apps.reporting.models import IndicatorValue, ReportingRound
from tests.assessment.conftest import approve
from tests.conftest import make_user

#: 2019-29 (>=95 at the city) and 2019-03 (>=20): the first not attained in even cities, the second in none.
CODES = ("2019-29", "2019-03")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def prov(world: SimpleNamespace) -> SimpleNamespace:
    """The world's province with its two city programs, its office and leader, and province data for each city."""
    code = {i.code: i for i in Indicator.objects.filter(framework=world.program.framework, code__in=CODES)}
    data = SimpleNamespace(world=world, province=world.province, code=code,
                           office=make_user("prov-office", Role.OFFICE_ADMIN, region=world.province),
                           leader=make_user("prov-leader", Role.LEADER, region=world.province),
                           programs=[world.program, world.other_program])
    for n, program in enumerate(data.programs):
        fill(data, program, n)
    return data


def fill(data: SimpleNamespace, program: Program, n: int) -> None:
    """Approved 2024 values for the city, a county goal, and a past-due round with one on-time and one late value."""
    office = data.world.users.office
    approve(program, program.region, data.code["2019-29"], 2024, 90 if n % 2 == 0 else 97, author=office)
    approve(program, program.region, data.code["2019-03"], 2024, 25, author=office)
    county = Region.objects.filter(parent=program.region, level="county").first()
    if county is None:
        county = Region.objects.create(code=f"{program.region.code[:4]}9{n % 10}", name=f"{program.region.name}一县",
                                       level="county", parent=program.region)
    RegionGoal.objects.create(program=program, region=county, title_sought=TitleSought.PROVINCIAL, target_year=2026)
    due = timezone.localdate() - dt.timedelta(days=10)
    round_ = ReportingRound.objects.create(program=program, name="2025年度调度", year=2025, due=due, created_by=office)
    round_.regions.add(program.region)
    round_.indicators.add(*data.code.values())
    submitted = timezone.now() - dt.timedelta(days=20)
    IndicatorValue.objects.create(program=program, region=program.region, indicator=data.code["2019-29"], year=2025,
                                  round=round_, status="submitted", first_submitted_at=submitted)
    IndicatorValue.objects.create(program=program, region=program.region, indicator=data.code["2019-03"], year=2025,
                                  round=round_, status="submitted", first_submitted_at=submitted, submitted_late=True)


def grow(data: SimpleNamespace, total: int) -> None:
    """Cities (each with a program and its data) up to ``total`` city programs in the province."""
    framework = data.world.program.framework
    for n in range(len(data.programs), total):
        city = Region.objects.create(code=f"99{n + 10:02d}00", name=f"增设市{n}", level="city", parent=data.province)
        program = Program.objects.create(region=city, framework=framework, name=f"增设市{n}创建",
                                         title_sought=TitleSought.NATIONAL, base_year=2020, target_year=2025)
        data.programs.append(program)
        fill(data, program, n)
