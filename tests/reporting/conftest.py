from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from apps.accounts.models import User
from apps.geo.models import Region
from apps.indicators.models import Indicator
from apps.programs.models import Responsibility
from apps.reporting.models import IndicatorValue
from apps.reporting.services import ValueInput, indicator_value_save, reporting_round_create
from tests.conftest import shared_fixture


@shared_fixture
def rep(world: SimpleNamespace):
    """A 2025 annual round on two indicators (numeric % and qualitative), 市生态环境局 leading both.

    Their evidence checklists are all optional here, so that workflow tests need no files or reasons; the
    ``required_evidence`` fixture restores the framework's required items (test_evidence_required.py).
    """
    program = world.program
    numeric = Indicator.objects.get(framework=program.framework, code="2019-03")
    qualitative = Indicator.objects.get(framework=program.framework, code="2019-01")
    framework_optional = {}
    for indicator in (numeric, qualitative):
        framework_optional[indicator.pk] = indicator.evidence_optional
        indicator.evidence_optional = list(indicator.evidence_checklist)
        indicator.save(update_fields=["evidence_optional"])
        Responsibility.objects.create(program=program, indicator=indicator, department=world.units["市生态环境局"],
                                      role="lead")
        Responsibility.objects.create(program=program, indicator=indicator, department=world.units["市统计局"],
                                      role="cooperate")
    reporting_round = reporting_round_create(
        program=program, actor=world.users.office, name="2025年度调度", period_type="year", year=2025,
        due=dt.date(2026, 1, 31), indicators=[numeric, qualitative],
        regions=[world.city, world.counties["hill"], world.counties["plain"]],
    )
    return SimpleNamespace(round=reporting_round, numeric=numeric, qualitative=qualitative, world=world,
                           framework_optional=framework_optional)


@pytest.fixture
def required_evidence(rep: SimpleNamespace) -> SimpleNamespace:
    """``rep`` with the framework's required evidence items back on both indicators."""
    for indicator in (rep.numeric, rep.qualitative):
        Indicator.objects.filter(pk=indicator.pk).update(evidence_optional=rep.framework_optional[indicator.pk])
        indicator.refresh_from_db()
    return rep


def save(rep: SimpleNamespace, user: User, *, region: Region | None = None, indicator: Indicator | None = None,
         number: str | None = "25", version: int = 0, **kw: Any) -> IndicatorValue:
    confirm = kw.pop("confirm_warnings", False)
    submit = kw.pop("submit", False)
    comment = kw.pop("comment", "")
    data = ValueInput(number=Decimal(number) if number is not None else None, **kw)
    return indicator_value_save(
        reporting_round=rep.round, region=region or rep.world.city, indicator=indicator or rep.numeric, actor=user,
        data=data, expected_version=version, confirm_warnings=confirm, submit=submit, comment=comment,
    )
