"""The demo, built once for every test in this package.

``load_demo`` takes 15–25 s, so it runs once (then a second time, to show it is idempotent) inside a
transaction that is rolled back when the package's last test ends. Each test runs in its own savepoint
within it (pytest-django's ``db``), so what one test writes never reaches the next, and nothing of the demo
reaches the tests of other packages. With pytest-xdist, ``tests/conftest.py`` sends these tests to one worker,
so the demo is built once per run there too.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from pytest_django import DjangoDbBlocker

from apps.monitoring.models import ComputedResult, ImportBatch
from apps.programs.models import AssignedTarget
from apps.reporting.models import IndicatorValue, ValueRevision
from apps.review.models import ReviewEvent
from apps.tasks.models import Project, Task
from tests.demo.test_links import Page

#: The tables whose row counts show that a second ``load_demo`` creates nothing.
TABLES = [IndicatorValue, ValueRevision, ReviewEvent, AssignedTarget, ImportBatch, ComputedResult, Task, Project]


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in TABLES}


@pytest.fixture(scope="package")
def demo(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[SimpleNamespace]:  # noqa: ARG001
    """``load_demo`` run twice; ``output`` is the first run's, ``counts_before``/``counts_after`` frame the second.

    Requesting ``django_db_setup`` creates the test database before the demo is loaded into it.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        first = io.StringIO()
        call_command("load_demo", stdout=first)
        before = _counts()
        call_command("load_demo", stdout=io.StringIO())
        runs = SimpleNamespace(output=first.getvalue(), counts_before=before, counts_after=_counts())
        try:
            yield runs
        finally:
            transaction.set_rollback(True)  # the demo never reaches the tests of other packages
            cache.clear()  # computed frames are cached by id, and ids are reused after the rollback


@pytest.fixture(scope="package")
def crawled(demo: SimpleNamespace) -> dict[str, dict[str, Page]]:  # noqa: ARG001 - the pages are the demo's
    """Every answer a crawl of the demo (``tests/demo/test_links.py``) saw, by role and URL: each role's pages are
    asked for once per run, and the other crawls of that role (dates, exports) read them from here.

    The answers are the demo's as each test starts (every test's writes are rolled back, and the crawl only
    reads), so a kept answer is the one the page would give again."""
    return defaultdict(dict)
