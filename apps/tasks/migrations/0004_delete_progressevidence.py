from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("tasks", "0003_move_evidence")]
    operations = [migrations.DeleteModel(name="ProgressEvidence")]
