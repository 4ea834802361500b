from django.db import migrations

DEFAULTS = ["生态屏障建设", "净空净水净土", "环境综合整治", "生态工业", "生态农业", "生态服务业", "资源集约利用", "生态扶贫"]


def create(apps, schema_editor):
    category = apps.get_model("tasks", "ProjectCategory")
    for order, name in enumerate(DEFAULTS, start=1):
        category.objects.get_or_create(name=name, defaults={"order": order})


class Migration(migrations.Migration):
    dependencies = [("tasks", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
