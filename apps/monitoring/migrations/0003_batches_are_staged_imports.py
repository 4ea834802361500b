"""Monitoring import batches become staged imports (apps.staging): one model for every staged upload.

Each batch is copied into ``staging_stagedimport`` under the same id (so ``ComputedResult.batch`` keeps
pointing at it), the results' foreign key moves to the staging table, the old table is dropped and
``ImportBatch`` becomes a proxy of ``StagedImport``. Stored files keep their names and places.
"""

import django.db.models.deletion
from django.core.management.color import no_style
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.db.models import Model

FIELDS = ("kind", "program_id", "original_name", "file_format", "sha256", "size", "options", "status", "progress",
          "stage", "rows", "errors", "plan", "summary", "created_by_id", "created_at", "updated_at", "committed_at")


def _reset_sequence(schema_editor: BaseDatabaseSchemaEditor, model: type[Model]) -> None:
    connection = schema_editor.connection
    for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
        schema_editor.execute(sql)


def batches_to_staged(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Batch = apps.get_model("monitoring", "ImportBatch")
    Staged = apps.get_model("staging", "StagedImport")
    rows = []
    for batch in Batch.objects.order_by("id").iterator():
        staged = Staged(id=batch.id, file=batch.file.name, **{f: getattr(batch, f) for f in FIELDS})
        rows.append(staged)
    Staged.objects.bulk_create(rows, batch_size=500)
    # created_at is auto_now_add: bulk_create overwrote it; put the batches' own times back
    for batch in Batch.objects.only("id", "created_at").iterator():
        Staged.objects.filter(pk=batch.id).update(created_at=batch.created_at)
    _reset_sequence(schema_editor, Staged)


def staged_to_batches(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Batch = apps.get_model("monitoring", "ImportBatch")
    Staged = apps.get_model("staging", "StagedImport")
    kinds = ("stations", "sections", "air", "water", "landuse")
    for staged in Staged.objects.filter(kind__in=kinds).order_by("id").iterator():
        Batch.objects.create(id=staged.id, file=staged.file.name, **{f: getattr(staged, f) for f in FIELDS})
        Batch.objects.filter(pk=staged.id).update(created_at=staged.created_at)
    _reset_sequence(schema_editor, Batch)


def drop_staged_batches(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    # backwards, last: the results point at the old table again, so the staged copies can go
    Staged = apps.get_model("staging", "StagedImport")
    Staged.objects.filter(kind__in=("stations", "sections", "air", "water", "landuse")).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("monitoring", "0002_base_values_interrupts"),
        ("staging", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, drop_staged_batches),
        migrations.RunPython(batches_to_staged, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="computedresult",
            name="batch",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="results",
                                    to="staging.stagedimport"),
        ),
        # backwards: the old table is back (DeleteModel reversed) before the results point at it again
        migrations.RunPython(migrations.RunPython.noop, staged_to_batches),
        migrations.DeleteModel(name="ImportBatch"),
        migrations.CreateModel(
            name="ImportBatch",
            fields=[],
            options={"verbose_name": "监测数据导入批次", "verbose_name_plural": "监测数据导入批次", "proxy": True,
                     "indexes": [], "constraints": []},
            bases=("staging.stagedimport",),
        ),
        migrations.AlterField(
            model_name="computedresult",
            name="batch",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="results",
                                    to="monitoring.importbatch"),
        ),
    ]
