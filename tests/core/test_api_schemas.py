"""Each app declares its API shapes once, in its ``schemas.py``; ``api.py`` holds endpoints only."""

from __future__ import annotations

import ast
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.conftest import ClientFor

APPS = Path(__file__).resolve().parents[2] / "apps"
API_FILES = sorted(APPS.glob("*/api.py"))


def _classes(path: Path) -> list[str]:
    return [node.name for node in ast.parse(path.read_text(encoding="utf-8")).body if isinstance(node, ast.ClassDef)]


@pytest.mark.parametrize("api", API_FILES, ids=lambda p: p.parent.name)
def test_api_declares_no_schema(api: Path) -> None:
    assert _classes(api) == [], f"move these classes into {api.parent.name}/schemas.py"
    assert "import Schema" not in api.read_text(encoding="utf-8") and ", Schema" not in api.read_text(encoding="utf-8")


def test_openapi_document_renders(client_for: ClientFor, world: SimpleNamespace) -> None:
    response = client_for(world.users.office).get("/api/openapi.json")
    assert response.status_code == 200 and response.json()["paths"]


def test_program_list_and_detail_read_the_model(client_for: ClientFor, world: SimpleNamespace) -> None:
    client = client_for(world.users.office)
    listed = client.get("/api/programs").json()
    program = next(p for p in listed if p["id"] == world.program.id)
    assert program["framework_code"] == world.program.framework.code and program["region_id"] == world.program.region_id
    detail = client.get(f"/api/programs/{world.program.id}").json()
    assert {k: detail[k] for k in program} == program
    assert {"phases", "goals"} <= set(detail) and all(set(g) == {"region_id", "region_name", "title_sought",
                                                                   "target_year"} for g in detail["goals"])
