"""CollectionRun.bytes_scanned: bytes billed by services priced per byte scanned (Athena), by service."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('collection', '0012_export_ingestion'),
    ]

    operations = [
        migrations.AddField(
            model_name='collectionrun',
            name='bytes_scanned',
            field=models.JSONField(blank=True, default=dict, help_text='Bytes billed by services priced per byte scanned (athena), by service (0 for the demo source).'),
        ),
    ]
