#!/usr/bin/env bash
# Webhook benchmark: signed GitHub push webhooks answered 202 after RabbitMQ's publisher confirm,
# beside raw confirmed publishes to the same throwaway RabbitMQ node from the same JVM.
#   hack/bench-gateway.sh [requests] [in-flight]      # default 20000 128
set -euo pipefail
cd "$(dirname "$0")/.."
source hack/env.sh
hack/services.sh
MVN_OPTS=(-B -q)
[[ "${CIRCLET_MAVEN_OFFLINE:-1}" == 1 ]] && MVN_OPTS+=(-o)
mvn "${MVN_OPTS[@]}" -pl api-gateway -am test-compile
cp_file="$(mktemp)"
trap 'rm -f "$cp_file"' EXIT
mvn "${MVN_OPTS[@]}" -pl api-gateway dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null
CP="api-gateway/target/test-classes:api-gateway/target/classes:config/target/classes:api/target/classes:$(cat "$cp_file")"
exec "$JAVA_HOME/bin/java" -Xmx1g -cp "$CP" dev.circlet.gateway.api.WebhookBenchmark "$@"
