from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('indicators', '0004_copy_target_columns'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='indicator',
            name='target_city',
        ),
        migrations.RemoveField(
            model_name='indicator',
            name='target_county',
        ),
    ]
