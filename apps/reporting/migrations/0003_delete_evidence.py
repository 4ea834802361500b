from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("reporting", "0002_move_evidence")]
    operations = [migrations.DeleteModel(name="Evidence")]
