from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("tasks", "0005_move_evidence")]
    operations = [migrations.DeleteModel(name="ProgressEvidence")]
