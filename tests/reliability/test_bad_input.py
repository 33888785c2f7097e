"""Scenario 6: bad input. Schemathesis over the whole OpenAPI schema, valid and invalid data, and malformed
management-command arguments: no 5xx, no traceback, a clear message each time."""

import os

import pytest
import schemathesis
from django.core.management import ManagementUtility
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

pytestmark = [pytest.mark.reliability]

# More than the CI smoke run (tests/api/test_schema.py, 20 valid examples per operation), invalid data too.
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}  # a path item's other keys
EXAMPLES = int(os.environ.get("RELIABILITY_EXAMPLES", "100"))
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=EXAMPLES, deterministic=True
)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_input_makes_the_api_fail(case, staff_token, figures):
    # Negative data may be answered 2xx where the API is lenient (an unknown parameter): what may never
    # happen is a 5xx or an answer outside the documented schema.
    case.call_and_validate(
        headers={"Authorization": f"Token {staff_token}"}, checks=[not_a_server_error, response_schema_conformance]
    )
    # One `figures` per operation, shared by its examples; negative mode also sends undocumented methods
    # (a DELETE, answered 405).
    figures["cases"] = figures.get("cases", 0) + 1
    figures["methods_tried"] = " ".join(sorted({*figures.get("methods_tried", "").split(), case.method.upper()}))


def test_schemathesis_tried_every_operation(figures):
    """Every operation the schema document lists is loaded, so test_no_input_makes_the_api_fail tries each."""
    documented = {
        f"{method} {path}".upper()
        for path, item in schema.raw_schema["paths"].items()
        for method in item
        if method in HTTP_METHODS
    }
    operations = {f"{op.method} {op.path}".upper() for op in (result.ok() for result in schema.get_all_operations())}
    assert documented
    assert operations == documented
    figures.update(operations=len(operations))


COMMANDS = {
    ("collect_costs", "--kind", "everything"): "invalid choice: 'everything'",
    ("collect_costs", "--start", "2024-13-01", "--end", "2024-12-01"): "'2024-13-01' is not a date",
    ("collect_costs", "--start", "2020-01-01", "--end", "2020-02-01"): "beyond Cost Explorer's history",
    ("collect_costs", "--start", "2099-01-01", "--end", "2099-02-01"): "in the future",
    ("collect_costs", "--start", "2026-02-01", "--end", "2026-01-01"): "is before start",
    ("collect_costs", "--end", "'; DROP TABLE x"): "is not a date",
    ("collect_costs", "--kind"): "expected one argument",
    ("collect_costs", "--unknown"): "unrecognized arguments: --unknown",
    ("backfill_costs",): "the following arguments are required: --start",
    ("backfill_costs", "--start", "yesterday"): "'yesterday' is not a date",
    ("backfill_costs", "--start", "2099-01-01", "--yes"): "in the future",
    ("backfill_costs", "--start", "2026-02-01", "--end", "2026-01-01", "--yes"): "is before start",
    ("backfill_costs", "--start", "\x00"): "is not a date",
    ("create_api_token", "nobody-here"): "nobody-here",
    ("serve_metrics", "--port", "seventy"): "invalid int value: 'seventy'",
}


@pytest.mark.django_db
@pytest.mark.parametrize("argv", list(COMMANDS), ids=[" ".join(a) for a in COMMANDS])
def test_malformed_command_arguments_get_a_clear_message(argv, capsys, figures):
    """As `python manage.py …` runs them: a non-zero exit and one clear line, never a traceback."""
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", *argv]).execute()
    err = capsys.readouterr().err
    assert exited.value.code not in (0, None)
    assert "Traceback" not in err
    assert "error" in err.lower()
    assert COMMANDS[argv] in err
    figures.update(exit_code=exited.value.code, message=err.strip().splitlines()[-1][:160])
