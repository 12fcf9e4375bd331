#!/usr/bin/env bash
# Builds (once) the Helm CLI that Circlet's chart tests use, from its Go module
# helm.sh/helm/v3 (the Go module proxy), with CGO disabled, into
#   ${CIRCLET_HELM_CACHE:-$HOME/.cache/circlet/helm}/<version>/bin/helm
# which lies outside the work tree. When the binary is already there at the wanted
# version (stamp file bin/.helm.version) the script only says so and exits. It is
# idempotent and safe to re-run after an interruption: the build goes into a
# temporary directory and the binary is moved into place last.
#
# Usage: hack/helm-binary.sh [--print-bin-dir]
#   --print-bin-dir   print only the bin directory on stdout (progress goes to stderr)
set -euo pipefail

HELM_VERSION="${CIRCLET_HELM_VERSION:-v3.22.0}"   # helm.sh/helm/v3
# What bin/.helm.version holds: the version and the revision of this script's build flags
# (bumped when they change, so an older build is replaced).
STAMP="$HELM_VERSION build-2"

CACHE_ROOT="${CIRCLET_HELM_CACHE:-$HOME/.cache/circlet/helm}"
BASE="$CACHE_ROOT/$HELM_VERSION"
BIN="$BASE/bin"

PRINT_BIN_DIR=false
[[ "${1:-}" == "--print-bin-dir" ]] && PRINT_BIN_DIR=true

log() { echo "[helm-binary] $*" >&2; }
# present, executable, and built at the wanted version
done_bin() { [[ -x "$BIN/helm" && "$(cat "$BIN/.helm.version" 2>/dev/null)" == "$STAMP" ]]; }
reuse_if_done() {
  if done_bin; then
    log "helm $HELM_VERSION present in $BIN: reusing it"
    if $PRINT_BIN_DIR; then echo "$BIN"; fi
    exit 0
  fi
}
reuse_if_done

if ! command -v go >/dev/null; then
  for d in /usr/local/go/bin /usr/lib/go/bin; do [[ -x "$d/go" ]] && PATH="$d:$PATH" && break; done
fi
command -v go >/dev/null || { log "go is not on PATH (Helm $HELM_VERSION needs the Go version its go.mod names)"; exit 1; }
export CGO_ENABLED=0
export GOFLAGS="-buildvcs=false -mod=mod"
# Never try to fetch another Go toolchain: build with the installed one.
export GOTOOLCHAIN=local
mkdir -p "$BIN"

# Only one build at a time per cache dir (CI and a developer's run may overlap).
exec 9>"$BASE/.lock"
if command -v flock >/dev/null; then flock 9; fi
reuse_if_done   # another run may have finished it while we waited
rm -rf "$BASE"/tmp.* "$BIN"/*.partial   # leftovers of an interrupted run

T0=$(date +%s)
log "building helm.sh/helm/v3/cmd/helm@$HELM_VERSION with $(go env GOVERSION) ..."
tmp=$(mktemp -d "$BASE/tmp.XXXXXX")
# Helm's default Kubernetes version (for .Capabilities and the chart's kubeVersion check in
# 'helm template' and 'helm lint') is 1.20 unless the build sets it; Helm's Makefile derives it
# from the client-go it pins (v0.N.x -> 1.N). Do the same from the module's go.mod.
gomod=$(cd "$tmp" && go mod download -json "helm.sh/helm/v3@$HELM_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')
[[ -f "$gomod" ]] || { log "could not download helm.sh/helm/v3@$HELM_VERSION"; exit 1; }
kube_minor=$(sed -n 's/^[[:space:]]*k8s\.io\/client-go v0\.\([0-9]*\)\..*/\1/p' "$gomod" | head -n 1)
[[ -n "$kube_minor" ]] || { log "no k8s.io/client-go in $gomod"; exit 1; }
# helm.sh/helm/v3 has no replace directives, so 'go install pkg@version' builds it
# exactly as its go.mod pins it; the flags are those of Helm's own Makefile.
ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
ldflags+=" -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
for p in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
  ldflags+=" -X $p.k8sVersionMajor=1 -X $p.k8sVersionMinor=$kube_minor"
done
GOBIN="$tmp" go install -trimpath -ldflags "$ldflags" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
[[ -x "$tmp/helm" ]] || { log "build produced no helm"; exit 1; }
mv -f "$tmp/helm" "$BIN/helm.partial" && mv -f "$BIN/helm.partial" "$BIN/helm"
echo "$STAMP" > "$BIN/.helm.version"
rm -rf "$tmp"
"$BIN/helm" version --short >&2
log "helm $HELM_VERSION (default Kubernetes 1.$kube_minor) built into $BIN in $(( $(date +%s) - T0 ))s"
$PRINT_BIN_DIR && echo "$BIN"
exit 0
