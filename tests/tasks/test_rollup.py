"""Task groups roll up their children: on the list, the group's page, the API, the export, supervision and the inbox.

The plan: （一） holds 1. (done, 市生态环境局), 2. (a sub-group of 市生态环境局's （1） at 60 % and overdue, and
市住建局's （2） not started) and 3. (市住建局, 40 %). Equal weight per child: 2. = (60 + 0) / 2 = 30 %,
（一） = (100 + 30 + 40) / 3 = 56.67 → 56 %.
"""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from apps.core.errors import DomainError
from apps.tasks import selectors, services
from apps.tasks.models import SupervisionNotice, Task, TaskStatus
from apps.tasks.supervision import supervision_run
from tests.conftest import ClientFor


@pytest.fixture
def tree(world: SimpleNamespace) -> SimpleNamespace:
    u, p = world.units, world.program
    today = timezone.localdate()
    past, future = today - dt.timedelta(days=10), today + dt.timedelta(days=100)
    top = services.task_create(program=p, number="（一）", title="目标责任体系")
    done = services.task_create(program=p, parent=top, number="1.", title="规划编制", leads=[u["市生态环境局"]],
                                deadline=past)
    services.task_apply_progress(task=done, percent=100)
    sub = services.task_create(program=p, parent=top, number="2.", title="制度建设")
    late = services.task_create(program=p, parent=sub, number="（1）", title="考核办法", leads=[u["市生态环境局"]],
                                deadline=past)
    services.task_apply_progress(task=late, percent=60)
    idle = services.task_create(program=p, parent=sub, number="（2）", title="责任追究", leads=[u["市住建局"]],
                                deadline=future)
    other = services.task_create(program=p, parent=top, number="3.", title="污水处理", leads=[u["市住建局"]],
                                 deadline=future)
    services.task_apply_progress(task=other, percent=40)
    return SimpleNamespace(top=top, done=done, sub=sub, late=late, idle=idle, other=other, past=past)


def test_rows_carry_the_roll_up(world: SimpleNamespace, tree: SimpleNamespace):
    rows = {r.task.id: r for r in selectors.task_rows(world.users.office, world.program)}
    top, sub = rows[tree.top.id], rows[tree.sub.id]
    assert (top.rollup.percent, top.rollup.status, top.overdue, top.is_group) == (56, TaskStatus.IN_PROGRESS, True, True)
    assert (top.rollup.tasks, top.rollup.completed, top.rollup.overdue_tasks) == (4, 1, 1)
    assert (sub.rollup.percent, sub.overdue, sub.depth) == (30, True, 1)
    assert rows[tree.late.id].depth == 2 and not rows[tree.done.id].overdue  # done, though past its deadline
    sections = selectors.task_sections(list(rows.values()))
    assert [s.heading.task.id for s in sections] == [tree.top.id]
    assert [r.task.id for r in sections[0].rows] == [tree.done.id, tree.sub.id, tree.late.id, tree.idle.id,
                                                      tree.other.id]
    counts = selectors.task_counts(list(rows.values()))  # the work items, not the groups
    assert (counts.total, counts.completed, counts.in_progress, counts.overdue) == (4, 1, 2, 1)


def test_the_roll_up_follows_the_children(world: SimpleNamespace, tree: SimpleNamespace):
    for task in (tree.late, tree.idle, tree.other):
        services.task_apply_progress(task=task, percent=100)
    rollups = selectors.task_rollups(world.program, today=timezone.localdate())
    assert rollups[tree.top.id].status == TaskStatus.COMPLETED and rollups[tree.top.id].percent == 100
    assert not rollups[tree.top.id].overdue
    tree.top.refresh_from_db()
    assert tree.top.status == TaskStatus.NOT_STARTED  # nothing is stored: the roll-up is computed on reading


@pytest.mark.usefixtures("tree")
def test_list_page_groups_under_headings_with_the_roll_up(world: SimpleNamespace, client_for: ClientFor):
    html = client_for(world.users.office).get(f"/programs/{world.program.id}/tasks/").content.decode()
    assert html.count('<details class="tsec" open>') == 1
    heading = html.split('<details class="tsec" open>')[1].split("</summary>")[0]
    assert "目标责任体系" in heading and "56%" in heading and "4 项任务" in heading and "逾期 1 项" in heading
    assert 'class="d1 subgroup"' in html  # 2. is a sub-group row with its own roll-up


def test_group_page_lists_its_sub_tasks(world: SimpleNamespace, tree: SimpleNamespace, client_for: ClientFor):
    html = client_for(world.users.office).get(f"/programs/{world.program.id}/tasks/{tree.top.id}/").content.decode()
    assert "下级任务" in html and "56%" in html and "由下级任务汇总" in html
    table = html.split('<table class="grid tasklist">')[1].split("</table>")[0]
    for task in (tree.done, tree.sub, tree.late, tree.idle, tree.other):
        assert task.title in table
    assert "市住建局" in table and f"{tree.past.year}年{tree.past.month}月{tree.past.day}日" in table
    assert 'name="narrative"' not in html  # a group's progress is not reported on the group
    leaf = client_for(world.users.office).get(f"/programs/{world.program.id}/tasks/{tree.other.id}/")
    assert "下级任务" not in leaf.content.decode()


def test_api_serves_the_roll_up_and_the_sub_tasks(world: SimpleNamespace, tree: SimpleNamespace,
                                                  client_for: ClientFor):
    client = client_for(world.users.office)
    tasks = {t["id"]: t for t in client.get(f"/api/programs/{world.program.id}/tasks").json()}
    top = tasks[tree.top.id]
    assert (top["status"], top["percent"], top["overdue"], top["is_group"]) == ("in_progress", 56, True, True)
    assert top["rollup"]["tasks"] == 4 and top["rollup"]["overdue_tasks"] == 1 and top["rollup"]["children"] == 3
    assert tasks[tree.other.id]["rollup"] is None and tasks[tree.other.id]["percent"] == 40
    detail = client.get(f"/api/programs/{world.program.id}/tasks/{tree.sub.id}").json()
    assert [(s["title"], s["percent"], s["depth"]) for s in detail["subtasks"]] == [("考核办法", 60, 0),
                                                                                   ("责任追究", 0, 0)]
    assert detail["hidden_subtasks"] == 0 and detail["percent"] == 30


@pytest.mark.usefixtures("tree")
def test_export_writes_the_roll_up(world: SimpleNamespace, client_for: ClientFor):
    response = client_for(world.users.office).get(f"/programs/{world.program.id}/tasks.xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)
                                     if response.streaming else response.content)).active
    rows = {row[1]: row for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert rows["目标责任体系"][6:8] == (56, "推进中") and rows["制度建设"][6:8] == (30, "推进中")
    assert sheet.print_title_rows == "$2:$2" and sheet.page_setup.orientation == "landscape"


def test_a_reporter_sees_its_own_share_and_no_other_group(world: SimpleNamespace, tree: SimpleNamespace,
                                                          client_for: ClientFor):
    rows = {r.task.id: r for r in selectors.task_rows(world.users.reporter, world.program)}
    assert set(rows) == {tree.top.id, tree.done.id, tree.sub.id, tree.late.id}
    top = rows[tree.top.id]  # a context heading: only 市生态环境局's two tasks, (100 + 60) / 2
    assert top.is_context and top.rollup.percent == 80 and top.rollup.tasks == 2
    client = client_for(world.users.reporter)
    p = world.program.id
    assert client.get(f"/programs/{p}/tasks/{tree.top.id}/").status_code == 403
    assert client.get(f"/api/programs/{p}/tasks/{tree.top.id}").status_code == 403
    assert client.get(f"/programs/{p}/tasks/{tree.other.id}/").status_code == 403
    html = client.get(f"/programs/{p}/tasks/").content.decode()
    assert "污水处理" not in html and "责任追究" not in html and "（本单位）" in html


def test_a_unit_on_a_group_sees_its_roll_up_and_only_its_visible_sub_tasks(world: SimpleNamespace,
                                                                           tree: SimpleNamespace,
                                                                           client_for: ClientFor):
    tree.sub.units.create(department=world.units["市生态环境局"], role="lead")
    response = client_for(world.users.reporter).get(f"/api/programs/{world.program.id}/tasks/{tree.sub.id}")
    detail = response.json()
    assert detail["percent"] == 30  # the group's own roll-up, over every child
    assert [s["title"] for s in detail["subtasks"]] == ["考核办法"] and detail["hidden_subtasks"] == 1


def test_progress_is_not_reported_on_a_group(world: SimpleNamespace, tree: SimpleNamespace, client_for: ClientFor):
    tree.sub.units.create(department=world.units["市生态环境局"], role="lead")
    with pytest.raises(DomainError, match="下级任务汇总"):
        services.task_progress_create(task=tree.sub, actor=world.users.reporter, narrative="x", percent=50)
    response = client_for(world.users.reporter).post(
        f"/api/programs/{world.program.id}/tasks/{tree.sub.id}/progress", {"narrative": "x", "percent": 50})
    assert response.status_code == 400


def test_supervision_reads_a_groups_rolled_up_status(world: SimpleNamespace, tree: SimpleNamespace):
    Task.objects.filter(pk=tree.sub.pk).update(deadline=tree.past)  # the sub-group itself is past its deadline
    tree.sub.units.create(department=world.units["市生态环境局"], role="lead")
    supervision_run(program=world.program, rules=["task_overdue"])
    flagged = set(SupervisionNotice.objects.values_list("source_id", flat=True))
    assert tree.sub.id in flagged and tree.late.id in flagged
    notice = SupervisionNotice.objects.get(source_id=tree.sub.id)
    assert "目前完成30%" in notice.reason  # the rolled-up per cent, not the group's stored 0
    SupervisionNotice.objects.all().delete()
    for task in (tree.late, tree.idle):
        services.task_apply_progress(task=task, percent=100)
    supervision_run(program=world.program, rules=["task_overdue"])
    assert not SupervisionNotice.objects.filter(source_id=tree.sub.id).exists()  # done: its children are


def test_inbox_leaves_out_a_group_whose_children_are_done(world: SimpleNamespace, tree: SimpleNamespace):
    tree.sub.units.create(department=world.units["市生态环境局"], role="lead")
    unit = world.units["市生态环境局"]
    assert tree.sub.id in {t.id for t in selectors.department_inbox(world.program, unit).tasks}
    for task in (tree.late, tree.idle):
        services.task_apply_progress(task=task, percent=100)
    assert tree.sub.id not in {t.id for t in selectors.department_inbox(world.program, unit).tasks}


def test_a_sub_tasks_crumb_links_its_group_only_where_it_may_be_opened(world: SimpleNamespace, tree: SimpleNamespace,
                                                                       client_for: ClientFor):
    p = world.program.id
    group_url = f"/programs/{p}/tasks/{tree.sub.id}/"
    office = client_for(world.users.office).get(f"/programs/{p}/tasks/{tree.late.id}/").content.decode()
    assert f'href="{group_url}"' in office
    reporter = client_for(world.users.reporter).get(f"/programs/{p}/tasks/{tree.late.id}/").content.decode()
    assert "制度建设" in reporter and f'href="{group_url}"' not in reporter
    assert client_for(world.users.reporter).get(group_url).status_code == 403


def test_timeline_groups_tasks_under_headings_in_page_and_api(world: SimpleNamespace, tree: SimpleNamespace,
                                                               client_for: ClientFor):
    line = selectors.timeline(world.users.office, world.program)
    (section,) = line.sections
    assert section.heading.task_id == tree.top.id and section.heading.kind == "group"
    assert section.heading.percent == 56 and section.rollup.overdue_tasks == 1 and section.heading.css == "late"
    assert [(b.kind, b.task_id) for b in section.rows if b.kind != "milestone"] == [
        ("task", tree.done.id), ("group", tree.sub.id), ("task", tree.late.id), ("task", tree.idle.id),
        ("task", tree.other.id)]
    assert section.heading.start == line.start and section.heading.end == tree.idle.deadline  # spans its tasks
    api = client_for(world.users.office).get(f"/api/programs/{world.program.id}/timeline").json()
    assert api["sections"][0]["rollup"]["tasks"] == 4 and api["sections"][0]["heading"]["label"] == "（一） 目标责任体系"
    assert {"phases", "milestones", "rows"} <= set(api)
    page = client_for(world.users.reporter).get(f"/programs/{world.program.id}/timeline/").content.decode()
    assert "（本单位）" in page and "污水处理" not in page
