from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from apps.indicators.models import Indicator
from apps.programs.models import Responsibility


@pytest.fixture
def rep(world):  # noqa: ANN001
    """A 2025 annual round on two indicators (numeric % and qualitative), 市生态环境局 leading both."""
    from apps.reporting.services import reporting_round_create

    program = world.program
    numeric = Indicator.objects.get(framework=program.framework, code="2019-03")
    qualitative = Indicator.objects.get(framework=program.framework, code="2019-01")
    for indicator in (numeric, qualitative):
        Responsibility.objects.create(program=program, indicator=indicator, department=world.units["市生态环境局"],
                                      role="lead")
        Responsibility.objects.create(program=program, indicator=indicator, department=world.units["市统计局"],
                                      role="cooperate")
    reporting_round = reporting_round_create(
        program=program, actor=world.users.office, name="2025年度调度", period_type="year", year=2025,
        due=dt.date(2026, 1, 31), indicators=[numeric, qualitative],
        regions=[world.city, world.counties["hill"], world.counties["plain"]],
    )
    return SimpleNamespace(round=reporting_round, numeric=numeric, qualitative=qualitative, world=world)


def save(rep, user, *, region=None, indicator=None, number="25", version=0, **kw):  # noqa: ANN001, ANN201
    from apps.reporting.services import ValueInput, indicator_value_save

    confirm = kw.pop("confirm_warnings", False)
    submit = kw.pop("submit", False)
    data = ValueInput(number=Decimal(number) if number is not None else None, **kw)
    return indicator_value_save(
        reporting_round=rep.round, region=region or rep.world.city, indicator=indicator or rep.numeric, actor=user,
        data=data, expected_version=version, confirm_warnings=confirm, submit=submit,
    )
