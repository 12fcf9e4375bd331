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
set -euo pipefail
cd "$(dirname "$0")/.."
source hack/env.sh

tier=all
case "${1:-}" in
  all|unit|cluster|services|e2e|ui) tier=$1; shift ;;
esac

start=$(date +%s)
if [ "$tier" != unit ]; then
  hack/kube-binaries.sh
fi
if [ "$tier" != ui ]; then
  hack/helm-binary.sh
  echo "circlet: control-plane and Helm binaries ready after $(( $(date +%s) - start ))s"
fi
if [ "$tier" = all ] || [ "$tier" = ui ] || [ "$tier" = e2e ]; then
  hack/chromium.sh
fi
if [ "$tier" = all ] || [ "$tier" = services ] || [ "$tier" = e2e ] || [ "$tier" = ui ]; then
  hack/services.sh
  echo "circlet: service packages ready after $(( $(date +%s) - start ))s"
else
  hack/services.sh tools
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
if [ "$tier" = ui ]; then
  mvn -B -ntp package "${args[@]}" "$@"
else
  mvn -B -ntp install "${args[@]}" "$@"
fi
if [ "$tier" = all ] || [ "$tier" = ui ]; then
  # The browser tests drive Debian's chromium against the UI the build just produced.
  (cd web-ui && npm run test:browser)
fi
if [ "$tier" = ui ]; then
  # The same browser in the whole platform of hack/dev-up (tier all runs this class with the e2e module).
  mvn -B -ntp package -pl e2e -am -Dtest=WebUiE2ETest -Dsurefire.failIfNoSpecifiedTests=false "$@"
fi
echo "circlet: tier '$tier' finished after $(( $(date +%s) - start ))s"
if [ "$tier" = all ] || [ "$tier" = e2e ]; then
  find . \( -path '*/target/surefire-reports/*' -o -path '*/target/failsafe-reports/*' \) \( -name '*.xml' -o -name '*-output.txt' \) -newermt "@$start" \
    -exec grep -ho 'FAULT | [0-9]* | .*' {} + 2>/dev/null | sort -u -t'|' -k2,2n || true
fi
