"""The data step of accounts 0003: each user's single role, region and department becomes one assignment."""

from __future__ import annotations

from importlib import import_module
from types import SimpleNamespace

from apps.accounts.models import Role, RoleAssignment, User

step = import_module("apps.accounts.migrations.0003_copy_user_scopes")


class _LegacyUsers:
    """The historical User model at 0002, as far as the step reads it: (id, role, region_id, department_id)."""

    def __init__(self, rows: list[tuple[int, str, int | None, int | None]]) -> None:
        self.objects = SimpleNamespace(values_list=lambda *fields: SimpleNamespace(order_by=lambda *_: rows))


def test_each_role_takes_the_scope_it_needs():
    assert step.assignment_of("office_admin", 7, None) == {"role": "office_admin", "region_id": 7}
    assert step.assignment_of("county_office", 8, 3) == {"role": "county_office", "region_id": 8}
    assert step.assignment_of("department_reporter", 7, 3) == {"role": "department_reporter", "department_id": 3}
    assert step.assignment_of("department_reporter", 7, None) is None
    assert step.assignment_of("leader", None, None) is None  # e.g. a createsuperuser account: saw nothing before


def test_existing_users_become_one_assignment_each(world: SimpleNamespace):
    RoleAssignment.objects.all().delete()
    users = world.users
    hill, unit = world.counties["hill"], world.units["市生态环境局"]
    superuser = User.objects.create(username="root", is_superuser=True)
    rows = [
        (users.office.id, Role.OFFICE_ADMIN, world.city.id, None),
        (users.reporter.id, Role.DEPARTMENT_REPORTER, world.city.id, unit.id),
        (users.county.id, Role.COUNTY_OFFICE, hill.id, None),
        (users.leader.id, Role.LEADER, world.city.id, None),
        (superuser.id, Role.LEADER, None, None),
    ]
    apps = SimpleNamespace(get_model=lambda _app, name: {"User": _LegacyUsers(rows),
                                                        "RoleAssignment": RoleAssignment}[name])
    step.copy_user_scopes(apps, None)
    assert sorted(RoleAssignment.objects.values_list("user__username", "role", "region_id", "department_id")) == [
        ("county", "county_office", hill.id, None),
        ("leader", "leader", world.city.id, None),
        ("office", "office_admin", world.city.id, None),
        ("reporter", "department_reporter", None, unit.id),
    ]
    assert [d.role for d in User.objects.get(pk=users.county.pk).duties] == ["county_office"]
