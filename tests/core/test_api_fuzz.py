"""A bounded fuzz walk over the OpenAPI document: no operation answers a server error to hostile input.

For every operation a minimal valid request is built from its declared parameters and body (ids taken from a
small world with a round and a value), then each leaf is replaced in turn by hostile values: integers beyond
2⁶³, negative and zero numbers, extra decimals, 1,000-character text and control characters. Every answer must
be below 500 (a JSON refusal or a success), never a server error.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client

from apps.reporting.models import IndicatorValue
from tests.conftest import ClientFor
from tests.reporting.conftest import rep, save  # noqa: F401 - the round fixture, reused

HUGE = 2**70
HOSTILE: dict[str, list[Any]] = {
    "integer": [HUGE, -HUGE, -1],
    "number": ["1.123456789", "1e30", HUGE],
    "string": ["长" * 1000, "a\x00b\x1fc\x7f"],
}


def _resolve(schema: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    if "anyOf" in schema:
        schema = next((s for s in schema["anyOf"] if s.get("type") != "null"), schema["anyOf"][0])
        return _resolve(schema, doc)
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return _resolve(schema["allOf"][0], doc)
    return schema


def _example(name: str, schema: dict[str, Any], doc: dict[str, Any], ids: dict[str, int]) -> Any:
    schema = _resolve(schema, doc)
    if "default" in schema and schema["default"] not in (None, [], ""):
        return schema["default"]
    kind = schema.get("type")
    if name in ids:
        return [ids[name]] if kind == "array" else ids[name]
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "object":
        props = schema.get("properties", {})
        return {key: _example(key, sub, doc, ids) for key, sub in props.items()}
    if kind == "array":
        return [_example(name.removesuffix("s"), schema.get("items", {}), doc, ids)]
    if kind == "integer":
        return 2025 if "year" in name else 1
    if kind == "number":
        return "1.5"
    if kind == "boolean":
        return False
    fmt = schema.get("format")
    return {"date": "2025-12-31", "date-time": "2025-12-31T00:00:00+08:00"}.get(fmt or "", "x")


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(value, dict):
        for key, sub in value.items():
            yield from _leaves(sub, (*path, key))
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            yield from _leaves(sub, (*path, i))
    else:
        yield path, value


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return _kind(value[0]) if value else "string"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    return "number" if value == "1.5" else "string"


def _replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    value = copy.deepcopy(value)
    target = value
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = new
    return value


def _call(client: Client, method: str, url: str, query: dict[str, Any], body: Any, multipart: bool) -> int:
    kwargs: dict[str, Any] = {"QUERY_STRING": urlencode(query, doseq=True)}
    if method in ("get", "delete"):
        response = getattr(client, method)(url, **kwargs)
    elif multipart:
        response = client.post(url, data={k: v for k, v in (body or {}).items() if k != "file"}, **kwargs)
    else:
        response = getattr(client, method)(url, data=json.dumps(body or {}), content_type="application/json",
                                           **kwargs)
    return int(response.status_code)


def _cases(doc: dict[str, Any], ids: dict[str, int]) -> Iterator[tuple[str, str, str, dict[str, Any], Any, bool]]:
    """(label, method, url, query, body, multipart): the valid request first, then one hostile leaf at a time."""
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            params: dict[str, Any] = {}
            places: dict[str, str] = {}
            for param in op.get("parameters", []):
                params[param["name"]] = _example(param["name"], param.get("schema", {}), doc, ids)
                places[param["name"]] = param["in"]
            content = op.get("requestBody", {}).get("content", {})
            multipart = "multipart/form-data" in content
            body_schema = next(iter(content.values()))["schema"] if content else None
            body = _example("", body_schema, doc, ids) if body_schema else None
            variants: list[tuple[str, dict[str, Any], Any]] = [("valid", params, body)]
            for name, value in params.items():
                for new in HOSTILE.get(_kind(value), []):
                    new = [new] if isinstance(value, list) else new
                    variants.append((f"{name}={new!r:.20}", {**params, name: new}, body))
            for leaf, value in _leaves(body) if body is not None else ():
                for new in HOSTILE.get(_kind(value), []):
                    variants.append((f"body{list(leaf)}={new!r:.20}", params, _replaced(body, leaf, new)))
            for label, values, payload in variants:
                url = path
                for name, value in values.items():
                    url = url.replace(f"{{{name}}}", str(value)) if places[name] == "path" else url
                query = {n: v for n, v in values.items() if places[n] == "query"}
                yield f"{method.upper()} {path} {label}", method, "/api" + url.removeprefix("/api"), query, \
                    payload, multipart


@pytest.mark.django_db(transaction=False)
def test_no_operation_answers_a_server_error(client_for: ClientFor, rep: SimpleNamespace) -> None:  # noqa: F811
    world = rep.world
    value: IndicatorValue = save(rep, world.users.reporter)
    ids = {"program_id": world.program.id, "round_id": rep.round.id, "value_id": value.id,
           "indicator_id": rep.numeric.id, "indicator": rep.numeric.id, "region_id": world.city.id,
           "region": world.city.id, "department_id": world.units["市生态环境局"].id,
           "unit": world.units["市生态环境局"].id, "year": 2025, "years": 2025}
    client = client_for(world.users.office)
    client.raise_request_exception = False
    doc = client.get("/api/openapi.json").json()
    failures = []
    for label, method, url, query, body, multipart in _cases(doc, ids):
        status = _call(client, method, url, query, body, multipart)
        if status >= 500:
            failures.append(f"{label}: {status}")
    assert failures == []
