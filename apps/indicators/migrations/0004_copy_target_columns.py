"""Copy the two target columns into IndicatorTarget rows (one per level with a target), and back."""

from django.db import migrations

#: The columns this migration empties, by the level they held.
COLUMNS = {"city": "target_city", "county": "target_county"}


def columns_to_rows(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    IndicatorTarget = apps.get_model("indicators", "IndicatorTarget")
    rows = [
        IndicatorTarget(indicator_id=indicator["id"], level=level, expression=indicator[column])
        for indicator in Indicator.objects.values("id", *COLUMNS.values()).order_by("id")
        for level, column in COLUMNS.items()
        if indicator[column]
    ]
    IndicatorTarget.objects.bulk_create(rows, batch_size=1000)


def rows_to_columns(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    IndicatorTarget = apps.get_model("indicators", "IndicatorTarget")
    texts = {}
    for indicator_id, level, expression in IndicatorTarget.objects.filter(level__in=COLUMNS).values_list(
            "indicator_id", "level", "expression"):
        texts.setdefault(indicator_id, {})[COLUMNS[level]] = expression
    for indicator_id, columns in texts.items():
        Indicator.objects.filter(pk=indicator_id).update(**columns)
    IndicatorTarget.objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('indicators', '0003_indicatortarget'),
    ]

    operations = [
        migrations.RunPython(columns_to_rows, rows_to_columns),
    ]
