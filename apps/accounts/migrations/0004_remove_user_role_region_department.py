from django.db import migrations


class Migration(migrations.Migration):
    """The user's single role, region and department now live in its role assignments (0003 copied them)."""

    dependencies = [
        ('accounts', '0003_copy_user_scopes'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='user',
            name='department',
        ),
        migrations.RemoveField(
            model_name='user',
            name='region',
        ),
        migrations.RemoveField(
            model_name='user',
            name='role',
        ),
    ]
