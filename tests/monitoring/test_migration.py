"""Migration 0003 moves monitoring batches into staged imports, keeping their ids, files and results."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.state import StateApps

from apps.monitoring.models import BatchStatus, ComputedResult, ImportBatch
from apps.staging.models import StagedImport

BEFORE = [("monitoring", "0002_base_values_interrupts"), ("staging", "0001_initial")]
#: monitoring 0003, with staging and every app whose models point at a staged import (value revisions, plan
#: summaries, survey responses, ...) as they are now: the test reads and deletes staged imports through today's models
_LEAVES = MigrationLoader(None, ignore_no_migrations=True).graph
_POINTING = sorted({field.related_model._meta.app_label
                    for field in StagedImport._meta.get_fields(include_hidden=True)
                    if field.auto_created and not field.concrete} - {"monitoring", "staging"})
AFTER = [("monitoring", "0003_batches_are_staged_imports"), *_LEAVES.leaf_nodes("staging"),
         *(node for app in _POINTING for node in _LEAVES.leaf_nodes(app))]


def _migrate(targets: list[tuple[str, str]]) -> StateApps:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_batches_become_staged_imports_with_their_ids(world: SimpleNamespace) -> None:
    try:
        apps = _migrate(BEFORE)
        Batch = apps.get_model("monitoring", "ImportBatch")
        Result = apps.get_model("monitoring", "ComputedResult")
        Region = apps.get_model("geo", "Region")
        kept = Batch.objects.create(id=7, program_id=world.program.id, kind="air", original_name="a.csv",
                                    file_format="csv", sha256="ab" * 32, size=3, file="monitoring/1/abab.csv",
                                    status="committed", progress=100, rows=5, plan={"writes": []}, summary="ok",
                                    created_by_id=world.users.office.id)
        Result.objects.create(program_id=world.program.id, batch=kept, region=Region.objects.get(code="990100"),
                              year=2025, measure="air.pm25_mean", method="m", provenance="p")
        apps = _migrate(AFTER)

        batch = ImportBatch.objects.get()
        assert (batch.id, batch.kind, batch.file.name, batch.status, batch.rows, batch.summary) == (
            7, "air", "monitoring/1/abab.csv", BatchStatus.COMMITTED, 5, "ok")
        assert ComputedResult.objects.get().batch_id == 7
        assert StagedImport.objects.create(kind="tasks.tasks", original_name="x", file_format="xlsx", sha256="0",
                                           size=1, file="x", created_by=world.users.office).id > 7
        StagedImport.objects.filter(kind="tasks.tasks").delete()
        apps = _migrate(BEFORE)  # and back
        assert apps.get_model("monitoring", "ImportBatch").objects.get().file.name == "monitoring/1/abab.csv"
        assert apps.get_model("monitoring", "ComputedResult").objects.get().batch_id == 7
        assert not apps.get_model("staging", "StagedImport").objects.exists()
    finally:
        call_command("migrate", verbosity=0)
