"""ResourceCost: the costliest resources per service and day, from Data Exports (DATA_EXPORTS_TOP_RESOURCES)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('collection', '0016_category_costs'),
    ]

    operations = [
        migrations.CreateModel(
            name='ResourceCost',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date', models.DateField()),
                ('service', models.CharField(max_length=255)),
                ('resource_id', models.CharField(help_text='As the export names it: an instance id, a bucket, an ARN, …', max_length=1024, verbose_name='resource ID')),
                ('amount', models.DecimalField(decimal_places=10, max_digits=24, verbose_name='unblended cost')),
                ('currency', models.CharField(default='USD', max_length=3)),
                ('estimated', models.BooleanField(default=False, help_text='Its month is not invoiced yet.')),
                ('collected_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('account', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='resource_costs', to='collection.awsaccount')),
            ],
            options={
                'verbose_name': 'daily cost by resource',
                'verbose_name_plural': 'daily costs by resource',
                'ordering': ['-date', 'service', '-amount', 'resource_id'],
                'indexes': [models.Index(fields=['date', 'service'], name='resource_cost_day_service')],
                'constraints': [models.UniqueConstraint(fields=('date', 'account', 'service', 'resource_id'), name='uniq_resource_cost_day')],
            },
        ),
    ]
