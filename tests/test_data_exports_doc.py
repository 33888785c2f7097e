"""docs/data-exports.md is true to the code and to AWS's API models: its settings, requests, queries and IAM."""

import json
import re

import botocore.session
import pytest
from botocore.validate import ParamValidator
from django.conf import settings

from collection.data_exports.formats import COLUMNS, ExportFormat
from collection.data_exports.queries import OPTIONAL
from tests.processes import ROOT

DOC = (ROOT / "docs" / "data-exports.md").read_text()
PREFIXES = ("DATA_EXPORTS_", "ATHENA_", "DUCKDB_")
# A JSON block preceded by `<!-- request: <service> <Operation> -->`: a request body the page tells to send.
REQUESTS = re.findall(r"<!-- request: ([\w-]+) (\w+) -->\s*```json\n(.*?)```", DOC, flags=re.S)
TABLES = {ExportFormat.CUR2: "COST_AND_USAGE_REPORT", ExportFormat.FOCUS12: "FOCUS_1_2_AWS"}


def test_every_setting_the_page_names_exists_and_every_one_is_documented():
    named = set(re.findall(r"\b((?:DATA_EXPORTS|ATHENA|DUCKDB)_[A-Z_]+)\b", DOC))
    defined = {name for name in dir(settings) if name.startswith(PREFIXES)}
    assert named - defined == set(), "the page names settings that do not exist"
    assert defined - named == set(), "settings missing from the page"
    rows = set(re.findall(r"^\| `([A-Z_]+)` \|", DOC, flags=re.M))
    assert defined <= rows, "each setting has a row of the settings table"


@pytest.mark.parametrize(
    ("name", "default"), re.findall(r"^\| `((?:DATA_EXPORTS|ATHENA|DUCKDB)_\w+)` \| ([^|]+) \|", DOC, flags=re.M)
)
def test_each_documented_default_is_the_settings_default(name, default):
    value = getattr(settings, name)
    if default.strip() == "empty":
        assert value in ("", [])
    elif name == "DUCKDB_TEMP_DIRECTORY":
        assert value.endswith("/duckdb")
    else:
        first = re.match(r"`([^`]+)`", default.strip()).group(1)
        assert str(value) in {first, f"{first}.0"}, f"{name}: the page says {first}, the default is {value}"


def test_the_page_has_every_request_it_names():
    assert sorted((service, operation) for service, operation, _ in REQUESTS) == [
        ("athena", "CreateWorkGroup"),
        ("bcm-data-exports", "CreateExport"),
        ("bcm-data-exports", "CreateExport"),
        ("glue", "CreateCrawler"),
    ]


@pytest.mark.parametrize(("service", "operation", "body"), REQUESTS)
def test_each_request_is_valid_for_the_services_api_model(service, operation, body):
    """Validated as botocore validates a request before sending it (the CLI's --cli-input-json is the same shape)."""
    model = botocore.session.get_session().get_service_model(service).operation_model(operation)
    report = ParamValidator().validate(json.loads(body), model.input_shape)
    assert not report.has_errors(), report.generate_report()


@pytest.mark.parametrize("export_format", list(ExportFormat))
def test_each_export_selects_every_column_costmonitor_reads_from_its_table(export_format):
    exports = [json.loads(body)["Export"] for _, operation, body in REQUESTS if operation == "CreateExport"]
    table = TABLES[export_format]
    [query] = [e["DataQuery"] for e in exports if e["DataQuery"]["QueryStatement"].endswith(f"FROM {table}")]
    selected = {c.strip() for c in re.match(r"SELECT (.*) FROM", query["QueryStatement"]).group(1).split(",")}
    assert selected == COLUMNS[export_format].required | set(OPTIONAL[export_format])
    assert set(query["TableConfigurations"]) == {table}
    if export_format == ExportFormat.CUR2:  # resource ids, for the resource-level dataset
        assert query["TableConfigurations"][table]["INCLUDE_RESOURCES"] == "TRUE"


def test_the_iam_statements_quoted_are_those_of_deploy_iam_policy_json():
    quoted = json.loads(re.search(r"<!-- iam: deploy/iam-policy.json -->\s*```json\n(.*?)```", DOC, flags=re.S)[1])
    policy = {s["Sid"]: s for s in json.loads((ROOT / "deploy" / "iam-policy.json").read_text())["Statement"]}
    assert quoted
    for statement in quoted:
        assert statement == policy[statement["Sid"]]
    assert {s["Sid"] for s in quoted} == {sid for sid in policy if "DataExport" in sid or "Athena" in sid}


def test_the_readme_links_the_page():
    assert "(docs/data-exports.md)" in (ROOT / "README.md").read_text()
