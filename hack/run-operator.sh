#!/usr/bin/env bash
# Runs the Circlet operator on this machine against the cluster of the current kubeconfig
# ($KUBECONFIG or ~/.kube/config). Apply the CRDs first: kubectl apply -f crds/generated/
set -euo pipefail
cd "$(dirname "$0")/.."
source hack/env.sh
jar=operator/target/quarkus-app/quarkus-run.jar
if [ ! -f "$jar" ] || [ -n "$(find api/src config/src operator/src -newer "$jar" -type f -print -quit)" ]; then
  mvn -B -q -ntp -pl operator -am install -DskipTests
fi
# The operator image's JVM settings (images/operator/Dockerfile) with its 256 MiB heap; override
# with CIRCLET_JAVA_OPTS.
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" ${CIRCLET_JAVA_OPTS:--XX:+UseSerialGC -Xms32m -Xmx256m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:ReservedCodeCacheSize=64m} \
  -jar "$jar" "$@"
