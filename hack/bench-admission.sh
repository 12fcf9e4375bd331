#!/usr/bin/env bash
# Admission benchmark: Builds → Pods through the real operator vs. raw pod creation on the same
# API server. Without arguments it runs against an in-process Fabric8 mock server.
#   hack/bench-admission.sh                                   # mock server
#   hack/bench-admission.sh --kubeconfig ~/.kube/config --install-crds
#   hack/bench-admission.sh --local-apiserver --builds 1000 --orgs 20 --no-ceiling
#   hack/bench-admission.sh --population [--finished 8000 --queued 1500 --running 500 --orgs 20 --free 20 --probes 20]
#                                   # 10,000 Builds on kube-test's control plane, the operator in its own JVM
#   hack/bench-admission.sh --master https://127.0.0.1:6443 --builds 2000 --orgs 20 --concurrency 32
set -euo pipefail
cd "$(dirname "$0")/.."
MAIN=dev.circlet.operator.bench.AdmissionBenchmark
if [[ "${1:-}" == "--population" ]]; then
  MAIN=dev.circlet.operator.bench.PopulationBenchmark
  shift
fi
source hack/env.sh
MVN_OPTS=(-B -q)
[[ "${CIRCLET_MAVEN_OFFLINE:-1}" == 1 ]] && MVN_OPTS+=(-o)
mvn "${MVN_OPTS[@]}" -pl operator -am test-compile
cp_file="$(mktemp)"
trap 'rm -f "$cp_file"' EXIT
mvn "${MVN_OPTS[@]}" -pl operator dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null
# The reactor's own classes first, so this checkout's api/config win over any installed jars.
CP="operator/target/test-classes:operator/target/classes:config/target/classes:api/target/classes:kube-test/target/classes:$(cat "$cp_file")"
# BENCH_JAVA_OPTS adds JVM options, e.g. a flight recording:
#   BENCH_JAVA_OPTS='-XX:StartFlightRecording=filename=/tmp/bench.jfr,settings=profile' hack/bench-admission.sh ...
# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" -Xmx2g ${BENCH_JAVA_OPTS:-} -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -cp "$CP" "$MAIN" "$@"
