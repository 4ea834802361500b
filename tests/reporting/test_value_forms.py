"""A value's form follows the reporting region's target, and a change quantity may be negative."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from apps.core.errors import DomainError
from apps.indicators.models import Indicator
from apps.reporting.models import ReportingRound
from apps.reporting.services import ValueInput, indicator_value_save, reporting_round_create
from apps.reporting.validation import check_number, is_change, plausible_range


@pytest.fixture
def round_on(world: SimpleNamespace):
    def make(*codes: str) -> tuple[ReportingRound, list[Indicator]]:
        indicators = [Indicator.objects.get(framework=world.program.framework, code=c) for c in codes]
        return reporting_round_create(
            program=world.program, actor=world.users.office, name="2025年度调度", period_type="year", year=2025,
            due=dt.date(2026, 1, 31), indicators=indicators, regions=[world.city, world.counties["hill"]],
        ), indicators

    return make


def test_an_indicator_numeric_for_the_city_is_a_status_for_a_county(world, round_on):
    reporting_round, (plan_eia,) = round_on("2019-06")  # 规划环境影响评价: city =100, county qual:开展
    assert not plan_eia.is_qualitative_for("city") and plan_eia.is_qualitative_for("county")
    office = world.users.office
    city = indicator_value_save(reporting_round=reporting_round, region=world.city, indicator=plan_eia, actor=office,
                                data=ValueInput(number=Decimal(100)), expected_version=0)
    assert city.current_revision.number == 100
    county = world.counties["hill"]
    with pytest.raises(DomainError, match="定性指标"):
        indicator_value_save(reporting_round=reporting_round, region=county, indicator=plan_eia, actor=office,
                             data=ValueInput(number=Decimal(100)), expected_version=0)
    value = indicator_value_save(reporting_round=reporting_round, region=county, indicator=plan_eia, actor=office,
                                 data=ValueInput(qualitative="achieved"), expected_version=0)
    assert value.current_revision.qualitative == "achieved"
    client = Client()
    client.force_login(office)
    url = reverse("reporting_entry", kwargs={"program_id": world.program.id, "round_id": reporting_round.id,
                                             "region_id": county.id, "indicator_id": plan_eia.id})
    html = client.get(url)
    assert html.status_code == 200
    assert 'name="qualitative"' in html.content.decode()


def test_a_worse_year_of_a_decline_can_be_reported(world, round_on):
    reporting_round, (decline,) = round_on("2019-07b")  # PM2.5浓度下降幅度 (%)
    assert is_change(decline.name)
    value = indicator_value_save(reporting_round=reporting_round, region=world.city, indicator=decline,
                                 actor=world.users.office, data=ValueInput(number=Decimal("-12.5")),
                                 expected_version=0)
    assert value.current_revision.number == Decimal("-12.5")
    with pytest.raises(DomainError, match="超出合理范围（≤100%）"):
        indicator_value_save(reporting_round=reporting_round, region=world.counties["hill"], indicator=decline,
                             actor=world.users.office, data=ValueInput(number=Decimal("101")), expected_version=0)


@pytest.mark.parametrize(
    ("unit", "change", "number", "ok"),
    [("%", False, "-0.1", False), ("%", False, "0", True), ("%", False, "100", True), ("%", False, "100.1", False),
     ("%", True, "-250", True), ("%", True, "100", True), ("%", True, "100.1", False),
     ("吨", False, "-1", False), ("吨", True, "-1", True)],
)
def test_plausible_ranges(unit, change, number, ok):
    assert check_number(Decimal(number), unit=unit, change=change).ok is ok
    assert plausible_range("%", change=True) == (None, Decimal(100))
