"""The count beside 待办 in the menu: the lines of the reporter's inbox, cached, refreshed by the inbox itself."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.tasks import services
from apps.tasks.selectors import department_inbox, inbox_badge
from apps.tasks.supervision import notice_issue
from tests.conftest import ClientFor

BADGE = re.compile(r'>待办 <span class="menu-badge( urgent)?" title="([^"]*)">(\d+)</span>')


@pytest.fixture(autouse=True)
def _cold():
    cache.clear()
    yield
    cache.clear()


def _badge(client, world) -> tuple[int, bool, str] | None:
    page = client.get(f"/programs/{world.program.id}/tasks/").content.decode()
    found = BADGE.search(page)
    return None if found is None else (int(found[3]), bool(found[1]), found[2])


def _task(world: SimpleNamespace, n: int, *, deadline: dt.date) -> None:
    services.task_create(program=world.program, number=f"{n}.", title=f"任务{n}", leads=[world.units["市生态环境局"]],
                         deadline=deadline)


def test_the_badge_counts_the_inbox_and_is_red_when_something_is_overdue(world, client_for: ClientFor):
    unit, reporter = world.units["市生态环境局"], world.users.reporter
    client = client_for(reporter)
    before = department_inbox(world.program, unit).count
    cache.clear()
    _task(world, 1, deadline=dt.date.today() + dt.timedelta(days=30))
    notice_issue(program=world.program, department=unit, title="督办一", reason="", actor=world.users.office)
    count, urgent, title = _badge(client, world)
    assert count == before + 2 == department_inbox(world.program, unit).count
    assert f"待办 {count} 项" in title
    # a new overdue task shows once the inbox is opened (it refreshes the cached count) …
    _task(world, 2, deadline=dt.date.today() - dt.timedelta(days=3))
    assert _badge(client, world)[0] == count  # still the cached count
    assert client.get(f"/programs/{world.program.id}/inbox/").status_code == 200
    count2, urgent2, title2 = _badge(client, world)
    assert count2 == count + 1 and urgent2 and "逾期" in title2


def test_only_a_unit_has_a_badge(world, client_for: ClientFor):
    assert inbox_badge(world.users.office, world.program) is None
    assert _badge(client_for(world.users.office), world) is None  # the office has no 待办 entry, no badge


def test_the_badge_reads_the_cache_and_its_cold_cost_does_not_grow_with_rows(world, client_for: ClientFor):
    client = client_for(world.users.reporter)
    url = f"/programs/{world.program.id}/tasks/"

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    _task(world, 9, deadline=dt.date.today() - dt.timedelta(days=9))  # not empty: prefetches run from the start
    notice_issue(program=world.program, department=world.units["市生态环境局"], title="督办9", reason="",
                 actor=world.users.office)
    client.get(url)  # the session, the duties …

    def cold_and_warm() -> tuple[int, int]:
        cache.clear()
        return queries(), queries()

    cold, warm = cold_and_warm()
    assert warm < cold  # the second page reads the cached count: the badge costs no query
    for n in range(10, 30):
        _task(world, n, deadline=dt.date.today() - dt.timedelta(days=n))
        notice_issue(program=world.program, department=world.units["市生态环境局"], title=f"督办{n}", reason="",
                     actor=world.users.office)
    assert cold_and_warm() == (cold, warm)


def test_the_api_gives_the_same_count(world, client_for: ClientFor):
    _task(world, 1, deadline=dt.date.today() - dt.timedelta(days=1))
    client = client_for(world.users.reporter)
    data = client.get(f"/api/programs/{world.program.id}/inbox").json()
    inbox = department_inbox(world.program, world.units["市生态环境局"])
    assert (data["count"], data["overdue"]) == (inbox.count, inbox.overdue) and data["overdue"] >= 1
    assert _badge(client, world)[:2] == (data["count"], True)
