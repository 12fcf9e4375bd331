#!/usr/bin/env bash
# Webhook benchmarks.
#   hack/bench-gateway.sh [requests] [in-flight]                  # default 20000 128
#     signed GitHub push webhooks answered 202 after RabbitMQ's publisher confirm, beside raw
#     confirmed publishes of the same messages to the same throwaway RabbitMQ node from the same JVM
#   hack/bench-gateway.sh --to-workflow [per-second] [seconds]    # default 200 30
#     webhook sent to Workflow created (seen by a watch) at a steady rate, with the consumer,
#     PostgreSQL and the kube-apiserver of kube-test
# BENCH_JAVA_OPTS adds JVM options, e.g. a profile:
#   BENCH_JAVA_OPTS='-XX:StartFlightRecording=filename=/tmp/bench.jfr,settings=profile' hack/bench-gateway.sh
set -euo pipefail
cd "$(dirname "$0")/.."
main=dev.circlet.gateway.api.WebhookBenchmark
if [[ "${1:-}" == --to-workflow ]]; then
  main=dev.circlet.gateway.api.WebhookToWorkflowBenchmark
  shift
fi
source hack/env.sh
hack/services.sh
MVN_OPTS=(-B -q)
[[ "${CIRCLET_MAVEN_OFFLINE:-1}" == 1 ]] && MVN_OPTS+=(-o)
mvn "${MVN_OPTS[@]}" -pl api-gateway -am test-compile
cp_file="$(mktemp)"
trap 'rm -f "$cp_file"' EXIT
mvn "${MVN_OPTS[@]}" -pl api-gateway dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null
# This tree's own modules first, ahead of whatever dev.circlet jars the local repository holds.
own=""
for m in api-gateway config api kube-test output-processor proto runner-agent web-ui; do
  for d in "$m/target/test-classes" "$m/target/classes"; do
    if [[ -d "$d" && ( "$m" == api-gateway || "$d" == */classes ) ]]; then own+="$d:"; fi
  done
done
CP="$own$(cat "$cp_file")"
# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" -Xmx1g ${BENCH_JAVA_OPTS:-} -cp "$CP" "$main" "$@"
