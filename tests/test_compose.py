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


def example_variables(name: str) -> set[str]:
    return set(re.findall(r"^([A-Z][A-Z0-9_]*)=", (ROOT / name).read_text(), flags=re.MULTILINE))


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
    for example in (".env.example", "costmonitor.env.example"):
        used |= example_variables(example)
    missing = used - documented_settings()
    assert not missing, f"not in the README settings table: {sorted(missing)}"


def test_stack_passwords_reach_only_the_services_that_use_them(compose):
    """App containers get costmonitor.env; .env (database and Grafana passwords) only fills in the compose file."""
    stack, app = example_variables(".env.example"), example_variables("costmonitor.env.example")
    assert {"POSTGRES_PASSWORD", "GRAFANA_ADMIN_PASSWORD"} <= stack
    assert not stack & app
    for name in APP_SERVICES:
        service = compose["services"][name]
        assert service["env_file"] == "costmonitor.env"
        assert not {"POSTGRES_PASSWORD", "GRAFANA_ADMIN_PASSWORD"} & set(service["environment"])
    assert "GF_SECURITY_ADMIN_PASSWORD" in compose["services"]["grafana"]["environment"]
    assert "POSTGRES_PASSWORD" in compose["services"]["postgres"]["environment"]


def test_each_role_runs_its_own_healthcheck(compose):
    """web: readiness, worker: a ping of itself, beat: its heartbeat; two failures make a container unhealthy."""
    for role in ("web", "worker", "beat"):
        check = compose["services"][role]["healthcheck"]
        assert check["test"] == ["CMD", "python", "docker/healthcheck.py", role]
        assert check["retries"] == 2
    assert compose["services"]["migrate"]["healthcheck"] == {"disable": True}
    for name in APP_SERVICES:
        assert compose["services"][name]["read_only"] is True
        assert compose["services"][name]["tmpfs"] == ["/tmp"]  # noqa: S108 - the mount point compose declares


def test_the_ci_override_replaces_only_images_and_probe_intervals():
    """deploy/ci/compose.override.yml: local stand-ins for the images, faster probes, Grafana left out."""
    override = yaml.safe_load((ROOT / "deploy/ci/compose.override.yml").read_text())["services"]
    for name in ("postgres", "redis", "prometheus"):
        assert set(override[name]) <= {"image", "build", "healthcheck"}
        assert (ROOT / override[name]["build"] / "Dockerfile").is_file()
        assert set(override[name]["healthcheck"]) == {"interval"}
    for name in ("web", "worker", "beat"):
        assert set(override[name]) == {"healthcheck"}
        assert set(override[name]["healthcheck"]) == {"interval"}
    assert override["grafana"] == {"profiles": ["grafana"]}


def test_no_secret_reaches_the_image():
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert {".env", "costmonitor.env", ".git"} <= set(ignored)
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert not re.search(r"^(ENV|ARG)\b[^\n]*(SECRET|PASSWORD|AWS_)", dockerfile, flags=re.MULTILINE)
