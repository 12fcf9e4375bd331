#!/usr/bin/env bash
# Runs Circlet's whole test suite on a fresh machine: builds (or reuses) the Kubernetes
# control-plane binaries for the cluster tier, then builds and tests every module.
# Extra arguments go to Maven, e.g. hack/test.sh -pl config -am
set -euo pipefail
cd "$(dirname "$0")/.."
source hack/env.sh

start=$(date +%s)
hack/kube-binaries.sh
echo "circlet: control-plane binaries ready after $(( $(date +%s) - start ))s"
hack/services.sh

mvn -B -ntp install "$@"
echo "circlet: tests finished after $(( $(date +%s) - start ))s"
