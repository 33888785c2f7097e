"""The API documents itself: every operation, parameter and response field described; ReDoc served from this
origin with no inline script; the API root says what the API is and where its docs are."""

import re

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def generated_schema(tmp_path) -> dict:
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(target))
    return yaml.safe_load(target.read_text())


def undocumented_properties(schema: dict, components: dict, where: str, seen: set) -> list[str]:
    """Properties reachable from `schema` without a description (one given beside a `$ref` counts)."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return []
        seen.add(name)
        return undocumented_properties(components[name], components, name, seen)
    missing = []
    for key in ("allOf", "oneOf", "anyOf"):
        for part in schema.get(key, []):
            missing += undocumented_properties(part, components, where, seen)
    for name, prop in schema.get("properties", {}).items():
        if not (prop.get("description") or any(p.get("description") for p in prop.get("allOf", []))):
            missing.append(f"{where}.{name}")
        missing += undocumented_properties(prop, components, f"{where}.{name}", seen)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            missing += undocumented_properties(schema[key], components, where, seen)
    return missing


def test_every_operation_parameter_and_response_field_is_described(tmp_path):
    document = generated_schema(tmp_path)
    components = document["components"]["schemas"]
    operations = [(f"{method} {url}", op) for url, ops in document["paths"].items() for method, op in ops.items()]
    assert len(operations) >= 12
    missing = []
    for name, op in operations:
        if not op.get("description"):
            missing.append(f"{name}: description")
        missing += [f"{name}: parameter {p['name']}" for p in op.get("parameters", []) if not p.get("description")]
        for response in op["responses"].values():
            for content in response.get("content", {}).values():
                missing += undocumented_properties(content["schema"], components, name, set())
    assert missing == []


def test_endpoints_have_their_own_descriptions(tmp_path):
    document = generated_schema(tmp_path)
    descriptions = [op["description"] for ops in document["paths"].values() for op in ops.values()]
    assert len(set(descriptions)) == len(descriptions)
    assert not any("cache" in text.lower() and "key" in text.lower() for text in descriptions)


def test_redoc_is_served_from_this_origin_without_inline_script(client):
    response = client.get("/api/redoc/")
    assert response.status_code == 200
    page = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any(asset.endswith("redoc.standalone.js") for asset in assets)
    assert all(asset.startswith("/") for asset in assets), assets
    assert "<script>" not in page
    assert "<style" not in page
    nonce = re.search(r'data-nonce="([^"]+)"', page).group(1)
    policy = response["Content-Security-Policy"]
    assert f"'nonce-{nonce}'" in policy.split("style-src", 1)[1].split(";", 1)[0]
    assert "unsafe-inline" not in policy
    assert re.search(r"script-src 'self'(;|$)", policy)


def test_the_api_root_says_what_the_api_is(api_client):
    response = api_client.get("/api/")
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["docs"].endswith("/api/docs/")
    assert data["redoc"].endswith("/api/redoc/")
    assert data["costs"].endswith("/api/costs")
    page = api_client.get("/api/?format=api").content.decode()
    assert "AWS costs collected from Cost Explorer" in page
    assert "default basic root view" not in page
