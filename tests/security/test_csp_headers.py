"""Every page carries the Content-Security-Policy, and /api/docs/ names no asset outside this origin (it works
offline). tests/security/test_csp_browser.py checks the same pages in a real browser."""

import re

import pytest

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
}


def directives(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


@pytest.mark.parametrize(
    "path", ["/admin/login/", "/admin/", "/api/docs/", "/api/costs?format=api", "/api/costs", "/health", "/api/nope"]
)
def test_every_page_has_the_policy(staff_client, path):
    response = staff_client.get(path)
    assert response.status_code < 500
    policy = directives(response["Content-Security-Policy"])
    assert {name: policy.get(name) for name in POLICY} == POLICY
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_the_docs_load_only_local_assets(client):
    page = client.get("/api/docs/").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any(asset.endswith("swagger-ui-bundle.js") for asset in assets)
    assert all(asset.startswith("/") for asset in assets), assets
    assert "<script>" not in page  # the start script comes from /api/docs/?script
    assert "<style>" not in page
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


def test_the_docs_start_script_points_at_the_schema(client):
    script = client.get("/api/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()
