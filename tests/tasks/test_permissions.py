"""A department reporter sees only its own tasks, projects and notices; pages and API say 403 otherwise."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from apps.geo.models import Department
from apps.programs.models import Program
from apps.tasks import selectors, services
from apps.tasks.models import SupervisionNotice, TaskMilestone
from apps.tasks.supervision import supervision_run
from tests.conftest import ClientFor, make_user


@pytest.fixture
def notices(world: SimpleNamespace, plan: SimpleNamespace) -> dict[str, SupervisionNotice]:  # noqa: ARG001 - plan: the tasks
    TaskMilestone.objects.all().delete()
    supervision_run(program=world.program, today=dt.date(2026, 7, 1), rules=["task_overdue"])
    return {n.department.name: n for n in world.program.notices.select_related("department")}


@pytest.mark.usefixtures("plan")
def test_reporter_task_list_shows_only_own_tasks(world: SimpleNamespace, client_for: ClientFor):
    client = client_for(world.users.reporter)
    page = client.get(f"/programs/{world.program.id}/tasks/").content.decode()
    assert "生态文明建设规划" in page and "城镇污水处理" not in page
    assert "目标责任体系与制度建设" in page  # the group, shown as context
    data = client.get(f"/api/programs/{world.program.id}/tasks").json()
    assert [t["title"] for t in data] == ["生态文明建设规划"]


def test_reporter_denied_other_units_task(world: SimpleNamespace, plan: SimpleNamespace, client_for: ClientFor):
    client = client_for(world.users.reporter)
    assert client.get(f"/programs/{world.program.id}/tasks/{plan.own.id}/").status_code == 200
    assert client.get(f"/programs/{world.program.id}/tasks/{plan.other.id}/").status_code == 403
    assert client.get(f"/api/programs/{world.program.id}/tasks/{plan.other.id}").status_code == 403
    assert client.get(f"/api/programs/{world.program.id}/tasks/999999").status_code == 404


def test_cooperating_unit_sees_the_task(world: SimpleNamespace, plan: SimpleNamespace, client_for: ClientFor):
    finance = make_user("finance", "department_reporter", department=world.units["市财政局"])
    client = client_for(finance)
    assert client.get(f"/api/programs/{world.program.id}/tasks/{plan.own.id}").status_code == 200
    assert client.get(f"/api/programs/{world.program.id}/tasks/{plan.other.id}").status_code == 403


@pytest.mark.usefixtures("plan")
def test_reporter_sees_only_own_projects(world: SimpleNamespace, client_for: ClientFor):
    client = client_for(world.users.reporter)
    data = client.get(f"/api/programs/{world.program.id}/projects").json()
    assert [p["name"] for p in data] == ["入河排污口整治"]
    summary = client.get(f"/api/programs/{world.program.id}/projects/summary").json()
    assert summary["count"] == 1 and Decimal(summary["total_wan"]) == Decimal("8900")
    page = client.get(f"/programs/{world.program.id}/projects/").content.decode()
    assert "入河排污口整治" in page and "第二污水处理厂提标改造" not in page


def test_reporter_sees_only_own_notices(world: SimpleNamespace, notices: dict[str, SupervisionNotice], client_for: ClientFor):
    client = client_for(world.users.reporter)
    data = client.get(f"/api/programs/{world.program.id}/notices").json()
    assert {n["department"] for n in data} == {"市生态环境局"}
    other = notices["市住建局"]
    assert client.get(f"/programs/{world.program.id}/supervision/{other.id}/").status_code == 403
    assert client.get(f"/api/programs/{world.program.id}/notices/{other.id}").status_code == 403
    response = client.post(f"/api/programs/{world.program.id}/notices/{other.id}/respond", {"text": "x"},
                           content_type="application/json")
    assert response.status_code == 403
    own = notices["市生态环境局"]
    response = client.post(f"/api/programs/{world.program.id}/notices/{own.id}/respond", {"text": "已整改"},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "responded"


@pytest.mark.usefixtures("notices", "plan")
def test_inbox_is_the_units_own(world: SimpleNamespace, client_for: ClientFor):
    client = client_for(world.users.reporter)
    data = client.get(f"/api/programs/{world.program.id}/inbox").json()
    assert [t["title"] for t in data["tasks"]] == ["生态文明建设规划"]
    assert {n["department"] for n in data["notices"]} == {"市生态环境局"}
    assert data["due_reports"] == []
    other = world.units["市住建局"].id
    assert client.get(f"/api/programs/{world.program.id}/inbox?department_id={other}").status_code == 403
    assert client.get(f"/programs/{world.program.id}/inbox/?department={other}").status_code == 403
    assert "生态文明建设规划" in client.get(f"/programs/{world.program.id}/inbox/").content.decode()


@pytest.mark.usefixtures("plan")
def test_inbox_due_reports_hook(world: SimpleNamespace):
    def provider(_program: Program, department: Department, _today: dt.date) -> list[selectors.DueReport]:
        return [selectors.DueReport(title=f"{department.name} 2026年第三季度调度", due=dt.date(2026, 10, 10),
                                    overdue=True)]

    selectors.DUE_REPORT_PROVIDERS.append(provider)
    try:
        inbox = selectors.department_inbox(world.program, world.units["市生态环境局"], today=dt.date(2026, 11, 1))
    finally:
        selectors.DUE_REPORT_PROVIDERS.remove(provider)
    assert [r.title for r in inbox.due_reports] == ["市生态环境局 2026年第三季度调度"]


@pytest.mark.parametrize("persona", ["leader", "inspector"])
def test_read_only_roles_see_all_but_change_nothing(world: SimpleNamespace, notices: dict[str, SupervisionNotice], client_for: ClientFor, persona: str):
    client = client_for(getattr(world.users, persona))
    base = f"/api/programs/{world.program.id}"
    assert len(client.get(f"{base}/tasks").json()) == 3
    assert len(client.get(f"{base}/notices").json()) == len(notices)
    own = notices["市生态环境局"]
    assert client.post(f"{base}/notices/{own.id}/respond", {"text": "x"},
                       content_type="application/json").status_code == 403
    assert client.post(f"{base}/notices/{own.id}/close", {"text": "x"},
                       content_type="application/json").status_code == 403
    assert client.post(f"{base}/notices", {"department_id": world.units["市水务局"].id, "title": "x"},
                       content_type="application/json").status_code == 403
    assert client.post(f"{base}/supervision/run").status_code == 403
    for path in ("tasks/", "projects/", "supervision/", "timeline/"):
        assert client.get(f"/programs/{world.program.id}/{path}").status_code == 200


@pytest.mark.usefixtures("plan")
def test_outsider_cannot_see_the_program(world: SimpleNamespace, client_for: ClientFor):
    client = client_for(world.users.outsider)
    assert client.get(f"/programs/{world.program.id}/tasks/").status_code == 403
    assert client.get(f"/api/programs/{world.program.id}/projects").status_code == 403
    assert client.get(f"/api/programs/{world.program.id}/notices").status_code == 403


@pytest.mark.usefixtures("plan")
def test_office_issues_notice_by_api(world: SimpleNamespace, client_for: ClientFor):
    client = client_for(world.users.office)
    response = client.post(f"/api/programs/{world.program.id}/notices",
                           {"department_id": world.units["市水务局"].id, "title": "河长制巡河记录不全", "level": 3},
                           content_type="application/json")
    assert response.status_code == 201
    assert response.json()["colour"] == "red" and response.json()["events"][0]["kind"] == "issued"


@pytest.mark.usefixtures("plan")
def test_county_office_sees_its_county_projects(world: SimpleNamespace, client_for: ClientFor):
    client = client_for(world.users.county)
    data = client.get(f"/api/programs/{world.program.id}/projects").json()
    assert [p["name"] for p in data] == ["第二污水处理厂提标改造"]


def test_sub_item_unit_sees_its_ancestors_as_context(world: SimpleNamespace, plan: SimpleNamespace, client_for: ClientFor):
    services.task_create(program=world.program, parent=plan.other, number="（1）", title="污水管网排查",
                         leads=[world.units["市统计局"]])
    stats = make_user("stats", "department_reporter", department=world.units["市统计局"])
    page = client_for(stats).get(f"/programs/{world.program.id}/tasks/").content.decode()
    assert "目标责任体系与制度建设" in page and "城镇污水处理" in page and "污水管网排查" in page
    assert "生态文明建设规划" not in page
    assert client_for(stats).get(f"/programs/{world.program.id}/tasks/{plan.other.id}/").status_code == 403
