"""Role assignments refuse the scopes their role cannot have, on both databases, at the boundary."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from apps.accounts.models import Role
from apps.accounts.services import assignment_add
from tests.conftest import make_user


@pytest.mark.parametrize(("role", "scope", "field"), [
    (Role.DEPARTMENT_REPORTER, {}, "department"),
    (Role.DEPARTMENT_REPORTER, {"region": "city", "department": "unit"}, "region"),
    (Role.COUNTY_OFFICE, {}, "region"),
    (Role.COUNTY_OFFICE, {"region": "city"}, "region"),
    (Role.OFFICE_ADMIN, {"region": "hill"}, "region"),
    (Role.LEADER, {}, "region"),
    (Role.INSPECTOR, {"region": "city", "department": "unit"}, "department"),
])
def test_invalid_assignments_are_refused(world: SimpleNamespace, role: str, scope: dict[str, str], field: str):
    objects = {"city": world.city, "hill": world.counties["hill"], "unit": world.units["市生态环境局"]}
    user = make_user("someone", Role.LEADER, region=world.city)
    with pytest.raises(ValidationError) as error:
        assignment_add(user=user, role=role, **{k: objects[v] for k, v in scope.items()})
    assert field in error.value.message_dict
    assert user.assignments.count() == 1


def test_a_program_outside_the_scope_is_refused(world: SimpleNamespace):
    user = make_user("someone", Role.LEADER, region=world.city)
    with pytest.raises(ValidationError) as error:
        assignment_add(user=user, role=Role.COUNTY_OFFICE, region=world.counties["hill"], program=world.other_program)
    assert "program" in error.value.message_dict


def test_the_same_duty_twice_is_refused_with_or_without_a_program(world: SimpleNamespace):
    user = make_user("someone", Role.COUNTY_OFFICE, region=world.counties["hill"])
    with pytest.raises(ValidationError):
        assignment_add(user=user, role=Role.COUNTY_OFFICE, region=world.counties["hill"])
    assignment_add(user=user, role=Role.COUNTY_OFFICE, region=world.counties["hill"], program=world.program)
    with pytest.raises(ValidationError):
        assignment_add(user=user, role=Role.COUNTY_OFFICE, region=world.counties["hill"], program=world.program)
    assert user.assignments.count() == 2


def test_a_province_office_and_leader_are_valid(world: SimpleNamespace):
    office = make_user("prov", Role.OFFICE_ADMIN, region=world.province)
    assignment_add(user=office, role=Role.LEADER, region=world.province)
    assert [(d.role, d.region) for d in office.duties] == [(Role.OFFICE_ADMIN, world.province),
                                                            (Role.LEADER, world.province)]
