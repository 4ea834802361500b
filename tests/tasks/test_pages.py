"""Every page renders for the personas who may see it, and the forms on them work."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from apps.programs.models import Phase
from apps.tasks.models import NoticeStatus, SupervisionNotice, TaskMilestone, TaskStatus
from apps.tasks.selectors import timeline
from apps.tasks.supervision import supervision_run
from tests.conftest import ClientFor


def test_pages_render(world: SimpleNamespace, plan: SimpleNamespace, client_for: ClientFor):
    supervision_run(program=world.program, today=dt.date(2026, 7, 1))
    notice = SupervisionNotice.objects.filter(department=world.units["市生态环境局"]).first()
    p = world.program.id
    for persona in ("office", "reporter", "leader"):
        client = client_for(getattr(world.users, persona))
        for url in (f"/programs/{p}/tasks/", f"/programs/{p}/tasks/{plan.own.id}/", f"/programs/{p}/projects/",
                    f"/programs/{p}/supervision/", f"/programs/{p}/supervision/?all=1",
                    f"/programs/{p}/supervision/{notice.id}/", f"/programs/{p}/timeline/",
                    f"/programs/{p}/tasks.xlsx", f"/programs/{p}/projects.xlsx",
                    f"/programs/{p}/inbox/?department={world.units['市生态环境局'].id}"):
            assert client.get(url).status_code == 200, (persona, url)
    office = client_for(world.users.office)
    assert "任务清单" in office.get(f"/programs/{p}/tasks/").content.decode()  # nav entry
    assert office.get(f"/programs/{p}/tasks/import/").status_code == 200
    assert client_for(world.users.leader).get(f"/programs/{p}/tasks/import/").status_code == 403


@pytest.mark.usefixtures("plan")
def test_respond_and_close_through_pages(world: SimpleNamespace, client_for: ClientFor):
    TaskMilestone.objects.all().delete()
    supervision_run(program=world.program, today=dt.date(2026, 7, 1), rules=["task_overdue"])
    notice = SupervisionNotice.objects.get(department=world.units["市生态环境局"])
    url = f"/programs/{world.program.id}/supervision/{notice.id}/"
    assert client_for(world.users.leader).post(url, {"action": "respond", "text": "x"}).status_code == 403
    client_for(world.users.reporter).post(url, {"action": "respond", "text": "已整改"})
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.RESPONDED
    client_for(world.users.office).post(url, {"action": "close", "text": "同意"})
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.CLOSED


def test_progress_through_pages(world: SimpleNamespace, plan: SimpleNamespace, client_for: ClientFor):
    base = f"/programs/{world.program.id}/tasks/{plan.own.id}"
    client_for(world.users.reporter).post(f"{base}/progress/", {"narrative": "完成", "percent": "100", "submit": "1"})
    progress = plan.own.progress_updates.get()
    assert client_for(world.users.reporter).post(f"{base}/progress/{progress.id}/",
                                                 {"action": "approve"}).status_code == 403
    client_for(world.users.office).post(f"{base}/progress/{progress.id}/", {"action": "approve"})
    plan.own.refresh_from_db()
    assert plan.own.status == TaskStatus.COMPLETED


@pytest.mark.usefixtures("plan")
def test_timeline_places_today(world: SimpleNamespace):
    Phase.objects.create(program=world.program, name="全面启动", start=dt.date(2025, 1, 1), end=dt.date(2026, 12, 31))
    line = timeline(world.users.office, world.program, today=dt.date(2026, 1, 1))
    assert line.start == dt.date(2025, 1, 1) and line.end == dt.date(2026, 12, 31)
    assert 49 < line.today_left < 51
    kinds = [bar.kind for bar in line.rows]
    assert kinds.count("phase") == 1 and kinds.count("task") == 2 and kinds.count("milestone") == 1
    late = timeline(world.users.office, world.program, today=dt.date(2026, 7, 1))
    assert {bar.css for bar in late.rows if bar.kind == "task"} == {"late"}


@pytest.mark.usefixtures("plan")
def test_the_project_and_task_lists_end_in_totals_with_separators(world: SimpleNamespace, client_for: ClientFor):
    """合计 rows (issue #12): per category, per county, per year, per source and under the list; 万元 and 亿元 with
    thousands separators and two decimals per column; task counts by status."""
    client = client_for(world.users.office)
    html = client.get(f"/programs/{world.program.id}/projects/").content.decode()
    total = '<tr class="total"><th scope="row">合计</th><td class="num">2</td><td class="num">4.15</td>'
    assert html.count(total) == 2  # by category and by county: 8,900 + 32,600 万元 = 4.15 亿元
    assert '<th scope="row">合计</th><td class="num"></td><td class="num">0.40</td><td class="num">0.35</td>' in html
    assert '<td class="num">32,600.00</td>' in html and '<td class="num">41,500.00</td>' in html  # a row; the list's total
    assert "合计（2 个项目）" in html
    tasks = client.get(f"/programs/{world.program.id}/tasks/").content.decode()
    assert 'id="task-status-counts"' in tasks
    assert '<tr class="total"><th scope="row">合计</th><td class="num">2</td>' in tasks
