"""Fixtures for the interface-language tests: one object of every kind the covered pages show."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.test import Client

from apps.indicators.models import Indicator
from apps.programs.models import Responsibility
from apps.reporting.services import (
    ValueInput,
    indicator_value_save,
    indicator_value_transition,
    reporting_round_create,
)
from apps.tasks import services as task_services
from apps.tasks.models import ProjectCategory
from apps.tasks.supervision import notice_issue
from tests.conftest import shared_fixture


@shared_fixture
def filled(world: SimpleNamespace):
    """A reporting round with a submitted value, a task with a milestone, a project and a supervision notice."""
    program, units = world.program, world.units
    indicator = Indicator.objects.get(framework=program.framework, code="2019-03")
    Responsibility.objects.create(program=program, indicator=indicator, department=units["市生态环境局"], role="lead")
    Responsibility.objects.create(program=program, indicator=indicator, department=units["市统计局"], role="cooperate")

    reporting_round = reporting_round_create(
        program=program, actor=world.users.office, name="2025年度调度", period_type="year", year=2025,
        due=dt.date(2026, 1, 31), indicators=[indicator], regions=[world.city],
    )
    value = indicator_value_save(
        reporting_round=reporting_round, region=world.city, indicator=indicator, actor=world.users.reporter,
        data=ValueInput(number=Decimal("25")), expected_version=0, confirm_warnings=True,
    )
    value.program = program
    indicator_value_transition(value=value, action="submit", actor=world.users.reporter, expected_version=value.version,
                               comment="统计公报尚未发布")  # the reason its required evidence is missing
    group = task_services.task_create(program=program, number="（一）", title="目标责任体系与制度建设")
    task = task_services.task_create(
        program=program, parent=group, number="1.", title="生态文明建设规划", leads=[units["市生态环境局"]],
        cooperators=[units["市财政局"]], deadline=dt.date(2026, 6, 30), milestones=[("规划颁布", dt.date(2026, 3, 31))],
    )
    project = task_services.project_create(
        program=program, name="入河排污口整治", category=ProjectCategory.objects.get(name="净空净水净土"),
        region=world.city, department=units["市生态环境局"], start=dt.date(2025, 1, 1), end=dt.date(2026, 12, 31),
        total=Decimal("8900"), funding=[("fiscal", Decimal("8900"))],
        years={2025: {"planned": Decimal("4000"), "completed": Decimal("3500")}},
    )
    notice = notice_issue(program=program, department=units["市生态环境局"], title="规划编制进度滞后",
                          reason="请说明原因。", actor=world.users.office)
    return SimpleNamespace(world=world, round=reporting_round, indicator=indicator, value=value, group=group,
                           task=task, project=project, notice=notice)


@pytest.fixture
def english(client: Client):
    """The test client with the language cookie set to English (what the header's switcher sets)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
