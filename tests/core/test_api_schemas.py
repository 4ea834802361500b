"""Each app declares its API shapes once, in its ``schemas.py``; ``api.py`` holds endpoints only."""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from ninja import Field

from apps.core.schemas import schema_of
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


@dataclasses.dataclass(frozen=True)
class _Inner:
    code: str


@dataclasses.dataclass(frozen=True)
class _Outer:
    year: int
    values: tuple[Decimal | None, ...]
    counts: Mapping[str, int]
    inner: _Inner | None
    inners: tuple[_Inner, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.year}年"


def test_schema_of_takes_the_dataclass_types_and_reads_by_attribute() -> None:
    inner = schema_of("InnerTestOut", _Inner, "code")
    out = schema_of("OuterTestOut", _Outer, "year label values counts inner inners", inner=inner | None,
                    inners=list[inner], year=Field(description="年度"))
    assert list(out.model_fields) == ["year", "label", "values", "counts", "inner", "inners"]
    assert out.model_fields["year"].description == "年度" and out.model_fields["year"].is_required()
    assert out.model_fields["values"].annotation == list[Decimal | None]
    assert out.model_fields["counts"].annotation == dict[str, int]
    answer = out.from_orm(_Outer(2024, (Decimal("1.5"), None), {"a": 1}, _Inner("x"), (_Inner("y"),))).dict()
    assert answer == {"year": 2024, "label": "2024年", "values": [Decimal("1.5"), None], "counts": {"a": 1},
                      "inner": {"code": "x"}, "inners": [{"code": "y"}]}
    given = schema_of("OuterTestIn", _Outer, "year inners", defaults=True, inners=list[inner])  # an input schema
    assert given.model_fields["year"].is_required() and given(year=2024).inners == ()


@pytest.mark.parametrize(
    ("fields", "declared", "message"),
    [
        pytest.param("year inner", {}, "_Outer.inner holds a _Inner", id="nested-dataclass-undeclared"),
        pytest.param("year inners", {}, "_Outer.inners holds a _Inner", id="nested-in-a-tuple-undeclared"),
        pytest.param("year missing", {}, "not a typed field or property", id="unknown-field"),
        pytest.param("year", {"counts": dict}, r"\['counts'\] are not among its fields", id="declared-but-not-listed"),
    ],
)
def test_schema_of_refuses_what_it_cannot_type(fields: str, declared: dict, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        schema_of("BadTestOut", _Outer, fields, **declared)


class _Labelled:
    year: int

    @property
    def label(self) -> str:
        return f"{self.year}年"


@dataclasses.dataclass(frozen=True)
class _Child(_Labelled):
    year: int


def test_schema_of_types_an_inherited_property() -> None:
    out = schema_of("ChildTestOut", _Child, "year label")
    assert out.model_fields["label"].annotation is str
    assert out.from_orm(_Child(2025)).dict() == {"year": 2025, "label": "2025年"}
