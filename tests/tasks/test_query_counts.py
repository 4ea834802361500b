"""List pages and endpoints run a constant number of queries however many tasks and projects there are."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from django.test import Client

from apps.tasks import services
from apps.tasks.models import ProjectCategory
from apps.tasks.supervision import notice_issue
from tests.conftest import ClientFor
from tests.queries import page_queries


def _grow(world: SimpleNamespace, n: int) -> None:
    units = world.units
    category = ProjectCategory.objects.first()
    group = services.task_create(program=world.program, number=f"（{n}）", title=f"组{n}")
    for i in range(n):
        services.task_create(program=world.program, parent=group, number=f"{i + 1}.", title=f"任务{n}-{i}",
                             leads=[units["市生态环境局"]], cooperators=[units["市财政局"], units["市水务局"]],
                             deadline=dt.date(2026, 1, 1) + dt.timedelta(days=i),
                             milestones=[("节点", dt.date(2026, 1, 1))])
        services.project_create(program=world.program, name=f"项目{n}-{i}", category=category, region=world.city,
                                department=units["市生态环境局"], start=dt.date(2025, 1, 1),
                                end=dt.date(2026, 12, 31), total=Decimal(100), funding=[("fiscal", Decimal(50))],
                                years={2025: {"planned": Decimal(50), "completed": Decimal(40)}})
        notice_issue(program=world.program, department=units["市生态环境局"], title=f"督办{n}-{i}", reason="",
                     actor=world.users.office)


def _count(client: Client, url: str) -> int:
    # cold: the menu's inbox count (a reporter's) is computed, not read from the cache
    return page_queries(client, url, cold=True)


def test_constant_queries(world: SimpleNamespace, client_for: ClientFor):
    paths = ["/programs/{p}/tasks/", "/programs/{p}/projects/", "/programs/{p}/supervision/",
             "/programs/{p}/timeline/", "/api/programs/{p}/tasks", "/api/programs/{p}/projects",
             "/api/programs/{p}/notices", "/api/programs/{p}/projects/summary", "/programs/{p}/tasks.xlsx",
             "/programs/{p}/projects.xlsx"]
    for persona in ("office", "reporter"):
        _grow(world, 5) if persona == "office" else None
        client = client_for(getattr(world.users, persona))
        small = {path: _count(client, path.format(p=world.program.id)) for path in paths}
        small["inbox"] = _count(client, f"/programs/{world.program.id}/inbox/?department={world.units['市生态环境局'].id}")
        if persona == "office":
            _grow(world, 20)
        else:
            _grow(world, 15)
        large = {path: _count(client, path.format(p=world.program.id)) for path in paths}
        large["inbox"] = _count(client, f"/programs/{world.program.id}/inbox/?department={world.units['市生态环境局'].id}")
        assert small == large, persona


def test_group_pages_keep_their_queries_as_the_group_grows(world: SimpleNamespace, client_for: ClientFor):
    """A group's page and API (its roll-up and sub-tasks), the list and the timeline, with nested groups growing."""
    units = world.units
    top = services.task_create(program=world.program, number="（一）", title="组")

    def grow(n: int) -> None:
        sub = services.task_create(program=world.program, parent=top, number=f"{n}.", title=f"子组{n}")
        for i in range(n):
            services.task_create(program=world.program, parent=sub, number=f"（{i + 1}）", title=f"任务{n}-{i}",
                                 leads=[units["市生态环境局"]], cooperators=[units["市财政局"]],
                                 deadline=dt.date(2026, 1, 1) + dt.timedelta(days=i),
                                 milestones=[("节点", dt.date(2026, 1, 1))])

    p = world.program.id
    paths = [f"/programs/{p}/tasks/{top.id}/", f"/api/programs/{p}/tasks/{top.id}", f"/programs/{p}/tasks/",
             f"/programs/{p}/timeline/", f"/programs/{p}/tasks.xlsx", f"/api/programs/{p}/tasks"]
    for persona in ("office", "reporter"):
        client = client_for(getattr(world.users, persona))
        grow(2)
        small = {path: _count(client, path) for path in paths if persona == "office" or str(top.id) not in path}
        grow(12)
        large = {path: _count(client, path) for path in small}
        assert small == large, persona
