import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('indicators', '0002_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='IndicatorTarget',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('level', models.CharField(choices=[('province', '省'), ('city', '市'), ('county', '县（区）'), ('township', '乡镇（街道）')], max_length=16, verbose_name='层级')),
                ('expression', models.CharField(max_length=255, verbose_name='目标')),
                ('indicator', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='targets', to='indicators.indicator')),
            ],
            options={
                'verbose_name': '指标目标',
                'verbose_name_plural': '指标目标',
                'constraints': [models.UniqueConstraint(fields=('indicator', 'level'), name='indicatortarget_unique_level')],
            },
        ),
    ]
