"""The office's entries keep their revisions: a table of revisions for office facts and one for manual points;
every existing entry becomes its first revision (its content, who entered it last and when), in one
INSERT … SELECT per table (plain SQL that SQLite and PostgreSQL both run, whatever the number of rows)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('scoring', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ManualScoreRevision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='时间')),
                ('points', models.DecimalField(decimal_places=4, max_digits=12, verbose_name='得分')),
                ('reason', models.CharField(max_length=300, verbose_name='理由')),
                ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='录入人')),
                ('entry', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='revisions', to='scoring.manualscore', verbose_name='人工评分')),
                ('previous', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='scoring.manualscorerevision', verbose_name='上一修订')),
            ],
            options={
                'verbose_name': '人工评分修订',
                'verbose_name_plural': '人工评分修订',
                'ordering': ['entry', '-at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='OfficeFactRevision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='时间')),
                ('value', models.DecimalField(blank=True, decimal_places=6, max_digits=18, null=True, verbose_name='数值')),
                ('text', models.CharField(blank=True, max_length=40, verbose_name='等级/类别')),
                ('na', models.BooleanField(default=False, verbose_name='不涉及')),
                ('reason', models.CharField(max_length=300, verbose_name='依据')),
                ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='录入人')),
                ('fact', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='revisions', to='scoring.officefact', verbose_name='考核事实')),
                ('previous', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='scoring.officefactrevision', verbose_name='上一修订')),
            ],
            options={
                'verbose_name': '考核事实修订',
                'verbose_name_plural': '考核事实修订',
                'ordering': ['fact', '-at', '-id'],
            },
        ),
        migrations.RunSQL(
            'INSERT INTO "scoring_officefactrevision" ("fact_id", "value", "text", "na", "reason", "author_id", "at", '
            '"previous_id") SELECT "id", "value", "text", "na", "reason", "created_by_id", "created_at", NULL '
            'FROM "scoring_officefact" ORDER BY "id"',
            reverse_sql=migrations.RunSQL.noop),
        migrations.RunSQL(
            'INSERT INTO "scoring_manualscorerevision" ("entry_id", "points", "reason", "author_id", "at", '
            '"previous_id") SELECT "id", "points", "reason", "created_by_id", "created_at", NULL '
            'FROM "scoring_manualscore" ORDER BY "id"',
            reverse_sql=migrations.RunSQL.noop),
    ]
