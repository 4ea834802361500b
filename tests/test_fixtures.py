"""The shared ``world`` (tests/conftest.py): built once per module, each test with its own copy and savepoint.

The tests run in this order in one process (``tests/conftest.py`` keeps this module on one xdist worker). A test
that commits for real is in ``test_fixtures_committing.py``: it empties the tables when it ends, so it must run
where pytest-django puts it, after every other database test of the process, never inside this group.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from apps.geo.models import Region
from apps.programs.models import Program
from tests.conftest import SharedWorld

NAME = "甲市创建国家生态文明建设示范市"


def test_each_test_gets_its_own_copy_of_the_module_world(world: SimpleNamespace, shared_world: SharedWorld):
    template = shared_world.template
    assert template is not None and SharedWorld.current is shared_world
    assert world.program is not template.program and world.program.pk == template.program.pk
    assert world.program.region is world.city  # objects shared within the world stay shared within the copy
    world.program.name = "改名"
    world.program.save()
    Region.objects.create(code="990999", name="本测试的县", level="county", parent=world.city)
    assert template.program.name == NAME


def test_what_a_test_changed_does_not_reach_the_next(world: SimpleNamespace, shared_world: SharedWorld):
    assert shared_world.template is not None and world.program.name == NAME
    assert Program.objects.get(pk=world.program.pk).name == NAME
    assert not Region.objects.filter(code="990999").exists()


@pytest.mark.django_db
def test_a_database_test_without_world_does_not_see_it():
    assert SharedWorld.current is None
    assert not Region.objects.filter(code="990000").exists()
