"""The demo, built once for every test in this package.

``load_demo`` takes 15–25 s, so it runs once (then a second time, to show it is idempotent) inside a
transaction that is rolled back when the package's last test ends. Each test runs in its own savepoint
within it (pytest-django's ``db``), so what one test writes never reaches the next, and nothing of the demo
reaches the tests of other packages. With pytest-xdist the ``xdist_group`` mark keeps these tests on one
worker (``--dist loadgroup``), so the demo is built once per run there too.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction

from apps.monitoring.models import ComputedResult, ImportBatch
from apps.programs.models import AssignedTarget, Program
from apps.reporting.models import IndicatorValue, ValueRevision
from apps.review.models import ReviewEvent
from apps.tasks.models import Project, Task

#: The tables whose row counts show that a second ``load_demo`` creates nothing.
TABLES = [IndicatorValue, ValueRevision, ReviewEvent, AssignedTarget, ImportBatch, ComputedResult, Task, Project]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.nodeid.startswith("tests/demo/"):
            item.add_marker(pytest.mark.xdist_group("demo"))


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in TABLES}


@pytest.fixture(scope="package")
def demo(django_db_setup, django_db_blocker) -> Iterator[SimpleNamespace]:  # noqa: ANN001
    """``load_demo`` run twice; ``output`` is the first run's, ``counts_before``/``counts_after`` frame the second."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            first = io.StringIO()
            call_command("load_demo", stdout=first)
            before = _counts()
            call_command("load_demo", stdout=io.StringIO())
            after = _counts()
            yield SimpleNamespace(program=Program.objects.get(name="秦川市创建国家生态文明建设示范市"),
                                  output=first.getvalue(), counts_before=before, counts_after=after)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            cache.clear()  # computed frames are cached by id, and ids are reused after the rollback
