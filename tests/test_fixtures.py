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
from tests.conftest import SharedWorld, shared_fixture

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


# --- fixtures shared above the world (shared_fixture): a savepoint each, exactly the ones a test uses ----------


@shared_fixture
def layer(world: SimpleNamespace) -> SimpleNamespace:
    """A region of its own, and a change to the world's objects in memory (which must stay in this layer)."""
    world.program.name = "层内改名"
    return SimpleNamespace(region=Region.objects.create(code="990901", name="层县", level="county",
                                                        parent=world.city), world=world)


@shared_fixture
def upper(layer: SimpleNamespace) -> SimpleNamespace:
    return SimpleNamespace(region=Region.objects.create(code="990902", name="上层县", level="county",
                                                        parent=layer.world.city), layer=layer)


def test_a_shared_fixture_is_built_once_in_a_savepoint_above_the_world(
        world: SimpleNamespace, layer: SimpleNamespace, shared_world: SharedWorld):
    assert shared_world.layers == ["layer"]
    assert layer.world is world and world.program.name == "层内改名"  # one copy: shared objects stay shared
    assert layer.region is not shared_world.state["layer"].region  # a copy per test
    layer.region.name = "改了"
    layer.region.save()


def test_the_next_test_gets_the_same_rows_unchanged(layer: SimpleNamespace, shared_world: SharedWorld):
    assert shared_world.layers == ["layer"]
    assert Region.objects.get(code="990901").name == "层县"
    assert layer.region.name == "层县"


def test_a_test_of_the_world_alone_sees_no_row_of_a_shared_fixture(world: SimpleNamespace,
                                                                    shared_world: SharedWorld):
    assert shared_world.layers == []
    assert not Region.objects.filter(code__in=["990901", "990902"]).exists()
    assert world.program.name == NAME  # the layer's change to the objects went with it


def test_a_fixture_built_on_another_stacks_on_it(upper: SimpleNamespace, world: SimpleNamespace,
                                                 shared_world: SharedWorld):
    assert shared_world.layers == ["layer", "upper"]
    assert upper.layer.world is world
    assert set(Region.objects.filter(code__in=["990901", "990902"]).values_list("code", flat=True)) == {
        "990901", "990902"}


def test_a_test_of_the_lower_fixture_alone_sees_no_row_of_the_upper(layer: SimpleNamespace,
                                                                     shared_world: SharedWorld):
    assert shared_world.layers == ["layer"] and layer.region.code == "990901"
    assert Region.objects.filter(code="990901").exists() and not Region.objects.filter(code="990902").exists()


@pytest.mark.django_db
def test_a_database_test_without_world_does_not_see_it():
    assert SharedWorld.current is None
    assert not Region.objects.filter(code="990000").exists()
