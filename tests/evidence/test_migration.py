"""Migrating keeps every evidence row of both old tables: subject, stored file, name, hash, uploader and time."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.state import StateApps

from apps.evidence.models import Evidence
from apps.reporting.models import IndicatorValue
from apps.tasks.models import TaskProgress
from apps.tasks.services import task_create

BEFORE = [("reporting", "0001_initial"), ("tasks", "0004_delete_noticeevent"), ("evidence", "0001_initial")]


def _migrate(targets: list[tuple[str, str]]) -> StateApps:
    """Migrate the test database to ``targets``; the historical models there."""
    MigrationExecutor(connection).migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def _latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_rows_move_to_the_one_model(world: SimpleNamespace):
    # Not the ``plan`` fixture: an earlier transactional test may have flushed the migrations' project categories.
    task = task_create(program=world.program, number="1.", title="生态文明建设规划", leads=[world.units["市生态环境局"]])
    reporter = world.users.reporter
    value = IndicatorValue.objects.create(program=world.program, region=world.city,
                                          indicator=world.program.framework.indicators.first(), year=2025)
    progress = TaskProgress.objects.create(task=task, department=world.units["市生态环境局"], narrative="x",
                                           percent=10, created_by=reporter)
    at = dt.datetime(2025, 3, 1, 8, 30, tzinfo=dt.UTC)
    try:
        old_apps = _migrate(BEFORE)
        old_value_evidence = old_apps.get_model("reporting", "Evidence")
        old_task_evidence = old_apps.get_model("tasks", "ProgressEvidence")
        for i, name in enumerate(["统计公报.pdf", "台账.xlsx"], start=7):
            row = old_value_evidence.objects.create(
                id=i, value_id=value.id, file=f"reporting/evidence/{world.program.id}/{value.id}/{i}.pdf",
                original_name=name, kind="pdf", size=100 + i, sha256=f"{i:064x}", checklist_item="监测报告",
                uploaded_by_id=reporter.id)
            old_value_evidence.objects.filter(pk=row.pk).update(uploaded_at=at)
        row = old_task_evidence.objects.create(progress_id=progress.id, file="tasks/evidence/2025/abc.png",
                                               name="颁布文件.png", kind="png", size=42, sha256="f" * 64,
                                               uploaded_by_id=reporter.id)
        old_task_evidence.objects.filter(pk=row.pk).update(uploaded_at=at)
    finally:
        _migrate(_latest())

    value_rows = list(value.evidence.order_by("id"))
    assert [(e.id, e.original_name, e.file.name, e.size, e.sha256, e.checklist_item, e.uploaded_by_id,
             e.uploaded_at) for e in value_rows] == [
        (7, "统计公报.pdf", f"reporting/evidence/{world.program.id}/{value.id}/7.pdf", 107, f"{7:064x}", "监测报告",
         reporter.id, at),
        (8, "台账.xlsx", f"reporting/evidence/{world.program.id}/{value.id}/8.pdf", 108, f"{8:064x}", "监测报告",
         reporter.id, at),
    ]
    [task_row] = progress.evidence.all()
    assert (task_row.original_name, task_row.file.name, task_row.kind, task_row.size, task_row.sha256,
            task_row.uploaded_by_id, task_row.uploaded_at) == ("颁布文件.png", "tasks/evidence/2025/abc.png", "png",
                                                               42, "f" * 64, reporter.id, at)
    assert task_row.id > 8  # after the value evidence, whose ids are kept
    assert Evidence.objects.count() == 3
    # new rows get fresh ids (the sequence moved past the kept ones on PostgreSQL)
    fresh = Evidence.objects.create(subject=value, file="x.pdf", original_name="x.pdf", kind="pdf", size=1,
                                    sha256="0" * 64, uploaded_by=reporter)
    assert fresh.id > task_row.id
