"""Demo-like attainment data on the shared ``world``: every target form, gaps in the series, goals, units."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.utils import timezone

from apps.accounts.models import User
from apps.evidence.models import Evidence
from apps.geo.models import Region
from apps.indicators.models import Indicator
from apps.programs.models import AssignedTarget, Program, RegionGoal, Responsibility, TargetOverride
from apps.reporting.models import IndicatorValue, ValueRevision
from tests.conftest import shared_fixture


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Test databases reuse ids after a rollback, so computed frames must not leak between tests."""
    cache.clear()
    yield
    cache.clear()


def approve(program: Program, region: Region, indicator: Indicator, year: int, number: str | None = None, qualitative: str = "", *,
            author: User) -> IndicatorValue:
    """An approved annual value with its revision (what the review workflow leaves behind)."""
    value = IndicatorValue.objects.create(program=program, region=region, indicator=indicator, year=year,
                                          status="approved", approved_at=timezone.now())
    revision = ValueRevision.objects.create(value=value, number=None if number is None else Decimal(str(number)),
                                            qualitative=qualitative, version=1, author=author)
    value.current_revision = value.approved_revision = revision
    value.save(update_fields=["current_revision", "approved_revision"])
    return value


def assign(program: Program, region: Region, indicator: Indicator, year: int, number: str, *,
           author: User) -> AssignedTarget:
    return AssignedTarget.objects.create(program=program, region=region, indicator=indicator, year=year,
                                         value=Decimal(str(number)), reason="省下达", created_by=author)


SERIES = {
    # code: {region key: {year: number or qualitative status}}
    "2019-03": {"city": {2020: 15, 2022: 18, 2024: 19}, "hill": {2020: 21, 2022: 22, 2023: 23, 2024: 23},
                "plain": {2020: 10, 2024: "11.5"}},  # >=20; gaps; mountain overridden not applicable
    "2019-01": {"city": {2023: "in_progress", 2024: "achieved"}, "hill": {2024: "in_progress"}},  # qual
    "2019-07a": {"city": {2020: 80, 2023: "81.5", 2024: 82}, "hill": {2020: 85, 2024: 84}},  # assigned & stable
    "2019-12c": {"city": {2020: 50, 2024: 49}},  # trend:not_worse (reference)
    "2019-20": {"city": {2020: "0.5", 2023: "0.48", 2024: "0.47"}},  # lower: assigned & stable
    "2019-29": {"city": {2022: 90, 2023: 92, 2024: 93}, "hill": {2023: 84, 2024: 86}},  # >=95 city, >=85 county
    "2019-11": {"city": {2022: 44, 2024: 45}, "mountain": {2024: 58}},  # region-dependent
    "2019-36c": {"city": {2020: 300, 2024: 280}},  # trend:decreasing, lower
}


@shared_fixture
def assess(world: SimpleNamespace):
    program, users = world.program, world.users
    regions = {"city": world.city, **world.counties}
    code = {i.code: i for i in Indicator.objects.filter(framework=program.framework)}
    values = {}
    for c, by_region in SERIES.items():
        for key, series in by_region.items():
            for year, item in series.items():
                if isinstance(item, str) and not item[0].isdigit():
                    values[(key, c, year)] = approve(program, regions[key], code[c], year, qualitative=item,
                                                     author=users.office)
                else:
                    values[(key, c, year)] = approve(program, regions[key], code[c], year, item,
                                                     author=users.office)
    assign(program, world.city, code["2019-07a"], 2024, 90, author=users.office)
    assign(program, world.city, code["2019-07a"], 2024, 81, author=users.office)  # a later entry wins
    assign(program, world.counties["hill"], code["2019-07a"], 2024, 86, author=users.office)
    assign(program, world.city, code["2019-20"], 2024, "0.49", author=users.office)
    TargetOverride.objects.create(program=program, region=world.counties["mountain"], indicator=code["2019-03"],
                                  not_applicable=True, reason="山区县不考核", created_by=users.office)
    RegionGoal.objects.create(program=program, region=world.counties["hill"], title_sought="national",
                              target_year=2024)
    RegionGoal.objects.create(program=program, region=world.counties["plain"], title_sought="provincial",
                              target_year=2026)
    unit, other = world.units["市生态环境局"], world.units["市住建局"]
    Responsibility.objects.create(program=program, indicator=code["2019-03"], department=unit, role="lead")
    Responsibility.objects.create(program=program, indicator=code["2019-01"], department=unit, role="lead")
    Responsibility.objects.create(program=program, indicator=code["2019-03"], department=other, role="cooperate")
    Responsibility.objects.create(program=program, indicator=code["2019-29"], department=other, role="lead")
    evidence = add_evidence(values[("city", "2019-03", 2024)], users.office)
    return SimpleNamespace(world=world, program=program, code=code, values=values, evidence=evidence,
                           unit=unit, other_unit=other)


def add_evidence(value: IndicatorValue, author: User) -> Evidence:
    evidence = Evidence(subject=value, original_name="2024年城镇污水处理台账.pdf", kind="pdf", size=8, sha256="0" * 64,
                        uploaded_by=author)
    evidence.file.save("x.pdf", ContentFile(b"%PDF-1.4"), save=False)
    evidence.save()
    return evidence


def addresses(assess: SimpleNamespace, *, api: bool = False) -> dict[str, str]:
    """The assessment's pages (or, with ``api``, its API endpoints) by name, for the city and the test unit."""
    p, city, indicator, unit = assess.program.id, assess.world.city.id, assess.code["2019-03"].id, assess.unit.id
    if api:
        base = f"/api/programs/{p}/assessment"
        return {"matrix": f"{base}/matrix", "gates": f"{base}/gates",
                "indicator": f"{base}/indicators/{indicator}?region={city}&year=2024",
                "department": f"{base}/departments/{unit}"}
    base = f"/programs/{p}/assessment"
    return {"cockpit": f"{base}/", "matrix": f"{base}/matrix/", "indicator": f"{base}/indicators/{indicator}/?region={city}",
            "department": f"{base}/departments/{unit}/"}
