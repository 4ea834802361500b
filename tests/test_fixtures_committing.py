"""A test that commits for real gets a ``world`` of its own, committed, not the module's shared one."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import connection

from apps.programs.models import Program
from tests.conftest import SharedWorld


@pytest.mark.django_db(transaction=True)
def test_a_test_that_commits_builds_its_own_world(world: SimpleNamespace, shared_world: SharedWorld):
    assert shared_world.template is None and SharedWorld.current is None
    assert not connection.in_atomic_block  # its rows are committed: a live server or a thread sees them
    assert Program.objects.filter(pk=world.program.pk).exists()
