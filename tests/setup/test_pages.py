"""The program and unit set-up pages (#12): the office's forms, the denied paths, audited changes."""

from __future__ import annotations

from types import SimpleNamespace

from apps.audit.models import AuditAction, AuditEvent
from apps.geo.models import Department
from apps.programs.models import Program
from tests.conftest import ClientFor


def test_the_office_sets_up_its_program(world: SimpleNamespace, client_for: ClientFor):
    client = client_for(world.users.office)
    base = f"/programs/{world.program.id}/setup/program/"
    page = client.get(base)
    assert page.status_code == 200 and "县区创建目标" in page.content.decode()
    assert client.post(f"{base}phase/add/", {"name": "规划阶段", "start": "2024-01-01", "end": "2024-12-31",
                                            "order": 0}).status_code == 302
    phase = world.program.phases.get()
    assert client.post(f"{base}milestone/add/", {"phase": phase.id, "title": "方案印发",
                                                "due": "2024-03-31"}).status_code == 302
    refused = client.post(f"{base}phase/add/", {"name": "倒置", "start": "2025-12-31", "end": "2025-01-01",
                                               "order": 1})
    assert refused.status_code == 200 and "开始日期不能晚于结束日期" in refused.content.decode()
    assert client.post(f"{base}goal/add/", {"region": world.counties["plain"].id, "title_sought": "national",
                                           "target_year": 2026}).status_code == 302
    assert "2024年3月31日" in client.get(base).content.decode()
    edit = client.post(base, {"name": "甲市创建（修订）", "title_sought": "national", "base_year": 2020,
                              "target_year": 2026, "plan_document": ""})
    assert edit.status_code == 302
    world.program.refresh_from_db()
    assert world.program.name == "甲市创建（修订）" and world.program.region_id == world.city.id
    assert client.post(f"{base}bogus/add/", {}).status_code == 404
    assert AuditEvent.objects.filter(action=AuditAction.SETUP_CREATE, actor=world.users.office).count() == 3
    assert AuditEvent.objects.filter(action=AuditAction.SETUP_CHANGE, actor=world.users.office).count() == 1


def test_another_office_and_a_county_cannot_set_it_up(world: SimpleNamespace, client_for: ClientFor):
    base = f"/programs/{world.program.id}/setup/program/"
    for persona in ("outsider", "county"):
        client = client_for(getattr(world.users, persona))
        assert client.get(base).status_code == 403
        assert client.post(f"{base}phase/add/", {"name": "x", "start": "2024-01-01",
                                                "end": "2024-02-01"}).status_code == 403
    assert not world.program.phases.exists()


def test_a_new_program_from_the_page(world: SimpleNamespace, client_for: ClientFor):
    client = client_for(world.users.office)
    url = f"/programs/{world.program.id}/setup/programs/new/"
    framework = world.program.framework_id
    response = client.post(url, {"region": world.city.id, "framework": framework, "name": "甲市新一轮创建",
                                 "title_sought": "provincial", "base_year": 2025, "target_year": 2028})
    created = Program.objects.get(name="甲市新一轮创建")
    assert response.status_code == 302 and response["Location"].endswith(f"/{created.id}/setup/program/")
    # the other city is not a choice: refused on the form, nothing created
    response = client.post(url, {"region": world.other_city.id, "framework": framework, "name": "越权",
                                 "title_sought": "provincial", "base_year": 2025, "target_year": 2028})
    assert response.status_code == 200 and not Program.objects.filter(name="越权").exists()


def test_units_of_the_office(world: SimpleNamespace, client_for: ClientFor):
    client = client_for(world.users.office)
    url = f"/programs/{world.program.id}/setup/departments/"
    response = client.post(url, {"region": world.city.id, "name": "市林业局", "kind": "department", "order": 0,
                                 "aliases_text": "林业局，市林草局"})
    assert response.status_code == 302
    unit = Department.objects.get(name="市林业局")
    assert unit.aliases == ["林业局", "市林草局"]
    page = client.get(url).content.decode()
    assert "市林业局" in page and "乙市生态环境局" not in page
    other = client_for(world.users.outsider)
    other_url = f"/programs/{world.other_program.id}/setup/departments/"
    assert other.get(f"{other_url}{unit.id}/").status_code == 403
    assert other.post(f"{other_url}{unit.id}/", {"region": world.other_city.id, "name": "改",
                                                 "kind": "department", "order": 0}).status_code == 403
    unit.refresh_from_db()
    assert unit.name == "市林业局"
