#!/usr/bin/env bash
# Machine executor benchmark: claim latency (Admitted → Running) from a warm pool and by a cold
# boot, and the pool's refill rate, on kube-test's control plane with the test VM runtime.
#   hack/bench-machine.sh [--builds 5] [--warm 5]
set -euo pipefail
cd "$(dirname "$0")/.."
source hack/env.sh
MVN_OPTS=(-B -q)
[[ "${CIRCLET_MAVEN_OFFLINE:-1}" == 1 ]] && MVN_OPTS+=(-o)
mvn "${MVN_OPTS[@]}" -pl operator -am test-compile
cp_file="$(mktemp)"
trap 'rm -f "$cp_file"' EXIT
mvn "${MVN_OPTS[@]}" -pl operator dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null
# The reactor's own classes first (the VM runtime starts agents with this classpath too).
CP="operator/target/test-classes:operator/target/classes:config/target/classes:api/target/classes:kube-test/target/classes:runner-agent/target/classes:$(cat "$cp_file")"
exec "$JAVA_HOME/bin/java" -Xmx1g -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -cp "$CP" dev.circlet.operator.cluster.MachineClaimBenchmark "$@"
