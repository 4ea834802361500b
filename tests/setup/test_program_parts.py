"""Editing a program's phases, milestones and county goals in the app (#12): dates in order, within the
program's years and around the milestones; page and API alike, audited; refused to anyone but the office."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from apps.audit.models import AuditAction, AuditEvent
from apps.programs.models import Milestone, Phase, RegionGoal
from tests.conftest import ClientFor


def _phases(world: SimpleNamespace) -> tuple[Phase, Phase, Milestone]:
    """Two phases of the program (2020–2025) and a milestone of the first."""
    first = Phase.objects.create(program=world.program, name="规划阶段", start=dt.date(2021, 1, 1),
                                 end=dt.date(2022, 12, 31), order=1)
    second = Phase.objects.create(program=world.program, name="建设阶段", start=dt.date(2023, 1, 1),
                                  end=dt.date(2025, 6, 30), order=2)
    milestone = Milestone.objects.create(phase=first, title="方案印发", due=dt.date(2021, 6, 30))
    return first, second, milestone


def _base(world: SimpleNamespace) -> str:
    return f"/programs/{world.program.id}/setup/program/"


def test_the_office_edits_a_phase_on_the_page(world: SimpleNamespace, client_for: ClientFor):
    first, _, _ = _phases(world)
    client = client_for(world.users.office)
    url = f"{_base(world)}phase/{first.id}/"
    page = client.get(url)
    assert page.status_code == 200 and "规划阶段" in page.content.decode()
    assert f'href="{url}"' in client.get(_base(world)).content.decode()
    saved = client.post(url, {"name": "规划编制", "start": "2021-01-01", "end": "2022-06-30",
                              "description": "编制规划", "order": 1})
    assert saved.status_code == 302, saved.content.decode()
    first.refresh_from_db()
    assert (first.name, first.end) == ("规划编制", dt.date(2022, 6, 30))
    event = AuditEvent.objects.get(action=AuditAction.SETUP_CHANGE, target_type="programs.phase")
    assert event.actor == world.users.office and event.details["changes"]["name"] == ["规划阶段", "规划编制"]


def test_phase_dates_are_checked(world: SimpleNamespace, client_for: ClientFor):
    first, _, _ = _phases(world)
    client = client_for(world.users.office)
    url = f"{_base(world)}phase/{first.id}/"
    cases = [("2022-12-31", "2021-01-01", "开始日期不能晚于结束日期"),
             ("2019-06-01", "2021-12-31", "基准年2020年至目标年后5年，即2030年"),
             ("2021-01-01", "2031-01-31", "基准年2020年至目标年后5年，即2030年"),
             ("2021-07-01", "2022-12-31", "节点“方案印发”不在阶段的起止日期内")]
    for start, end, message in cases:
        response = client.post(url, {"name": "规划阶段", "start": start, "end": end, "order": 1})
        assert response.status_code == 200 and message in response.content.decode(), (start, end)
    first.refresh_from_db()
    assert (first.start, first.end) == (dt.date(2021, 1, 1), dt.date(2022, 12, 31))


def test_the_office_moves_a_milestone_and_its_date_stays_in_its_phase(world: SimpleNamespace,
                                                                       client_for: ClientFor):
    _, second, milestone = _phases(world)
    client = client_for(world.users.office)
    url = f"{_base(world)}milestone/{milestone.id}/"
    refused = client.post(url, {"phase": second.id, "title": "方案印发", "due": "2021-06-30"})
    assert refused.status_code == 200 and "须在所属阶段的起止日期内" in refused.content.decode()
    assert client.post(url, {"phase": second.id, "title": "中期评估", "due": "2024-06-30"}).status_code == 302
    milestone.refresh_from_db()
    assert (milestone.phase_id, milestone.title, milestone.due) == (second.id, "中期评估", dt.date(2024, 6, 30))


def test_the_api_edits_phases_milestones_and_goals(world: SimpleNamespace, client_for: ClientFor):
    first, second, milestone = _phases(world)
    goal = RegionGoal.objects.create(program=world.program, region=world.counties["hill"], title_sought="national",
                                     target_year=2024)
    client = client_for(world.users.office)
    api = f"/api/setup/programs/{world.program.id}"
    body = {"name": "规划阶段", "start": "2021-01-01", "end": "2022-12-31", "description": "", "order": 3}
    assert client.put(f"{api}/phases/{first.id}", body, content_type="application/json").status_code == 200
    bad = client.put(f"{api}/phases/{first.id}", {**body, "end": "2031-01-01"}, content_type="application/json")
    assert bad.status_code == 400 and "年限内" in bad.json()["detail"]
    moved = client.put(f"{api}/milestones/{milestone.id}", {"phase_id": second.id, "title": "中期评估",
                                                            "due": "2024-01-31"}, content_type="application/json")
    assert moved.status_code == 200
    changed = client.put(f"{api}/goals/{goal.id}", {"region_id": world.counties["plain"].id,
                                                    "title_sought": "national", "target_year": 2025},
                         content_type="application/json")
    assert changed.status_code == 200
    first.refresh_from_db()
    milestone.refresh_from_db()
    goal.refresh_from_db()
    assert first.order == 3 and milestone.phase_id == second.id and goal.region == world.counties["plain"]
    assert AuditEvent.objects.filter(action=AuditAction.SETUP_CHANGE, actor=world.users.office).count() == 3


def test_no_one_but_the_office_edits(world: SimpleNamespace, client_for: ClientFor):
    first, second, milestone = _phases(world)
    api = f"/api/setup/programs/{world.program.id}"
    body = {"name": "改", "start": "2021-01-01", "end": "2022-12-31", "description": "", "order": 1}
    for persona in ("county", "reporter", "leader", "inspector", "outsider"):
        client = client_for(getattr(world.users, persona))
        assert client.get(f"{_base(world)}phase/{first.id}/").status_code == 403, persona
        assert client.post(f"{_base(world)}phase/{first.id}/", body).status_code == 403, persona
        assert client.post(f"{_base(world)}milestone/{milestone.id}/",
                           {"phase": second.id, "title": "改", "due": "2024-01-31"}).status_code == 403
        assert client.put(f"{api}/phases/{first.id}", body,
                          content_type="application/json").status_code == 403, persona
        assert client.put(f"{api}/milestones/{milestone.id}", {"phase_id": second.id, "title": "改",
                                                               "due": "2024-01-31"},
                          content_type="application/json").status_code == 403, persona
    # another program's phase through this program's address: not found
    office = client_for(world.users.outsider)
    assert office.get(f"/programs/{world.other_program.id}/setup/program/phase/{first.id}/").status_code == 404
    first.refresh_from_db()
    milestone.refresh_from_db()
    assert first.name == "规划阶段" and milestone.title == "方案印发"
    assert not AuditEvent.objects.filter(action=AuditAction.SETUP_CHANGE).exists()
