"""The Data Exports and DuckDB settings are system checks naming the variable, its value and what is allowed."""

import re

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from costmonitor.checks import check_settings

EXPORTING = {"DATA_EXPORTS_DATASETS": ["costs"], "DATA_EXPORTS_BUCKET": "cur-exports", "DATA_EXPORTS_EXPORT_NAME": "x"}


@pytest.mark.parametrize(
    ("changes", "check_id", "says"),
    [
        ({"DATA_EXPORTS_DATASETS": ["costs", "forecast"]}, "E040", "DATA_EXPORTS_DATASETS must be empty or"),
        ({"DATA_EXPORTS_FORMAT": "cur1"}, "E041", "DATA_EXPORTS_FORMAT must be cur2 or focus1.2, not 'cur1'."),
        ({"DATA_EXPORTS_ENGINE": "spark"}, "E042", "DATA_EXPORTS_ENGINE must be an engine of"),
        ({**EXPORTING, "DATA_EXPORTS_BUCKET": ""}, "E043", "DATA_EXPORTS_BUCKET must be an S3 bucket name"),
        (
            {**EXPORTING, "DATA_EXPORTS_BUCKET": "Bad_Bucket"},
            "E043",
            "DATA_EXPORTS_BUCKET must be an S3 bucket name (set whenever DATA_EXPORTS_DATASETS is), not 'Bad_Bucket'.",
        ),
        ({**EXPORTING, "DATA_EXPORTS_EXPORT_NAME": ""}, "E044", "DATA_EXPORTS_EXPORT_NAME must be the export's name"),
        ({"DATA_EXPORTS_MONTHS": 0}, "E045", "DATA_EXPORTS_MONTHS must be a positive integer"),
        ({"DUCKDB_MEMORY_LIMIT": "lots"}, "E046", "DUCKDB_MEMORY_LIMIT must be a size such as 512MB or 2GB"),
        ({"DUCKDB_THREADS": 0}, "E047", "DUCKDB_THREADS must be a positive integer"),
        ({"DUCKDB_MAX_TEMP_SIZE": "10 parsecs"}, "E048", "DUCKDB_MAX_TEMP_SIZE must be a size"),
    ],
)
def test_a_bad_value_is_a_check_error(settings, changes, check_id, says):
    for name, value in changes.items():
        setattr(settings, name, value)
    with pytest.raises(SystemCheckError, match=re.escape(f"(costmonitor.{check_id}) {says}")):
        call_command("check")


def test_an_export_configured_in_full_passes(settings):
    for name, value in {**EXPORTING, "DUCKDB_MEMORY_LIMIT": "512MiB", "DATA_EXPORTS_FORMAT": "focus1.2"}.items():
        setattr(settings, name, value)
    assert check_settings() == []
