"""Move value evidence into ``apps.evidence`` (same ids, same stored files, same times); then 0003 drops the table."""

from django.core.management.color import no_style
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.db.models import Model

FIELDS = ["original_name", "kind", "size", "sha256", "checklist_item", "uploaded_by_id", "uploaded_at"]


def _reset_sequence(schema_editor: BaseDatabaseSchemaEditor, model: type[Model]) -> None:
    # Rows were written with their ids; PostgreSQL's sequence must move past them.
    for sql in schema_editor.connection.ops.sequence_reset_sql(no_style(), [model]):
        schema_editor.execute(sql)


def forward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    db = schema_editor.connection.alias
    old = apps.get_model("reporting", "Evidence")
    new = apps.get_model("evidence", "Evidence")
    rows = list(old.objects.using(db).order_by("id"))
    if not rows:
        return
    content_type, _ = apps.get_model("contenttypes", "ContentType").objects.using(db).get_or_create(
        app_label="reporting", model="indicatorvalue")
    new.objects.using(db).bulk_create([
        new(id=row.id, content_type_id=content_type.id, object_id=row.value_id, file=row.file.name,
            **{f: getattr(row, f) for f in FIELDS}) for row in rows
    ])
    _reset_sequence(schema_editor, new)


def backward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    db = schema_editor.connection.alias
    old = apps.get_model("reporting", "Evidence")
    new = apps.get_model("evidence", "Evidence")
    content_type = apps.get_model("contenttypes", "ContentType").objects.using(db).filter(
        app_label="reporting", model="indicatorvalue").first()
    if content_type is None:
        return
    rows = list(new.objects.using(db).filter(content_type_id=content_type.id).order_by("id"))
    old.objects.using(db).bulk_create([
        old(id=row.id, value_id=row.object_id, file=row.file.name, **{f: getattr(row, f) for f in FIELDS})
        for row in rows
    ])
    for row in rows:  # the old field was auto_now_add, which bulk_create overrides
        old.objects.using(db).filter(pk=row.id).update(uploaded_at=row.uploaded_at)
    new.objects.using(db).filter(pk__in=[row.id for row in rows]).delete()
    _reset_sequence(schema_editor, old)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("evidence", "0001_initial"),
        ("reporting", "0001_initial"),
    ]
    operations = [migrations.RunPython(forward, backward)]
