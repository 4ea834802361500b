"""The API's schemas read the dashboards' dataclasses: no field is declared in the schema alone."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pytest
from ninja import Schema

from apps.assessment import data, schemas
from tests.conftest import ClientFor

# schema → the dataclass it reads (by attribute); a field with a resolver is shaped by the schema itself.
READS = {
    schemas.CellOut: data.MatrixCell,
    schemas.YearCoverageOut: data.YearCoverage,
    schemas.CoverageOut: data.Coverage,
    schemas.RegionSummaryOut: data.RegionSummary,
    schemas.DomainOut: data.DomainGroup,
    schemas.MatrixOut: data.Matrix,
    schemas.BlockerOut: data.GateBlocker,
    schemas.GroupItemOut: data.BlockerItem,
    schemas.BlockerGroupOut: data.BlockerGroup,
    schemas.GateOut: data.Gate,
    schemas.RegionGateOut: data.RegionSummary,
    schemas.CountyBlockOut: data.CountyBlocked,
    schemas.CityGateOut: data.CityGate,
    schemas.GatesOut: data.Gates,
    schemas.PointOut: data.Point,
    schemas.QualitativeOut: data.QualitativePoint,
    schemas.ReachOut: data.ReachDetail,
    schemas.DashboardEvidenceOut: data.EvidenceItem,
    schemas.PerRegionOut: data.PerRegionRow,
    schemas.LatestReportOut: data.LatestReport,
    schemas.IndicatorDetailOut: data.IndicatorDetail,
    schemas.DepartmentRowOut: data.DepartmentRow,
    schemas.UnitDashboardOut: data.DepartmentView,
}


@pytest.mark.parametrize("schema", list(READS), ids=lambda s: s.__name__)
def test_schema_fields_come_from_the_dataclass(schema: type[Schema]) -> None:
    source = READS[schema]
    names = {f.name for f in dataclasses.fields(source)}
    names |= {n for n, v in vars(source).items() if isinstance(v, property)}
    resolved = {n.removeprefix("resolve_") for n in vars(schema) if n.startswith("resolve_")}
    assert set(schema.model_fields) - resolved <= names


def test_dataclasses_are_frozen():
    for cls in {*READS.values(), data.Cockpit, data.Timeline, data.WeakSpots}:
        assert cls.__dataclass_params__.frozen, cls.__name__


@pytest.mark.django_db
def test_openapi_renders(client_for: ClientFor, world: SimpleNamespace):
    response = client_for(world.users.office).get("/api/openapi.json")
    assert response.status_code == 200
    components = response.json()["components"]["schemas"]
    assert {"MatrixOut", "IndicatorDetailOut", "GatesOut", "UnitDashboardOut"} <= set(components)
    assert components["CellOut"]["properties"]["status"]["$ref"].endswith("/EvaluationStatus")
