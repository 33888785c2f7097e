"""The compose stack's structure: services, entrypoint roles, healthchecks, pinned images, documented variables."""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = {"migrate", "web", "worker", "beat"}
SERVICES = APP_SERVICES | {"postgres", "redis", "cache", "prometheus", "grafana"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def entrypoint_roles() -> set[str]:
    """The case labels of docker/entrypoint.sh (the catch-all `*` passes anything else to manage.py)."""
    text = (ROOT / "docker" / "entrypoint.sh").read_text()
    return set(re.findall(r"^\s+([a-z-]+)\)\s*$", text, flags=re.MULTILINE))


def documented_settings() -> set[str]:
    """Variables in the first column of the README's settings table."""
    rows = re.findall(r"^\| (.+?) \|", (ROOT / "README.md").read_text(), flags=re.MULTILINE)
    return {name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row)}


def test_the_stack_has_every_service(compose):
    assert set(compose["services"]) == SERVICES


def test_app_services_run_roles_the_entrypoint_knows(compose):
    roles = entrypoint_roles()
    assert {"web", "worker", "beat", "migrate", "manage"} <= roles
    for name in APP_SERVICES:
        command = compose["services"][name]["command"]
        assert command[0] in roles, f"{name} runs {command[0]!r}, not an entrypoint role"


def test_images_are_pinned_and_long_running_services_have_healthchecks(compose):
    for name, service in compose["services"].items():
        image = service["image"]
        tag = image.rpartition(":")[2]
        assert ":" in image, f"{name}: {image} has no tag"
        assert re.search(r"\d+\.\d+", tag), f"{name}: {image} is not pinned to a version"
        if name not in {"migrate", "beat"}:
            assert service["healthcheck"]["test"][0] in {"CMD", "CMD-SHELL"}, f"{name} has no healthcheck"


def test_data_lives_in_named_volumes(compose):
    declared = set(compose["volumes"])
    for name in ("postgres", "redis", "prometheus", "grafana"):
        named = {v.split(":")[0] for v in compose["services"][name]["volumes"] if not v.startswith(".")}
        assert named, f"{name} keeps no data in a named volume"
        assert named <= declared, f"{name} uses an undeclared volume"


def test_prometheus_and_grafana_get_the_repository_configuration(compose):
    mounts = {v.split(":")[0] for name in ("prometheus", "grafana") for v in compose["services"][name]["volumes"]}
    for path in (
        "./deploy/prometheus/prometheus.yml",
        "./deploy/prometheus/alerts.yml",
        "./deploy/grafana/provisioning",
        "./deploy/grafana/dashboards",
    ):
        assert path in mounts
    scrape = yaml.safe_load((ROOT / "deploy/prometheus/prometheus.yml").read_text())
    (job,) = scrape["scrape_configs"]
    assert job["static_configs"][0]["targets"] == ["web:8080"]
    assert "/etc/prometheus/alerts.yml" in scrape["rule_files"]


def test_every_variable_is_documented_in_the_readme(compose):
    text = (ROOT / "docker-compose.yml").read_text()
    used = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", text))
    for name in APP_SERVICES:
        used |= set(compose["services"][name].get("environment", {}))
    example = (ROOT / ".env.example").read_text()
    used |= set(re.findall(r"^([A-Z][A-Z0-9_]*)=", example, flags=re.MULTILINE))
    missing = used - documented_settings()
    assert not missing, f"not in the README settings table: {sorted(missing)}"


def test_no_secret_reaches_the_image():
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert {".env", ".git"} <= set(ignored)
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert not re.search(r"^(ENV|ARG)\b[^\n]*(SECRET|PASSWORD|AWS_)", dockerfile, flags=re.MULTILINE)
