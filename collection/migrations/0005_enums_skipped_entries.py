"""Runs count the recommendation entries they skipped; stored categories take the AWS enum's documented spelling.

Compute Optimizer findings were stored in capitals (OVERPROVISIONED for Overprovisioned) and a title-case
rightsizing type as AWS sent it (Modify): each category becomes the documented value it spells, whatever its case.
"""

from django.db import migrations, models

# Frozen: the documented values as of this migration (collection.services.recommendations).
DOCUMENTED = {
    "rightsizing": ["TERMINATE", "MODIFY"],
    "savings_plans": ["COMPUTE_SP", "EC2_INSTANCE_SP", "SAGEMAKER_SP", "DATABASE_SP"],
    "compute_optimizer": ["Underprovisioned", "Overprovisioned", "Optimized", "NotOptimized"],
}


def documented_spelling(apps, schema_editor):
    Recommendation = apps.get_model("collection", "OptimizationRecommendation")
    for kind, values in DOCUMENTED.items():
        for value in values:
            Recommendation.objects.filter(type=kind, category__iexact=value).exclude(category=value).update(
                category=value
            )


class Migration(migrations.Migration):
    dependencies = [
        ("collection", "0004_kinds_registry"),
    ]

    operations = [
        migrations.AddField(
            model_name="collectionrun",
            name="skipped_entries",
            field=models.PositiveIntegerField(
                default=0, help_text="Entries of recommendation lists skipped: an unknown value or a malformed shape."
            ),
        ),
        migrations.AlterField(
            model_name="optimizationrecommendation",
            name="category",
            field=models.CharField(
                help_text="The AWS enum as documented: MODIFY, TERMINATE, COMPUTE_SP, Overprovisioned, …", max_length=64
            ),
        ),
        migrations.RunPython(documented_spelling, migrations.RunPython.noop),
    ]
