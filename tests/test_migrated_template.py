"""The migrated SQLite template (tests/conftest.py): named by what the schema depends on, and a database made
from it is fully migrated."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

import tests.conftest as fixtures


@pytest.mark.django_db
def test_the_test_database_has_no_migration_left_to_apply():
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the template is SQLite's")
def test_the_template_is_named_by_every_migration_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "migrations").mkdir()
    migration = tmp_path / "migrations" / "0001_initial.py"
    migration.write_text("operations = []\n")
    monkeypatch.setattr(fixtures.django_apps, "get_app_configs", lambda: [SimpleNamespace(name="x", path=tmp_path)])
    first = fixtures.migrated_template()
    assert first is not None and first == fixtures.migrated_template()
    migration.write_text("operations = [1]\n")
    changed = fixtures.migrated_template()
    (tmp_path / "migrations" / "0002_more.py").write_text("operations = [1]\n")
    assert len({first, changed, fixtures.migrated_template()}) == 3
