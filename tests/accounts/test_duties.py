"""Access by duties: a person with two duties gets the union, a province office reads its cities' programs and
writes none of their values, a duty limited to one program opens no other, and checks cost no query per check."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import Role, User
from apps.accounts.services import assignment_add
from apps.assessment.access import access_assessment
from apps.core.errors import PermissionDeniedError
from apps.geo.access import can_see_department, can_see_region, visible_departments
from apps.indicators.models import Indicator
from apps.programs.access import can_manage_program, can_manage_region, visible_programs_q
from apps.programs.models import Program, Responsibility
from apps.reporting.access import can_report
from apps.reporting.models import ReportingRound
from apps.reporting.selectors import user_obligations
from apps.reporting.services import reporting_round_create
from tests.conftest import ClientFor, make_user


@pytest.fixture
def round_(world: SimpleNamespace):
    """A 2025 round on one indicator that 市生态环境局 leads, over the city and two counties."""
    indicator = Indicator.objects.get(framework=world.program.framework, code="2019-03")
    Responsibility.objects.create(program=world.program, indicator=indicator, department=world.units["市生态环境局"],
                                  role="lead")
    return reporting_round_create(
        program=world.program, actor=world.users.office, name="2025年度调度", period_type="year", year=2025,
        due=dt.date(2026, 1, 31), indicators=[indicator],
        regions=[world.city, world.counties["hill"], world.counties["plain"]],
    )


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # as the auth middleware loads it: no duties cached yet


def test_two_duties_give_the_union(world: SimpleNamespace, round_: ReportingRound, client_for: ClientFor):
    unit, hill, plain = world.units["市生态环境局"], world.counties["hill"], world.counties["plain"]
    dual = make_user("dual", Role.DEPARTMENT_REPORTER, department=unit)
    assignment_add(user=dual, role=Role.COUNTY_OFFICE, region=hill)
    dual = _fresh(dual)
    indicator = round_.indicators.get()

    assert can_report(dual, world.program, world.city.id, indicator.id)  # as the unit
    assert can_report(dual, world.program, hill.id, indicator.id)  # as the county office
    assert not can_report(dual, world.program, plain.id, indicator.id)
    assert not can_manage_program(dual, world.program)
    assert can_manage_region(dual, world.program, hill) and not can_manage_region(dual, world.program, plain)
    assert {(o.reporter.label, o.region.name) for o in user_obligations(dual, round_)} == {
        ("市生态环境局", "甲市"), ("丘陵县生态办", "丘陵县")}
    assert can_see_department(dual, unit) and can_see_department(dual, world.units["丘陵县人民政府"])
    assert not can_see_department(dual, world.units["市财政局"])
    assert set(visible_departments(dual)) == {unit}  # the county has no unit of its own in this world
    assert access_assessment(dual, world.program.id).region_ids == frozenset({hill.id})

    client = client_for(dual)
    p = world.program.id
    assert client.get(f"/programs/{p}/departments/{unit.id}/").status_code == 200
    assert client.get(f"/programs/{p}/regions/{hill.id}/").status_code == 200
    me = client.get("/api/me").json()
    assert [d["role"] for d in me["duties"]] == ["department_reporter", "county_office"]
    assert me["role"] == "department_reporter" and me["department_id"] == unit.id


def test_a_province_office_reads_its_cities_programs_and_writes_no_city_value(world: SimpleNamespace, round_: ReportingRound, client_for: ClientFor):
    province = make_user("province", Role.OFFICE_ADMIN, region=world.province)
    indicator = round_.indicators.get()
    assert set(Program.objects.filter(visible_programs_q(province))) == {world.program, world.other_program}
    assert not can_manage_program(province, world.program) and not can_manage_program(province, world.other_program)
    assert not can_report(province, world.program, world.city.id, indicator.id)
    assert can_see_region(province, world.counties["hill"]) and can_see_region(province, world.other_city)
    assert access_assessment(province, world.program.id).region_ids is None

    client = client_for(province)
    p = world.program.id
    assert sorted(x["name"] for x in client.get("/api/programs").json()) == sorted(
        [world.program.name, world.other_program.name])
    assert client.get(f"/programs/{p}/").status_code == 200
    assert client.get(f"/programs/{world.other_program.id}/").status_code == 200
    assert client.get(f"/programs/{p}/assessment/").status_code == 200
    saved = client.post(f"/api/programs/{p}/rounds/{round_.id}/values", json.dumps(
        {"region_id": world.city.id, "indicator_id": indicator.id, "number": "25"}), content_type="application/json")
    assert saved.status_code == 403
    override = client.post(f"/api/programs/{p}/overrides", json.dumps(
        {"region_id": world.city.id, "indicator_id": indicator.id, "target": ">=1", "reason": "r"}),
        content_type="application/json")
    assert override.status_code == 403
    assert not round_.values.exists()


def test_a_province_office_manages_a_province_level_program(world: SimpleNamespace):
    province = make_user("province", Role.OFFICE_ADMIN, region=world.province)
    own = Program.objects.create(region=world.province, framework=world.program.framework, name="测试省创建",
                                 title_sought=world.program.title_sought, base_year=2020, target_year=2025)
    assert can_manage_program(province, own)
    assert not can_manage_program(world.users.office, own)  # a city office reads the province's program


def test_a_duty_limited_to_one_program_opens_no_other(world: SimpleNamespace, client_for: ClientFor):
    inspector = make_user("inspector2", Role.INSPECTOR, region=world.province, program=world.program)
    assert list(Program.objects.filter(visible_programs_q(inspector))) == [world.program]
    client = client_for(inspector)
    assert [x["name"] for x in client.get("/api/programs").json()] == [world.program.name]
    assert client.get(f"/programs/{world.program.id}/").status_code == 200
    assert client.get(f"/programs/{world.other_program.id}/").status_code == 403
    assert client.get(f"/api/programs/{world.other_program.id}").status_code == 403

    office = make_user("office2", Role.OFFICE_ADMIN, region=world.city, program=world.program)
    other_here = Program.objects.create(region=world.city, framework=world.program.framework, name="甲市另一项创建",
                                        title_sought=world.program.title_sought, base_year=2020, target_year=2025)
    assert can_manage_program(office, world.program)
    assert not can_manage_program(office, other_here)
    assert client_for(office).get(f"/programs/{other_here.id}/").status_code == 403


def test_duties_load_once_and_checks_then_cost_no_query(world: SimpleNamespace):
    dual = make_user("dual", Role.DEPARTMENT_REPORTER, department=world.units["市生态环境局"])
    assignment_add(user=dual, role=Role.COUNTY_OFFICE, region=world.counties["hill"])
    dual = _fresh(dual)
    program = Program.objects.select_related("region").get(pk=world.program.pk)
    with CaptureQueriesContext(connection) as first:
        assert len(dual.duties) == 2
    assert len(first) == 1
    with CaptureQueriesContext(connection) as checks:
        for _ in range(3):
            can_manage_program(dual, program)
            can_manage_region(dual, program, world.counties["hill"])
            can_see_region(dual, world.city)
            can_see_department(dual, world.units["丘陵县人民政府"])
            visible_programs_q(dual)
            dual.role_label  # noqa: B018
    assert len(checks) == 0


def test_a_user_without_duties_sees_nothing(world: SimpleNamespace, client_for: ClientFor):
    nobody = User.objects.create(username="nobody")
    assert not Program.objects.filter(visible_programs_q(nobody)).exists()
    with pytest.raises(PermissionDeniedError):
        access_assessment(nobody, world.program.id)
    assert client_for(nobody).get(f"/programs/{world.program.id}/").status_code == 403
