"""The framework API reads targets from their rows: the per-level fields as before, plus every level's."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext


def test_indicator_targets_per_level_in_constant_queries(world, client_for):
    client = client_for(world.users.office)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/frameworks/national-2019/indicators")
    assert response.status_code == 200
    rows = {row["code"]: row for row in response.json()}
    assert len(rows) > 40
    leaf = rows["2019-29"]
    assert (leaf["target_city"], leaf["target_county"]) == (">=95", ">=85")
    assert (leaf["printed_city"], leaf["printed_county"]) == ("≥95%", "≥85%")
    assert leaf["targets"] == {"city": ">=95", "county": ">=85"}
    assert (rows["2019-31"]["target_county"], rows["2019-07"]["targets"]) == ("", {})
    assert len(queries) < 10  # one for the indicators, one for all their targets, not one per indicator
