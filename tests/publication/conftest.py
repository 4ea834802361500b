"""A program with approved values and, beside them, values that must never reach the public (draft, submitted,
returned, resubmitted), plus a project; helpers to publish."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.cache import cache

from apps.indicators.models import Indicator
from apps.publication.models import Publication
from apps.publication.services import publication_create, publication_transition
from apps.reporting.models import IndicatorValue, ValueRevision
from apps.tasks.models import Project, ProjectCategory
from tests.assessment.conftest import approve
from tests.conftest import shared_fixture

#: Values that are not approved: each number is unique so a test can look for it anywhere in a page or file.
HIDDEN = {"draft": "777.11", "submitted": "777.22", "returned": "777.33", "resubmitted": "777.44"}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def unapproved(program, region, indicator, year, number, status, author) -> IndicatorValue:
    value = IndicatorValue.objects.create(program=program, region=region, indicator=indicator, year=year, status=status)
    revision = ValueRevision.objects.create(value=value, number=Decimal(number), version=1, author=author,
                                            source="不应公开的来源")
    value.current_revision = revision
    value.save(update_fields=["current_revision"])
    return value


@shared_fixture
def public_world(world: SimpleNamespace):
    program, users = world.program, world.users
    code = {i.code: i for i in Indicator.objects.filter(framework=program.framework)}
    approved = approve(program, world.city, code["2019-03"], 2024, "19.5", author=users.office)
    approved.approved_revision.source = "市统计局年报"
    approved.approved_revision.save(update_fields=["source"])
    approve(program, world.counties["hill"], code["2019-03"], 2024, "23", author=users.office)
    approve(program, world.city, code["2019-29"], 2024, "93", author=users.office)
    approve(program, world.city, code["2019-01"], 2024, qualitative="achieved", author=users.office)
    hidden = {}
    for (status, number), indicator in zip(HIDDEN.items(), ["2019-07a", "2019-11", "2019-12c", "2019-20"], strict=True):
        hidden[status] = unapproved(program, world.city if status != "returned" else world.counties["hill"],
                                    code[indicator], 2024, number, status, users.reporter)
    category = ProjectCategory.objects.get_or_create(name="污染防治")[0]
    project = Project.objects.create(program=program, name="城区污水管网改造", category=category,
                                     region=world.counties["hill"], department=world.units["市住建局"],
                                     start=dt.date(2023, 3, 1), end=dt.date(2025, 12, 31),
                                     total_investment=Decimal("12345.5"), status="under_way", percent=60)
    return SimpleNamespace(world=world, program=program, code=code, approved=approved, hidden=hidden, project=project)


def publish(program, actor, kind, title, year=None, **extra) -> Publication:
    publication = publication_create(program=program, actor=actor, kind=kind, title=title, year=year, **extra)
    publication_transition(publication=publication, action="publish", actor=actor)
    publication.refresh_from_db()
    return publication


@pytest.fixture
def published(public_world):
    """The 2024 indicator values, attainment, project progress and one news item, published by the office."""
    office = public_world.world.users.office
    program = public_world.program
    return SimpleNamespace(
        indicators=publish(program, office, "indicators", "2024年度指标数值", 2024),
        attainment=publish(program, office, "attainment", "2024年度达标情况", 2024),
        projects=publish(program, office, "projects", "2024年重点项目进展", 2024),
        news=publish(program, office, "news", "我市召开生态文明建设推进会", body="会议部署了2025年重点工作。"),
    )
