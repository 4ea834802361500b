"""Every role's allowed and denied paths, on pages and on the API."""

from __future__ import annotations

import json

import pytest

from apps.indicators.models import Indicator
from apps.programs.models import TargetOverride


def urls(world):
    p, hill = world.program.id, world.counties["hill"].id
    unit = world.units["市生态环境局"].id
    return {
        "overview": f"/programs/{p}/",
        "region": f"/programs/{p}/regions/{hill}/",
        "responsibilities": f"/programs/{p}/responsibilities/",
        "export": f"/programs/{p}/responsibilities.xlsx",
        "import": f"/programs/{p}/responsibilities/import/",
        "department": f"/programs/{p}/departments/{unit}/",
        "other_department": f"/programs/{p}/departments/{world.units['市财政局'].id}/",
        "edits": f"/programs/{p}/targets/edits/",
    }


# role → pages it may open (200) and pages it may not (403)
MATRIX = {
    "office": ({"overview", "region", "responsibilities", "export", "import", "department", "other_department",
                "edits"}, set()),
    "reporter": ({"overview", "responsibilities", "export", "department", "edits"}, {"import", "other_department"}),
    "county": ({"overview", "region", "responsibilities", "export", "edits"}, {"import", "department"}),
    "leader": ({"overview", "region", "responsibilities", "export", "department", "edits"}, {"import"}),
    "inspector": ({"overview", "region", "responsibilities", "export", "department", "edits"}, {"import"}),
    "outsider": (set(), {"overview", "region", "responsibilities", "export", "import", "department", "edits"}),
}


@pytest.mark.parametrize("role", MATRIX)
def test_pages_per_role(world, client_for, role):
    client = client_for(getattr(world.users, role))
    allowed, denied = MATRIX[role]
    for name, url in urls(world).items():
        status = client.get(url).status_code
        if name in allowed:
            assert status == 200, (role, name, status)
        elif name in denied:
            assert status == 403, (role, name, status)


def test_anonymous_is_sent_to_login(world, client):
    response = client.get(urls(world)["overview"])
    assert response.status_code == 302 and response.url.startswith("/login/")
    assert client.get("/api/programs").status_code == 401


def test_reporter_region_page_of_another_county_is_denied(world, client_for):
    client = client_for(world.users.county)
    assert client.get(f"/programs/{world.program.id}/regions/{world.counties['plain'].id}/").status_code == 403


@pytest.mark.parametrize("role", ["reporter", "county", "leader", "inspector", "outsider"])
def test_only_office_admin_changes_targets(world, client_for, role):
    client = client_for(getattr(world.users, role))
    indicator = Indicator.objects.get(framework__code="national-2019", code="2019-11")
    hill = world.counties["hill"]
    page = client.post(f"/programs/{world.program.id}/regions/{hill.id}/override/",
                       {"indicator": indicator.id, "action": "target", "target": ">=1", "reason": "r"})
    api = client.post(f"/api/programs/{world.program.id}/overrides", json.dumps(
        {"region_id": hill.id, "indicator_id": indicator.id, "target": ">=1", "reason": "r"}),
        content_type="application/json")
    assert (page.status_code, api.status_code) == (403, 403)
    assert not TargetOverride.objects.exists()


def test_office_admin_changes_targets_through_the_api(world, client_for):
    client = client_for(world.users.office)
    indicator = Indicator.objects.get(framework__code="national-2019", code="2019-11")
    hill = world.counties["hill"]
    response = client.post(f"/api/programs/{world.program.id}/overrides", json.dumps(
        {"region_id": hill.id, "indicator_id": indicator.id, "target": ">=45", "reason": "县规划"}),
        content_type="application/json")
    assert response.status_code == 201
    targets = client.get(f"/api/programs/{world.program.id}/targets?region_id={hill.id}").json()
    row = next(t for t in targets if t["indicator_code"] == "2019-11")
    assert (row["text"], row["source"], row["reason"]) == ("≥45%", "override", "县规划")
    bad = client.post(f"/api/programs/{world.program.id}/overrides", json.dumps(
        {"region_id": hill.id, "indicator_id": indicator.id, "target": ">=4x", "reason": "r"}),
        content_type="application/json")
    assert bad.status_code == 400 and "目标表达式有误" in bad.json()["detail"]


def test_county_office_enters_assigned_numbers_only_for_its_county(world, client_for):
    client = client_for(world.users.county)
    indicator = Indicator.objects.get(framework__code="national-2019", code="2019-07a")
    body = {"indicator_id": indicator.id, "year": 2024, "value": "85.5", "reason": "省厅下达"}
    own = client.post(f"/api/programs/{world.program.id}/assigned-targets",
                      json.dumps({**body, "region_id": world.counties["hill"].id}), content_type="application/json")
    other = client.post(f"/api/programs/{world.program.id}/assigned-targets",
                        json.dumps({**body, "region_id": world.counties["plain"].id}), content_type="application/json")
    assert (own.status_code, other.status_code) == (201, 403)


def test_other_city_program_is_invisible_through_the_api(world, client_for):
    client = client_for(world.users.outsider)
    assert [p["name"] for p in client.get("/api/programs").json()] == ["乙市创建"]
    assert client.get(f"/api/programs/{world.program.id}").status_code == 403
    assert client.get(f"/api/programs/{world.program.id}/responsibilities").status_code == 403
    assert client.get("/api/programs/999999").status_code == 404


@pytest.mark.parametrize("role", ["reporter", "county", "leader", "inspector"])
def test_admin_site_is_for_office_admins_only(world, client_for, role):
    response = client_for(getattr(world.users, role)).get("/admin/geo/region/")
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_office_admin_uses_the_admin_site(world, client_for):
    assert client_for(world.users.office).get("/admin/geo/region/").status_code == 200


@pytest.mark.usefixtures("world")
def test_interface_is_chinese_even_for_an_english_browser(client):
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hans"
    assert "用户名" in response.content.decode()
    client.cookies["django_language"] = "en"
    assert client.get("/login/")["Content-Language"] == "en"
