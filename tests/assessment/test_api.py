"""The API returns what the pages show, with the same permission checks (200/403/404)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client

from .conftest import addresses


@pytest.mark.parametrize("persona", ["office", "leader", "inspector"])
def test_city_personas(assess, client_for, persona):
    client = client_for(getattr(assess.world.users, persona))
    for name, url in addresses(assess, api=True).items():
        assert client.get(url).status_code == 200, name


def test_matrix_has_one_cell_per_region_and_indicator(assess, client_for):
    data = client_for(assess.world.users.office).get(addresses(assess, api=True)["matrix"]).json()
    assert data["year"] == 2024
    assert len(data["cells"]) == len(data["regions"]) * len(data["indicators"]) == 5 * len(data["indicators"])
    cell = next(c for c in data["cells"] if c["region_id"] == assess.world.city.id
                and c["indicator_id"] == assess.code["2019-03"].id)
    assert cell["status"] == "not_attained" and cell["target"] == "≥20%"
    mountain = next(c for c in data["cells"] if c["region_id"] == assess.world.counties["mountain"].id
                    and c["indicator_id"] == assess.code["2019-03"].id)
    assert mountain["status"] == "not_applicable"


def test_gates(assess, client_for):
    data = client_for(assess.world.users.office).get(addresses(assess, api=True)["gates"] + "?year=2024").json()
    assert data["gate"]["passed"] is False
    assert any(b["code"] == "2019-03" and "差1个百分点" in b["reason"] for b in data["gate"]["blockers"])
    assert [c["region"] for c in data["city_gate"]["counties_blocked"]] == ["丘陵县"]
    assert data["city_gate"]["counties_pending"] == ["平原县"]
    assert len(data["regions"]) == 5


def test_indicator_detail(assess, client_for):
    data = client_for(assess.world.users.office).get(addresses(assess, api=True)["indicator"]).json()
    assert data["status"] == "not_attained" and data["bound"] == "20"
    assert [p["year"] for p in data["series"]] == [2020, 2022, 2024]
    assert data["reach"]["status"] in ("on_track", "accelerate", "off_track")
    assert data["projection"][-1]["year"] == 2025
    assert [u["name"] for u in data["leads"]] == ["市生态环境局"]
    assert data["evidence"][0]["url"].endswith(f"/evidence/{assess.evidence.id}/")


def test_indicator_detail_of_a_qualitative_indicator(assess, client_for):
    """Its statuses carry translated labels: the API answers them as text (was a server error)."""
    p, city = assess.program.id, assess.world.city.id
    response = client_for(assess.world.users.office).get(
        f"/api/programs/{p}/assessment/indicators/{assess.code['2019-01'].id}?region={city}&year=2024")
    assert response.status_code == 200
    assert [(q["year"], q["status"], q["label"]) for q in response.json()["qualitative"]] == [
        (2023, "in_progress", "实施中"), (2024, "achieved", "已建立")]


def test_denied_and_missing(assess, client_for):
    outsider = client_for(assess.world.users.outsider)
    for name, url in addresses(assess, api=True).items():
        assert outsider.get(url).status_code == 403, name
    reporter = client_for(assess.world.users.reporter)
    assert reporter.get(addresses(assess, api=True)["matrix"]).status_code == 403
    assert reporter.get(addresses(assess, api=True)["gates"]).status_code == 403
    assert reporter.get(addresses(assess, api=True)["department"]).status_code == 200
    p = assess.program.id
    assert reporter.get(f"/api/programs/{p}/assessment/departments/{assess.other_unit.id}").status_code == 403
    county = client_for(assess.world.users.county)
    assert county.get(addresses(assess, api=True)["indicator"]).status_code == 403
    data = county.get(addresses(assess, api=True)["matrix"]).json()
    assert [r["name"] for r in data["regions"]] == ["丘陵县"]
    office = client_for(assess.world.users.office)
    assert office.get("/api/programs/999999/assessment/matrix").status_code == 404
    assert office.get(f"/api/programs/{p}/assessment/indicators/999999").status_code == 404
    assert office.get(f"/api/programs/{p}/assessment/matrix?year=1500").status_code == 404


def test_anonymous_is_refused(assess: SimpleNamespace, client: Client):
    assert client.get(addresses(assess, api=True)["matrix"]).status_code == 401
