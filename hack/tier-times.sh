#!/usr/bin/env bash
# Prints how long each test tier took in a run of hack/test.sh (which calls it at its end): the wall
# time of each phase, classes, tests and summed seconds per tier (unit, cluster, services, e2e) from
# the run's surefire and failsafe reports, the web UI's vitest and browser test times, and Maven's
# per-module wall times. See hack/TierTimes.java.
#
#   hack/tier-times.sh SINCE_EPOCH_SECONDS [LOG [PHASES]]
#       LOG     the run's saved Maven and npm output (for vitest, browser tests, reactor summary)
#       PHASES  lines "phase<TAB>seconds"
#
# Never fails: the numbers are information, the run's result is the tests'.
cd "$(dirname "$0")/.." || exit 0
since=${1:-0}
args=(--since "$since")
[ -n "${2:-}" ] && [ -f "$2" ] && args+=(--log "$2")
[ -n "${3:-}" ] && [ -f "$3" ] && args+=(--phases "$3")
java hack/TierTimes.java "${args[@]}" || echo "circlet: tier times not available (hack/TierTimes.java exited $?)"
exit 0
