#!/usr/bin/env bash
# Circlet's operator against Argo Workflows' controller on one real API server (kube-test's
# control plane on this machine): builds Argo's workflow-controller (once) from its Go module into
#   ${CIRCLET_PEER_CACHE:-$HOME/.cache/circlet/argo}/<version>/bin/workflow-controller
# outside the work tree (never shipped), then runs both controllers, each in its own process, on the
# same API server and prints the comparison table (see docs/operator.md).
#
#   hack/bench-vs-argo.sh                              # 2,000 units each after 500 warm-up units
#   hack/bench-vs-argo.sh --units 10000 --warmup 2000 --argo-workers 256,32
#   hack/bench-vs-argo.sh --build-only                 # only build Argo's controller into the cache
# Other arguments go to dev.circlet.operator.bench.PeerBenchmark (see its Javadoc).
set -euo pipefail
cd "$(dirname "$0")/.."
source hack/env.sh

ARGO_VERSION="${CIRCLET_ARGO_VERSION:-v4.0.5}"
BASE="${CIRCLET_PEER_CACHE:-$HOME/.cache/circlet/argo}/$ARGO_VERSION"
BIN="$BASE/bin/workflow-controller"
log() { echo "[bench-vs-argo] $*" >&2; }

build_argo() {
  if [[ -x "$BIN" && "$(cat "$BASE/bin/.workflow-controller.version" 2>/dev/null)" == "$ARGO_VERSION" ]]; then
    log "Argo workflow-controller $ARGO_VERSION present in $BASE/bin: reusing it"
    return
  fi
  if ! command -v go >/dev/null; then
    for d in /usr/local/go/bin /usr/lib/go/bin; do [[ -x "$d/go" ]] && PATH="$d:$PATH" && break; done
  fi
  command -v go >/dev/null || { log "go is not on PATH: it is needed to build Argo's controller"; exit 1; }
  mkdir -p "$BASE/src" "$BASE/bin"
  log "building Argo workflow-controller $ARGO_VERSION (several minutes on 2 cores) into $BASE/bin"
  (
    cd "$BASE/src"
    export CGO_ENABLED=0 GOFLAGS="-buildvcs=false -mod=mod" GOTOOLCHAIN=local
    [[ -f go.mod ]] || go mod init circlet.dev/argo-peer >/dev/null
    go get "github.com/argoproj/argo-workflows/v4@$ARGO_VERSION"
    nice go build -o "$BIN.tmp" github.com/argoproj/argo-workflows/v4/cmd/workflow-controller
    mv "$BIN.tmp" "$BIN"
    echo "$ARGO_VERSION" > "$BASE/bin/.workflow-controller.version"
  )
}

# The CRDs ship inside the module.
argo_crds() {
  local dir
  dir="$(cd "$BASE/src" && GOFLAGS=-mod=mod GOTOOLCHAIN=local go list -m -f '{{.Dir}}' "github.com/argoproj/argo-workflows/v4")"
  echo "$dir/manifests/base/crds/full"
}

build_argo
[[ "${1:-}" == "--build-only" ]] && exit 0
CRDS="$(argo_crds)"

MVN_OPTS=(-B -q)
[[ "${CIRCLET_MAVEN_OFFLINE:-1}" == 1 ]] && MVN_OPTS+=(-o)
mvn "${MVN_OPTS[@]}" -pl operator -am test-compile
cp_file="$(mktemp)"
trap 'rm -f "$cp_file"' EXIT
mvn "${MVN_OPTS[@]}" -pl operator dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null
CP="operator/target/test-classes:operator/target/classes:config/target/classes:api/target/classes:kube-test/target/classes:$(cat "$cp_file")"
exec "$JAVA_HOME/bin/java" -Xmx1g -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -cp "$CP" dev.circlet.operator.bench.PeerBenchmark --argo "$BIN" --argo-crds "$CRDS" "$@"
