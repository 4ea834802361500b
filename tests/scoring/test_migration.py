"""Migration 0002 makes every existing office fact and manual points its first revision: its content, who entered
it last and when, following no revision."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.state import StateApps

from apps.scoring.models import ManualScoreRevision, OfficeFactRevision

BEFORE = [("scoring", "0001_initial")]


def _migrate(targets: list[tuple[str, str]]) -> StateApps:
    MigrationExecutor(connection).migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.mark.slow  # a schema migration replayed on a live database, as the other migration replays
@pytest.mark.django_db(transaction=True)
def test_existing_entries_become_first_revisions(world: SimpleNamespace):
    office, unit = world.users.office, world.units["丘陵县人民政府"]
    at = dt.datetime(2025, 3, 1, 8, 30, tzinfo=dt.UTC)
    try:
        old = _migrate(BEFORE)
        fact_model, manual_model = old.get_model("scoring", "OfficeFact"), old.get_model("scoring", "ManualScore")
        facts = [fact_model.objects.create(program_id=world.program.id, department_id=unit.id, period="2025",
                                           key=key, value=value, text=text, na=na, reason="监测年报",
                                           created_by_id=office.id)
                 for key, value, text, na in (("air.pm25", Decimal("33.5"), "", False),
                                              ("water.cross_boundary.grade", None, "良好", False),
                                              ("honours.national", None, "", True))]
        fact_model.objects.update(created_at=at)
        manual = manual_model.objects.create(program_id=world.program.id, scheme_code="demo-county-2025",
                                             department_id=unit.id, period="2025", item="C5", points=Decimal("3.5"),
                                             reason="台账不全", created_by_id=office.id)
        manual_model.objects.update(created_at=at)
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    revisions = list(OfficeFactRevision.objects.order_by("fact_id"))
    assert [(r.fact_id, r.value, r.text, r.na, r.reason, r.author_id, r.at, r.previous_id) for r in revisions] == [
        (facts[0].id, Decimal("33.5"), "", False, "监测年报", office.id, at, None),
        (facts[1].id, None, "良好", False, "监测年报", office.id, at, None),
        (facts[2].id, None, "", True, "监测年报", office.id, at, None),
    ]
    [first] = ManualScoreRevision.objects.all()
    assert (first.entry_id, first.points, first.reason, first.author_id, first.at, first.previous_id) == (
        manual.id, Decimal("3.5"), "台账不全", office.id, at, None)
