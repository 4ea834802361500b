"""Each app declares its API shapes once, in its ``schemas.py``; ``api.py`` holds endpoints only."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APPS = Path(__file__).resolve().parents[2] / "apps"
API_FILES = sorted(APPS.glob("*/api.py"))


def _classes(path: Path) -> list[str]:
    return [node.name for node in ast.parse(path.read_text(encoding="utf-8")).body if isinstance(node, ast.ClassDef)]


@pytest.mark.parametrize("api", API_FILES, ids=lambda p: p.parent.name)
def test_api_declares_no_schema(api: Path) -> None:
    assert _classes(api) == [], f"move these classes into {api.parent.name}/schemas.py"
    assert (api.parent / "schemas.py").exists()


def test_openapi_document_renders(client_for, world) -> None:  # noqa: ANN001
    response = client_for(world.users.office).get("/api/openapi.json")
    assert response.status_code == 200 and response.json()["paths"]
