#!/usr/bin/env bash
# CI's container checks, run beside the test suite by .ci/run (they mostly wait on builds and containers):
# a virtualenv of requirements/prod.txt alone runs worker and beat on Redis (ci_prod_venv.sh); the image's smoke
# test (ci_docker.sh); the compose stack with its CI override (ci_compose.sh; CI_COMPOSE=0 leaves it out).
# The Docker parts say in one line when no engine can run here, and pass.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ci_prod_venv.sh
bash scripts/ci_docker.sh
if [ "${CI_COMPOSE:-1}" != 0 ]; then bash scripts/ci_compose.sh; else echo "ci-compose: skipped (CI_COMPOSE=0)"; fi
