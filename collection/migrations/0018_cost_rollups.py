"""Cost rollups by day and month, by service and by account, the triggers that keep them; a covering account index."""

import django.db.models.deletion
from django.db import migrations, models

from collection import rollups


def install(apps, schema_editor):
    """The vendor's triggers, then the rollups summed from the rows already stored."""
    vendor = schema_editor.connection.vendor
    for statement in [*rollups.INSTALL[vendor](), *rollups.rebuild_sql(vendor)]:
        schema_editor.execute(statement, params=None)


def covering_index(apps, schema_editor):
    """On PostgreSQL, the (account, date, service, region) index made covering (INCLUDE), in place, and the
    statistics of the (month, service, currency) groups."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX cost_account_date_cover")
        schema_editor.execute(rollups.COVERING_INDEX)
        schema_editor.execute(rollups.MONTH_SERVICE_STATISTICS)


def drop_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP STATISTICS cost_month_service")


def uninstall(apps, schema_editor):
    for statement in rollups.UNINSTALL[schema_editor.connection.vendor]():
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('collection', '0017_resource_costs'),
    ]

    operations = [
        migrations.CreateModel(
            name='CostDayByAccount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('unblended_cost', models.DecimalField(decimal_places=10, max_digits=24)),
                ('amortized_cost', models.DecimalField(decimal_places=10, max_digits=24)),
                ('net_unblended_cost', models.DecimalField(decimal_places=10, help_text='Sum of the rows that know it.', max_digits=24)),
                ('net_amortized_cost', models.DecimalField(decimal_places=10, help_text='Sum of the rows that know it.', max_digits=24)),
                ('currency', models.CharField(max_length=3)),
                ('rows', models.IntegerField(help_text='Detail rows summed; a group of none is deleted.')),
                ('net_unblended_unknown', models.IntegerField(help_text='Rows whose net unblended cost is unknown.')),
                ('net_amortized_unknown', models.IntegerField(help_text='Rows whose net amortized cost is unknown.')),
                ('date', models.DateField()),
            ],
            options={
                'verbose_name': 'daily cost rollup by account',
            },
        ),
        migrations.CreateModel(
            name='CostDayByService',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('unblended_cost', models.DecimalField(decimal_places=10, max_digits=24)),
                ('amortized_cost', models.DecimalField(decimal_places=10, max_digits=24)),
                ('net_unblended_cost', models.DecimalField(decimal_places=10, help_text='Sum of the rows that know it.', max_digits=24)),
                ('net_amortized_cost', models.DecimalField(decimal_places=10, help_text='Sum of the rows that know it.', max_digits=24)),
                ('currency', models.CharField(max_length=3)),
                ('rows', models.IntegerField(help_text='Detail rows summed; a group of none is deleted.')),
                ('net_unblended_unknown', models.IntegerField(help_text='Rows whose net unblended cost is unknown.')),
                ('net_amortized_unknown', models.IntegerField(help_text='Rows whose net amortized cost is unknown.')),
                ('date', models.DateField()),
                ('service', models.CharField(max_length=255)),
            ],
            options={
                'verbose_name': 'daily cost rollup by service',
            },
        ),
        migrations.CreateModel(
            name='CostMonthByAccount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('unblended_cost', models.DecimalField(decimal_places=10, max_digits=24)),
                ('amortized_cost', models.DecimalField(decimal_places=10, max_digits=24)),
                ('net_unblended_cost', models.DecimalField(decimal_places=10, help_text='Sum of the rows that know it.', max_digits=24)),
                ('net_amortized_cost', models.DecimalField(decimal_places=10, help_text='Sum of the rows that know it.', max_digits=24)),
                ('currency', models.CharField(max_length=3)),
                ('rows', models.IntegerField(help_text='Detail rows summed; a group of none is deleted.')),
                ('net_unblended_unknown', models.IntegerField(help_text='Rows whose net unblended cost is unknown.')),
                ('net_amortized_unknown', models.IntegerField(help_text='Rows whose net amortized cost is unknown.')),
                ('month', models.DateField()),
            ],
            options={
                'verbose_name': 'monthly cost rollup by account',
            },
        ),
        migrations.CreateModel(
            name='CostMonthByService',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('unblended_cost', models.DecimalField(decimal_places=10, max_digits=24)),
                ('amortized_cost', models.DecimalField(decimal_places=10, max_digits=24)),
                ('net_unblended_cost', models.DecimalField(decimal_places=10, help_text='Sum of the rows that know it.', max_digits=24)),
                ('net_amortized_cost', models.DecimalField(decimal_places=10, help_text='Sum of the rows that know it.', max_digits=24)),
                ('currency', models.CharField(max_length=3)),
                ('rows', models.IntegerField(help_text='Detail rows summed; a group of none is deleted.')),
                ('net_unblended_unknown', models.IntegerField(help_text='Rows whose net unblended cost is unknown.')),
                ('net_amortized_unknown', models.IntegerField(help_text='Rows whose net amortized cost is unknown.')),
                ('month', models.DateField()),
                ('service', models.CharField(max_length=255)),
            ],
            options={
                'verbose_name': 'monthly cost rollup by service',
            },
        ),
        migrations.RemoveIndex(
            model_name='costdata',
            name='cost_account_date',
        ),
        migrations.AddIndex(
            model_name='costdata',
            index=models.Index(fields=['account', 'date', 'service', 'region'], name='cost_account_date_cover'),
        ),
        migrations.AddField(
            model_name='costdaybyaccount',
            name='account',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='collection.awsaccount'),
        ),
        migrations.AddConstraint(
            model_name='costdaybyservice',
            constraint=models.UniqueConstraint(fields=('date', 'service', 'currency'), name='uniq_rollup_day_service'),
        ),
        migrations.AddField(
            model_name='costmonthbyaccount',
            name='account',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='collection.awsaccount'),
        ),
        migrations.AddConstraint(
            model_name='costmonthbyservice',
            constraint=models.UniqueConstraint(fields=('month', 'service', 'currency'), name='uniq_rollup_month_service'),
        ),
        migrations.AddConstraint(
            model_name='costdaybyaccount',
            constraint=models.UniqueConstraint(fields=('date', 'account', 'currency'), name='uniq_rollup_day_account'),
        ),
        migrations.AddConstraint(
            model_name='costmonthbyaccount',
            constraint=models.UniqueConstraint(fields=('month', 'account', 'currency'), name='uniq_rollup_month_account'),
        ),
        migrations.RunPython(covering_index, drop_statistics),
        migrations.RunPython(install, uninstall),
    ]
