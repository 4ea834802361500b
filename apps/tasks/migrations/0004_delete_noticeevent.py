from django.db import migrations


class Migration(migrations.Migration):
    """NoticeEvent's rows now live in review.ReviewEvent (0003)."""

    dependencies = [
        ("tasks", "0003_notice_workflow"),
    ]

    operations = [
        migrations.DeleteModel(
            name="NoticeEvent",
        ),
    ]
