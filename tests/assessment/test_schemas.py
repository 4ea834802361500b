"""The API's schemas read the dashboards' dataclasses: no field is declared in the schema alone."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from apps.assessment import data, schemas
from tests.conftest import ClientFor
from tests.schema_reads import schema_tests

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

FROZEN = {*READS.values(), data.Cockpit, data.Timeline, data.WeakSpots}

test_schema_fields_come_from_the_dataclass, test_dataclasses_are_frozen = schema_tests(READS, FROZEN)


@pytest.mark.django_db
def test_openapi_renders(client_for: ClientFor, world: SimpleNamespace):
    response = client_for(world.users.office).get("/api/openapi.json")
    assert response.status_code == 200
    components = response.json()["components"]["schemas"]
    assert {"MatrixOut", "IndicatorDetailOut", "GatesOut", "UnitDashboardOut"} <= set(components)
    assert components["CellOut"]["properties"]["status"]["$ref"].endswith("/EvaluationStatus")
