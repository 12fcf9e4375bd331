#!/usr/bin/env bash
# Runs Circlet's test suite on a fresh machine: builds (or reuses) the Kubernetes control-plane
# binaries and the Helm CLI (for the chart tests), installs the Debian packages the service tier
# needs, then builds and tests every module.
#
#   hack/test.sh                 every tier, as CI runs it
#   hack/test.sh unit            pure, golden and mock-server tests only (no real servers; fast)
#   hack/test.sh cluster         tests on the real API server of kube-test (@Tag("cluster")) and ITs
#   hack/test.sh services        tests on real PostgreSQL, RabbitMQ, Redis and S3 (@Tag("services"))
#   hack/test.sh e2e             the whole platform of hack/dev-up (e2e/) and the fault suite; then
#                                hack/faults-doc.sh turns its FAULT lines into docs/faults.md
#   hack/test.sh ui              the web UI's build and component tests, then its browser tests in chromium:
#                                against recorded history (web-ui/e2e/run.mjs) and against the real gateway
#                                of hack/dev-up (e2e/.../WebUiE2ETest)
#   hack/test.sh [tier] -pl config -am    extra arguments go to Maven
#
# Each phase prints its wall time as it ends; at the end hack/tier-times.sh prints the phases, the
# classes, tests and summed seconds of each tier (from this run's surefire/failsafe reports), the
# web UI's test times and Maven's per-module times. The run's output is kept in
# target/test-times/output.log, the phases in target/test-times/phases.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."
source hack/env.sh

tier=all
case "${1:-}" in
  all|unit|cluster|services|e2e|ui) tier=$1; shift ;;
esac

start=$(date +%s)
times=target/test-times
mkdir -p "$times"
log=$times/output.log
phases=$times/phases.tsv
: >"$log"
: >"$phases"

# phase NAME COMMAND...: runs COMMAND, prints and records its wall time, returns its exit code.
phase() {
  local name=$1 t0 rc=0 took
  shift
  t0=$(date +%s)
  "$@" || rc=$?
  took=$(( $(date +%s) - t0 ))
  printf '%s\t%s\n' "$name" "$took" >>"$phases"
  if [ "$rc" = 0 ]; then
    echo "circlet: $name took ${took}s"
  else
    echo "circlet: $name took ${took}s and failed (exit $rc)"
  fi
  return "$rc"
}
# logged COMMAND...: runs COMMAND with its output also appended to the run's log.
logged() {
  "$@" 2>&1 | tee -a "$log"
  return "${PIPESTATUS[0]}"
}
setup_binaries() {
  if [ "$tier" != unit ]; then
    hack/kube-binaries.sh || return
  fi
  if [ "$tier" != ui ]; then
    hack/helm-binary.sh || return
  fi
}

phase "binaries" setup_binaries
if [ "$tier" = all ] || [ "$tier" = ui ] || [ "$tier" = e2e ]; then
  phase "chromium" hack/chromium.sh
fi
if [ "$tier" = all ] || [ "$tier" = services ] || [ "$tier" = e2e ] || [ "$tier" = ui ]; then
  phase "services setup" hack/services.sh
else
  phase "tools setup" hack/services.sh tools
fi

case "$tier" in
  all)      args=() ;;
  unit)     args=(-Dsurefire.excludedGroups=cluster,services,e2e -DskipITs) ;;
  cluster)  args=(-Dgroups=cluster -Dsurefire.failIfNoSpecifiedTests=false) ;;
  services) args=(-Dgroups=services -Dsurefire.failIfNoSpecifiedTests=false -DskipITs) ;;
  # The end-to-end tests and every test that prints a FAULT line, with the object-store outage at 30 s.
  e2e)      args=(-pl e2e,operator,api-gateway,output-processor -am
              -Dtest='*E2ETest,BuildFaultsOnProcessNodeTest,WebhookEndpointTest,LogPipelineTest,GatewayKillTest'
              -Dit.test=OperatorSigkillIT -Dsurefire.failIfNoSpecifiedTests=false
              -Dfailsafe.failIfNoSpecifiedTests=false -Dcirclet.test.s3-outage-seconds=30) ;;
  ui)       args=(-pl web-ui) ;;
esac

echo "circlet: tier '$tier'"
rc=0
if [ "$tier" = ui ]; then
  phase "maven" logged mvn -B -ntp package "${args[@]}" "$@" || rc=$?
else
  phase "maven" logged mvn -B -ntp install "${args[@]}" "$@" || rc=$?
fi
if [ "$rc" = 0 ] && { [ "$tier" = all ] || [ "$tier" = ui ]; }; then
  # The browser tests drive Debian's chromium against the UI the build just produced.
  phase "browser tests" logged bash -c 'cd web-ui && npm run test:browser' || rc=$?
fi
if [ "$rc" = 0 ] && [ "$tier" = ui ]; then
  # The same browser in the whole platform of hack/dev-up (tier all runs this class with the e2e module).
  phase "maven (browser e2e)" logged mvn -B -ntp package -pl e2e -am -Dtest=WebUiE2ETest \
    -Dsurefire.failIfNoSpecifiedTests=false "$@" || rc=$?
fi
echo "circlet: tier '$tier' finished after $(( $(date +%s) - start ))s"
hack/tier-times.sh "$start" "$log" "$phases"
if [ "$tier" = all ] || [ "$tier" = e2e ]; then
  find . \( -path '*/target/surefire-reports/*' -o -path '*/target/failsafe-reports/*' \) \( -name '*.xml' -o -name '*-output.txt' \) -newermt "@$start" \
    -exec grep -ho 'FAULT | [0-9]* | .*' {} + 2>/dev/null | sort -u -t'|' -k2,2n || true
fi
exit "$rc"
