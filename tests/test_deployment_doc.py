"""docs/deployment.md is true to the code: module paths, files, roles, commands, health paths and ports it names."""

import importlib
import re

import pytest
from django.urls import Resolver404, resolve

from tests.processes import ROOT

DOC = (ROOT / "docs" / "deployment.md").read_text()
ENTRYPOINT = (ROOT / "docker" / "entrypoint.sh").read_text()
# What the doc quotes in backticks.
QUOTED = set(re.findall(r"`([^`\n]+)`", DOC))


def module_attributes() -> set[str]:
    """Every `package.module:attribute` the doc names, alone or inside a quoted command."""
    return {match for quote in QUOTED for match in re.findall(r"\b([a-z_][\w.]*\.[\w]+:[A-Za-z_]\w*)\b", quote)}


def test_the_doc_names_module_paths():
    assert {"costmonitor.web:application", "costmonitor.beat:HeartbeatScheduler"} <= module_attributes()


@pytest.mark.parametrize("dotted", sorted(module_attributes()))
def test_every_module_path_exists(dotted):
    module, _, attribute = dotted.partition(":")
    assert hasattr(importlib.import_module(module), attribute), f"{dotted} does not exist"


def repository_paths() -> set[str]:
    """Quoted paths of the repository: a folder of it and a name, no spaces or placeholders."""
    tops = {path.name for path in ROOT.iterdir()}
    tokens = {token for quote in QUOTED for token in quote.split()}
    return {
        token.rstrip("/")
        for token in tokens
        if re.fullmatch(r"[\w.-]+(/[\w.-]+)+/?", token) and token.split("/")[0] in tops
    }


def test_every_repository_path_the_doc_names_exists():
    paths = repository_paths()
    assert {"docker/entrypoint.sh", "docker/healthcheck.py", "deploy/ci/compose.override.yml"} <= paths
    missing = sorted(path for path in paths if not (ROOT / path).exists())
    assert not missing, f"docs/deployment.md names files that do not exist: {missing}"


def test_each_role_runs_the_command_the_doc_gives():
    """The roles table's commands are the entrypoint's `exec` lines (without the pass-through arguments)."""
    rows = dict(re.findall(r"^\| `(web|worker|beat|migrate)`(?: \(default\))? \| `([^`]+)` \|", DOC, flags=re.M))
    assert set(rows) == {"web", "worker", "beat", "migrate"}
    commands = [line.strip().removeprefix("exec ").replace(' "$@"', "") for line in ENTRYPOINT.splitlines()]
    for role, command in rows.items():
        assert command in commands, f"{role}: the doc says `{command}`, the entrypoint runs something else"


@pytest.mark.parametrize("path", ["/health", "/health/live", "/health/ready"])
def test_the_health_paths_the_doc_describes_are_served(path):
    assert f"`{path}`" in DOC
    try:
        resolve(path)
    except Resolver404:
        pytest.fail(f"{path} is not routed")


def test_the_ports_are_the_defaults_of_the_code():
    """PORT: gunicorn.conf.py's default and the image's; METRICS_PORT: the setting's default and the image's."""
    gunicorn_conf = (ROOT / "gunicorn.conf.py").read_text()
    dockerfile = (ROOT / "Dockerfile").read_text()
    metrics = (ROOT / "costmonitor" / "settings" / "metrics.py").read_text()
    (port,) = re.findall(r"""_int\(['"]PORT['"], (\d+)\)""", gunicorn_conf)
    (metrics_port,) = re.findall(r'env.int\("METRICS_PORT", default=(\d+)\)', metrics)
    assert f"PORT={port}" in dockerfile
    assert f"METRICS_PORT={metrics_port}" in dockerfile
    assert f"`PORT` ({port})" in DOC
    assert f"`METRICS_PORT` ({metrics_port})" in DOC
