#!/usr/bin/env bash
# Log benchmark: concurrent build streams (the runner agent's streaming client over gRPC) into one
# output processor on a real redis-server (appendfsync always) and S3Proxy on its filesystem
# backend; aggregate MB/s acknowledged and compacted in object storage, line-to-live-tail latency,
# and raw gRPC loopback streaming with the same client in the same run.
# Each stream writes 100-byte lines at a steady rate (the 50 streams offer the 200 MB/s aim); the raw
# run sends as fast as it can.
#   hack/bench-logs.sh [streams] [MiB per stream] [MiB/s per stream]      # default 50 8 4
# BENCH_JFR=/tmp/logs.jfr adds a flight recording of the benchmark JVM.
set -euo pipefail
cd "$(dirname "$0")/.."
source hack/env.sh
command -v redis-server >/dev/null || { echo "redis-server is missing (hack/storage-services.sh installs it)" >&2; exit 1; }
MVN_OPTS=(-B -ntp)
[[ "${CIRCLET_MAVEN_OFFLINE:-1}" == 1 ]] && MVN_OPTS+=(-o)
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
mvn "${MVN_OPTS[@]}" -pl output-processor -am test -Dtest=LogStreamBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dcirclet.bench=true -Dcirclet.bench.streams="${1:-50}" -Dcirclet.bench.mib="${2:-8}" \
  -Dcirclet.bench.rate-mib="${3:-4}" ${BENCH_JFR:+"-DargLine=-XX:StartFlightRecording=filename=$BENCH_JFR,settings=profile"} \
  >"$out" 2>&1 \
  || { tail -n 80 "$out"; exit 1; }
grep '^BENCH' "$out"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
