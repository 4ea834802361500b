"""The API's refusals: one JSON shape with the right status, declared by every operation, unique schema names,
and every route reachable by its own method."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from ninja import Schema

from apps.core.api import ERROR_STATUSES
from tests.conftest import ClientFor

APPS = Path(__file__).resolve().parents[2] / "apps"


@pytest.fixture
def openapi(client_for: ClientFor, world: SimpleNamespace) -> dict[str, Any]:
    return client_for(world.users.office).get("/api/openapi.json").json()


def test_every_operation_declares_its_error_answers(openapi: dict[str, Any]) -> None:
    error_ref = {"$ref": "#/components/schemas/ErrorOut"}
    missing = [
        f"{method.upper()} {path} {status}"
        for path, operations in openapi["paths"].items() for method, operation in operations.items()
        for status in ERROR_STATUSES
        if str(status) not in operation["responses"]
        or operation["responses"][str(status)]["content"]["application/json"]["schema"] != error_ref
        and status not in (400,)
    ]
    assert missing == []
    assert set(openapi["components"]["schemas"]["ErrorOut"]["required"]) == {"detail", "code"}


def test_component_names_are_unique(openapi: dict[str, Any]) -> None:
    """pydantic disambiguates two schemas of one name with their module path; every name must be plain."""
    names = list(openapi["components"]["schemas"])
    assert [n for n in names if "__" in n] == []
    declared: dict[str, list[str]] = {}
    for path in sorted([*APPS.glob("*/schemas.py")]):
        module = importlib.import_module(f"apps.{path.parent.name}.schemas")
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Schema) and cls.__module__ == module.__name__:
                declared.setdefault(name, []).append(module.__name__)
    assert {n: m for n, m in declared.items() if len(m) > 1} == {}


def test_every_route_answers_its_own_method(openapi: dict[str, Any], client_for: ClientFor,
                                            world: SimpleNamespace) -> None:
    """No route is captured by another route's pattern (``POST …/responsibilities/import`` answered 405)."""
    client = client_for(world.users.office)
    client.raise_request_exception = False
    refused = []
    for path, operations in openapi["paths"].items():
        url = path
        for name in [p["name"] for op in operations.values() for p in op.get("parameters", []) if p["in"] == "path"]:
            url = url.replace(f"{{{name}}}", str(world.program.id))
        for method in operations:
            response = getattr(client, method)(url, content_type="application/json") \
                if method != "get" else client.get(url)
            if response.status_code == 405:
                refused.append(f"{method.upper()} {path}")
    assert refused == []


def _error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code and isinstance(body["detail"], str) and body["detail"]
    return body


def test_refusals_are_json_with_status_and_code(client_for: ClientFor, world: SimpleNamespace) -> None:
    client = client_for(world.users.office)
    _error(client.get("/api/programs/999999"), 404, "not_found")
    body = _error(client.post(f"/api/programs/{world.program.id}/rounds", data={}, content_type="application/json"),
                  422, "invalid_input")
    assert body["errors"] and body["detail"].startswith("请求参数无效")
    _error(Client().get("/api/me"), 401, "unauthorized")


def test_reporter_is_refused_with_permission_denied(client_for: ClientFor, world: SimpleNamespace) -> None:
    response = client_for(world.users.reporter).post(
        f"/api/programs/{world.program.id}/rounds", content_type="application/json",
        data={"name": "x", "year": 2024, "due": "2025-01-01"})
    _error(response, 403, "permission_denied")


@pytest.mark.parametrize("query", ["region_id=1180591620717411303424", "round_id=-1180591620717411303424"])
def test_integers_beyond_64_bits_are_invalid_input(client_for: ClientFor, world: SimpleNamespace,
                                                   query: str) -> None:
    client = client_for(world.users.office)
    body = _error(client.get(f"/api/programs/{world.program.id}/values?{query}"), 422, "invalid_input")
    assert body["errors"][0]["type"] == "int_range"
    body = _error(client.post(f"/api/programs/{world.program.id}/bulk-approve", content_type="application/json",
                              data={"value_ids": [2**64]}), 422, "invalid_input")
    assert body["errors"][0]["loc"] == ["payload", "value_ids", 0]


def test_an_unexpected_error_is_a_json_500(client_for: ClientFor, world: SimpleNamespace,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import apps.geo.api as geo_api  # noqa: PLC0415 - the module whose endpoint is made to fail

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(geo_api, "visible_departments", boom)
    client = client_for(world.users.office)
    with pytest.raises(RuntimeError):  # reported as Django reports a failed request: the test client re-raises
        client.get("/api/departments")
    client.raise_request_exception = False
    _error(client.get("/api/departments"), 500, "server_error")


def test_control_characters_are_invalid_input(client_for: ClientFor, world: SimpleNamespace) -> None:
    client = client_for(world.users.office)
    response = client.post(f"/api/programs/{world.program.id}/rounds", content_type="application/json",
                           data={"name": "年度\x07调度", "year": 2024, "due": "2025-01-31"})
    body = _error(response, 422, "invalid_input")
    assert body["errors"][0]["type"] == "control_character" and body["errors"][0]["loc"] == ["payload", "name"]
