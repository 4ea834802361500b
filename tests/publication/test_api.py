"""The publication API is the office's; every /api/ route refuses anonymous callers."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import get_resolver

from config.api import api


def _api_routes() -> list[tuple[str, str]]:
    """(method, path) of every operation the API declares, path parameters filled with 1."""
    routes = []
    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method in operations:
            routes.append((method, re.sub(r"\{[^}]+\}", "1", path)))
    return routes


@pytest.mark.usefixtures("db")
def test_every_api_route_refuses_anonymous_callers():
    routes = _api_routes()
    assert len(routes) > 50  # the enumeration found the API
    assert ("post", "/api/programs/1/publications/1/transition") in routes
    # the notices, their comments, the map and the disclosure list are the office's too
    for route in [("post", "/api/programs/1/public-notices/1/transition"), ("get", "/api/programs/1/public-notices/1/comments"),
                  ("put", "/api/programs/1/public-notices/1/comments/1/reply"), ("post", "/api/programs/1/portal/map"),
                  ("get", "/api/programs/1/disclosure"), ("post", "/api/programs/1/disclosure/submit")]:
        assert route in routes, route
    anonymous = Client(enforce_csrf_checks=True)
    for method, path in routes:
        response = getattr(anonymous, method)(path, content_type="application/json", data="{}") \
            if method != "get" else anonymous.get(path)
        assert response.status_code in (401, 403), (method, path, response.status_code)


def test_the_api_is_only_mounted_under_api():
    """The portal is the only anonymous surface, and it is not under /api/."""
    patterns = [str(p.pattern) for p in get_resolver().url_patterns]
    assert "public/" in patterns and "api/" in patterns


def test_office_publishes_and_withdraws_through_the_api(client_for, public_world):
    program = public_world.program
    client = client_for(public_world.world.users.office)
    response = client.post(f"/api/programs/{program.id}/publications",
                           data={"kind": "indicators", "title": "2024年度指标数值", "year": 2024},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "draft" and created["payload"] is None
    url = f"/api/programs/{program.id}/publications/{created['id']}/transition"
    response = client.post(url, data={"action": "publish", "expected_version": 1}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "published" and response.json()["payload"]["year"] == 2024
    response = client.post(url, data={"action": "withdraw"}, content_type="application/json")
    assert response.status_code == 400 and "理由" in response.json()["detail"]
    response = client.post(url, data={"action": "withdraw", "reason": "更正"}, content_type="application/json")
    assert response.json()["status"] == "withdrawn"
    listed = client.get(f"/api/programs/{program.id}/publications").json()
    assert [p["status"] for p in listed] == ["withdrawn"]
    response = client.put(f"/api/programs/{program.id}/portal", data={"status": "national"},
                          content_type="application/json")
    assert response.json()["status_label"] == "国家已命名"


@pytest.mark.parametrize("persona", ["reporter", "county", "leader", "inspector", "outsider"])
def test_others_are_refused(client_for, public_world, persona):
    program = public_world.program
    client = client_for(getattr(public_world.world.users, persona))
    expected = {404} if persona == "outsider" else {403}
    assert client.get(f"/api/programs/{program.id}/publications").status_code in expected | {403}
    response = client.post(f"/api/programs/{program.id}/publications",
                           data={"kind": "news", "title": "t", "body": "b"}, content_type="application/json")
    assert response.status_code in expected | {403}
    assert client.get(f"/programs/{program.id}/publications/").status_code in expected | {403}


def test_office_page_creates_and_publishes(client_for, public_world):
    program = public_world.program
    client = client_for(public_world.world.users.office)
    page = client.get(f"/programs/{program.id}/publications/")
    assert page.status_code == 200 and "发布管理" in page.content.decode()
    response = client.post(f"/programs/{program.id}/publications/",
                           {"kind": "news", "title": "推进会召开", "body": "正文"})
    assert response.status_code == 302
    publication = program.publications.get()
    client.post(f"/programs/{program.id}/publications/{publication.id}/step/",
                {"action": "publish", "version": "1"})
    publication.refresh_from_db()
    assert publication.status == "published"
    assert "推进会召开" in Client().get(f"/public/{program.id}/").content.decode()
    response = client.post(f"/programs/{program.id}/publications/{publication.id}/step/",
                           {"action": "withdraw", "version": "2"}, follow=True)
    assert "理由" in response.content.decode()
    publication.refresh_from_db()
    assert publication.status == "published"
