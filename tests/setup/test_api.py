"""The set-up API: the pages' access functions and services, with the denied paths (#12)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.test import Client

from apps.accounts.models import Role, User
from apps.geo.models import Department
from apps.programs.models import Program
from tests.conftest import ClientFor


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def test_create_a_user_and_log_in_with_the_initial_password(world: SimpleNamespace, client_for: ClientFor):
    response = _post(client_for(world.users.office), "/api/setup/users",
                     {"username": "li", "role": Role.COUNTY_OFFICE, "region_id": world.counties["plain"].id})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["user"]["must_change_password"] and len(body["initial_password"]) >= 10
    fresh = Client()
    login = fresh.post("/login/", {"username": "li", "password": body["initial_password"]})
    assert login.status_code == 302
    assert fresh.get("/api/programs").status_code == 403  # until the password is changed


def test_the_api_refuses_other_offices_and_other_roles(world: SimpleNamespace, client_for: ClientFor):
    other = client_for(world.users.outsider)
    reporter = world.users.reporter
    assert other.post(f"/api/setup/users/{reporter.id}/deactivate").status_code == 403
    assert other.post(f"/api/setup/users/{reporter.id}/password-reset").status_code == 403
    assert other.delete(f"/api/setup/roles/{reporter.assignments.get().id}").status_code == 403
    response = _post(other, "/api/setup/users", {"username": "spy", "role": Role.LEADER, "region_id": world.city.id})
    assert response.status_code == 403 and not User.objects.filter(username="spy").exists()
    assert _post(other, f"/api/setup/users/{reporter.id}/roles",
                 {"role": Role.LEADER, "region_id": world.other_city.id}).status_code == 403
    assert [u["username"] for u in other.get("/api/setup/users").json()] == ["outsider"]
    assert "市水务局" not in {d["name"] for d in other.get("/api/setup/departments").json()}
    for persona in ("reporter", "county", "leader"):
        client = client_for(getattr(world.users, persona))
        assert client.get("/api/setup/users").status_code == 403
        assert client.get("/api/setup/departments").status_code == 403
    reporter.refresh_from_db()
    assert reporter.is_active and reporter.check_password("pw")


def test_grant_revoke_deactivate_and_reset(world: SimpleNamespace, client_for: ClientFor):
    client = client_for(world.users.office)
    leader = world.users.leader
    granted = _post(client, f"/api/setup/users/{leader.id}/roles",
                    {"role": Role.INSPECTOR, "region_id": world.city.id, "program_id": world.program.id})
    assert granted.status_code == 201
    refused = _post(client, f"/api/setup/users/{leader.id}/roles",
                    {"role": Role.INSPECTOR, "region_id": world.city.id, "program_id": world.other_program.id})
    assert refused.status_code == 400 and "不在此范围" in refused.json()["detail"]
    assert client.delete(f"/api/setup/roles/{granted.json()['id']}").status_code == 204
    assert client.post(f"/api/setup/users/{leader.id}/deactivate").json()["is_active"] is False
    reset = client.post(f"/api/setup/users/{leader.id}/password-reset").json()
    leader.refresh_from_db()
    assert leader.check_password(reset["initial_password"]) and leader.must_change_password


def test_departments_within_the_office_only(world: SimpleNamespace, client_for: ClientFor):
    client = client_for(world.users.office)
    response = _post(client, "/api/setup/departments",
                     {"region_id": world.city.id, "name": "市林业局", "aliases": ["林业局"]})
    assert response.status_code == 201
    unit = Department.objects.get(pk=response.json()["id"])
    assert unit.aliases == ["林业局"]
    duplicate = _post(client, "/api/setup/departments", {"region_id": world.city.id, "name": "市林业局"})
    assert duplicate.status_code == 400
    other = client_for(world.users.outsider)
    assert _post(other, "/api/setup/departments", {"region_id": world.city.id, "name": "X"}).status_code == 403
    assert other.put(f"/api/setup/departments/{unit.id}", {"region_id": world.other_city.id, "name": "X"},
                     content_type="application/json").status_code == 403
    unit.refresh_from_db()
    assert unit.name == "市林业局"


def _program_body(region_id: int, **extra: Any) -> dict[str, Any]:
    return {"region_id": region_id, "framework_code": "national-2019", "name": "新创建", "title_sought": "provincial",
            "base_year": 2024, "target_year": 2027, **extra}


def test_programs_phases_milestones_and_goals(world: SimpleNamespace, client_for: ClientFor):
    client = client_for(world.users.office)
    created = _post(client, "/api/setup/programs", _program_body(world.city.id))
    assert created.status_code == 201, created.content
    pid = created.json()["id"]
    phase = _post(client, f"/api/setup/programs/{pid}/phases", {"name": "创建阶段", "start": "2025-01-01",
                                                                  "end": "2025-12-31"})
    assert phase.status_code == 201
    assert _post(client, f"/api/setup/programs/{pid}/milestones", {"phase_id": phase.json()["id"], "title": "自评",
                                                                     "due": "2025-06-30"}).status_code == 201
    goal = _post(client, f"/api/setup/programs/{pid}/goals", {"region_id": world.counties["hill"].id,
                                                                "title_sought": "national", "target_year": 2026})
    assert goal.status_code == 201
    bad = _post(client, f"/api/setup/programs/{pid}/goals", {"region_id": world.city.id, "title_sought": "national",
                                                               "target_year": 2026})
    assert bad.status_code == 400
    assert client.delete(f"/api/setup/programs/{pid}/phases/{phase.json()['id']}").status_code == 204
    program = Program.objects.get(pk=pid)
    assert not program.phases.exists() and program.region_goals.count() == 1


def test_who_may_not_create_or_change_a_program(world: SimpleNamespace, client_for: ClientFor):
    county = client_for(world.users.county)
    assert _post(county, "/api/setup/programs", _program_body(world.city.id)).status_code == 403
    assert _post(county, "/api/setup/programs", _program_body(world.counties["hill"].id)).status_code == 403
    office = client_for(world.users.office)
    assert _post(office, "/api/setup/programs", _program_body(world.other_city.id)).status_code == 403
    assert _post(office, "/api/setup/programs", _program_body(world.province.id)).status_code == 403
    other = client_for(world.users.outsider)
    body = _program_body(world.city.id, name="改名")
    assert other.put(f"/api/setup/programs/{world.program.id}", body,
                     content_type="application/json").status_code == 403
    assert _post(other, f"/api/setup/programs/{world.program.id}/phases",
                 {"name": "x", "start": "2025-01-01", "end": "2025-02-01"}).status_code == 403
    assert Program.objects.count() == 2 and not world.program.phases.exists()
