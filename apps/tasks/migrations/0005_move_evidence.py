"""Move task progress evidence into ``apps.evidence`` (same stored files and times, new ids); 0006 drops the table.

It runs after reporting's move, which keeps the value evidence's ids, so that the new ids follow them.
"""

from django.core.management.color import no_style
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SAME = ["kind", "size", "sha256", "uploaded_by_id", "uploaded_at"]


def forward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    db = schema_editor.connection.alias
    old = apps.get_model("tasks", "ProgressEvidence")
    new = apps.get_model("evidence", "Evidence")
    rows = list(old.objects.using(db).order_by("id"))
    if not rows:
        return
    content_type, _ = apps.get_model("contenttypes", "ContentType").objects.using(db).get_or_create(
        app_label="tasks", model="taskprogress")
    new.objects.using(db).bulk_create([
        new(content_type_id=content_type.id, object_id=row.progress_id, original_name=row.name, file=row.file.name,
            **{f: getattr(row, f) for f in SAME}) for row in rows
    ])


def backward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    db = schema_editor.connection.alias
    old = apps.get_model("tasks", "ProgressEvidence")
    new = apps.get_model("evidence", "Evidence")
    content_type = apps.get_model("contenttypes", "ContentType").objects.using(db).filter(
        app_label="tasks", model="taskprogress").first()
    if content_type is None:
        return
    rows = list(new.objects.using(db).filter(content_type_id=content_type.id).order_by("id"))
    old.objects.using(db).bulk_create([
        old(id=row.id, progress_id=row.object_id, name=row.original_name, file=row.file.name,
            **{f: getattr(row, f) for f in SAME}) for row in rows
    ])
    for row in rows:  # the old field was auto_now_add, which bulk_create overrides
        old.objects.using(db).filter(pk=row.id).update(uploaded_at=row.uploaded_at)
    new.objects.using(db).filter(pk__in=[row.id for row in rows]).delete()
    for sql in schema_editor.connection.ops.sequence_reset_sql(no_style(), [old]):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("evidence", "0001_initial"),
        ("reporting", "0002_move_evidence"),
        ("tasks", "0004_delete_noticeevent"),
    ]
    operations = [migrations.RunPython(forward, backward)]
