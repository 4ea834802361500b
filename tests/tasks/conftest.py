"""Task-list fixtures on top of the shared ``world``: a small plan with groups, tasks and projects."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from apps.tasks import services
from apps.tasks.models import ProjectCategory
from tests.conftest import shared_fixture


@shared_fixture
def plan(world: SimpleNamespace):
    """Group （一） with task 1. led by 市生态环境局 and task 2. led by 市住建局; one project each."""
    u = world.units
    group = services.task_create(program=world.program, number="（一）", title="目标责任体系与制度建设")
    own = services.task_create(program=world.program, parent=group, number="1.", title="生态文明建设规划",
                               leads=[u["市生态环境局"]], cooperators=[u["市财政局"]],
                               deadline=dt.date(2026, 6, 30), milestones=[("规划颁布", dt.date(2026, 3, 31))])
    other = services.task_create(program=world.program, parent=group, number="2.", title="城镇污水处理",
                                 leads=[u["市住建局"]], cooperators=[u["市水务局"]], deadline=dt.date(2026, 6, 30))
    category = ProjectCategory.objects.get(name="净空净水净土")
    own_project = services.project_create(
        program=world.program, name="入河排污口整治", category=category, region=world.city,
        department=u["市生态环境局"], start=dt.date(2025, 1, 1), end=dt.date(2026, 12, 31),
        total=Decimal("8900"), funding=[("fiscal", Decimal("8900"))],
        years={2025: {"planned": Decimal("4000"), "completed": Decimal("3500")}},
    )
    other_project = services.project_create(
        program=world.program, name="第二污水处理厂提标改造", category=category, region=world.counties["hill"],
        department=u["市住建局"], start=dt.date(2024, 1, 1), end=dt.date(2025, 12, 31),
        total=Decimal("32600"), status="under_way",
    )
    return SimpleNamespace(group=group, own=own, other=other, own_project=own_project, other_project=other_project)
