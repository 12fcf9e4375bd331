#!/usr/bin/env bash
# Builds (once) the binaries of a real, local Kubernetes control plane for Circlet's
# integration tests: kube-apiserver, kube-controller-manager, kube-scheduler (from
# k8s.io/kubernetes), etcd (go.etcd.io/etcd/server/v3) and kwok (sigs.k8s.io/kwok).
#
# Everything is built from Go modules (the Go module proxy), with CGO disabled, into
#   ${CIRCLET_KUBE_CACHE:-$HOME/.cache/circlet/kube}/<k8s-version>/bin/
# which lies outside the work tree. When every binary is already there the script
# only says so and exits. It is idempotent and safe to re-run after an interruption:
# each stage builds into a temporary directory and moves the results into place last.
#
# Usage: hack/kube-binaries.sh [--print-bin-dir]
#   --print-bin-dir   print only the bin directory on stdout (progress goes to stderr)
set -euo pipefail

KUBE_VERSION="${CIRCLET_KUBE_VERSION:-v1.34.4}"   # k8s.io/kubernetes
ETCD_VERSION="${CIRCLET_ETCD_VERSION:-v3.6.4}"    # go.etcd.io/etcd/server/v3 (what k8s v1.34.4 pins)
KWOK_VERSION="${CIRCLET_KWOK_VERSION:-v0.7.0}"    # sigs.k8s.io/kwok

CACHE_ROOT="${CIRCLET_KUBE_CACHE:-$HOME/.cache/circlet/kube}"
BASE="$CACHE_ROOT/$KUBE_VERSION"
BIN="$BASE/bin"
KUBE_BINS=(kube-apiserver kube-controller-manager kube-scheduler)
ALL_BINS=("${KUBE_BINS[@]}" etcd kwok)

PRINT_BIN_DIR=false
[[ "${1:-}" == "--print-bin-dir" ]] && PRINT_BIN_DIR=true

log() { echo "[kube-binaries] $*" >&2; }
want_version() {
  case "$1" in
    etcd) echo "$ETCD_VERSION" ;;
    kwok) echo "$KWOK_VERSION" ;;
    *) echo "$KUBE_VERSION" ;;
  esac
}
# present, executable, and built at the wanted version (stamp file .<name>.version)
done_bin() { [[ -x "$BIN/$1" && "$(cat "$BIN/.$1.version" 2>/dev/null)" == "$(want_version "$1")" ]]; }
reuse_if_complete() {
  missing=()
  for b in "${ALL_BINS[@]}"; do done_bin "$b" || missing+=("$b"); done
  if [[ ${#missing[@]} -eq 0 ]]; then
    log "all binaries present in $BIN (k8s $KUBE_VERSION, etcd $ETCD_VERSION, kwok $KWOK_VERSION): reusing them"
    if $PRINT_BIN_DIR; then echo "$BIN"; fi
    exit 0
  fi
}
reuse_if_complete

if ! command -v go >/dev/null; then
  for d in /usr/local/go/bin /usr/lib/go/bin; do [[ -x "$d/go" ]] && PATH="$d:$PATH" && break; done
fi
command -v go >/dev/null || { log "go is not on PATH (Go >= 1.24 is needed to build the binaries)"; exit 1; }
export CGO_ENABLED=0
export GOFLAGS="-buildvcs=false -mod=mod"
# Never try to fetch another Go toolchain: build with the installed one.
export GOTOOLCHAIN=local
mkdir -p "$BIN" "$BASE/src"

# Only one build at a time per cache dir (CI and a developer's run may overlap).
exec 9>"$BASE/.lock"
if command -v flock >/dev/null; then flock 9; fi
reuse_if_complete   # another run may have finished them while we waited
log "missing in $BIN: ${missing[*]}"
# leftovers of an interrupted run
rm -rf "$BASE"/tmp.* "$BIN"/*.partial

now() { date +%s; }
T_ALL=$(now)
stage_start() { STAGE="$1"; T0=$(now); log "stage '$STAGE' ..."; }
stage_end() { log "stage '$STAGE' done in $(( $(now) - T0 ))s"; }

# A throwaway module in $BASE/src/<name>; builds into a temp dir, then moves into $BIN.
new_module() {  # name go-version
  local dir="$BASE/src/$1"
  rm -rf "$dir"; mkdir -p "$dir"
  printf 'module circlet.dev/kube-binaries/%s\n\ngo %s\n' "$1" "$2" > "$dir/go.mod"
  echo "$dir"
}
install_from() {  # tmpdir name...
  local tmp="$1"; shift
  for b in "$@"; do
    [[ -x "$tmp/$b" ]] || { log "build produced no $b"; exit 1; }
    mv -f "$tmp/$b" "$BIN/$b.partial" && mv -f "$BIN/$b.partial" "$BIN/$b"
    want_version "$b" > "$BIN/.$b.version"
  done
}

# ---------------------------------------------------------------- kube binaries
need_kube=false
for b in "${KUBE_BINS[@]}"; do done_bin "$b" || need_kube=true; done
if $need_kube; then
  stage_start "resolve k8s.io/kubernetes $KUBE_VERSION"
  dir=$(new_module kubernetes 1.24.0)
  gomod=$(cd "$dir" && go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')
  [[ -f "$gomod" ]] || { log "could not download k8s.io/kubernetes@$KUBE_VERSION"; exit 1; }
  staging_version="v0.${KUBE_VERSION#v1.}"
  {
    echo
    echo "godebug default=go1.24"
    echo
    echo "require k8s.io/kubernetes $KUBE_VERSION"
    echo
    echo "replace ("
    # every staging module: 'k8s.io/foo => ./staging/src/k8s.io/foo' in kubernetes' go.mod
    sed -n 's#^[[:space:]]*\(k8s\.io/[^ ]*\) => \./staging/src/.*#\1#p' "$gomod" | sort -u |
      while read -r m; do echo "	$m => $m $staging_version"; done
    echo ")"
  } >> "$dir/go.mod"
  log "$(grep -c ' => ' "$dir/go.mod") staging modules replaced with $staging_version"
  pkgs=()
  for b in "${KUBE_BINS[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$b"); done
  (cd "$dir" && go get "${pkgs[@]/%/@$KUBE_VERSION}" >/dev/null 2>"$dir/go-get.log") ||
    { cat "$dir/go-get.log" >&2; exit 1; }
  stage_end

  stage_start "build ${KUBE_BINS[*]}"
  tmp=$(mktemp -d "$BASE/tmp.XXXXXX")
  ver="k8s.io/component-base/version"
  cver="k8s.io/client-go/pkg/version"
  minor="${KUBE_VERSION#v1.}"; minor="${minor%%.*}"
  ldflags="-s -w"
  for p in "$ver" "$cver"; do
    ldflags+=" -X $p.gitVersion=$KUBE_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
    ldflags+=" -X $p.buildDate=1970-01-01T00:00:00Z"
  done
  (cd "$dir" && go build -trimpath -ldflags "$ldflags" -o "$tmp/" "${pkgs[@]}")
  install_from "$tmp" "${KUBE_BINS[@]}"
  rm -rf "$tmp"
  stage_end
fi

# ---------------------------------------------------------------- etcd
if ! done_bin etcd; then
  stage_start "build etcd $ETCD_VERSION"
  dir=$(new_module etcd 1.24.0)
  gomod=$(cd "$dir" && go mod download -json "go.etcd.io/etcd/server/v3@$ETCD_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')
  # etcd's server module replaces its sibling modules with relative paths: pin them instead.
  {
    echo
    echo "require go.etcd.io/etcd/server/v3 $ETCD_VERSION"
    echo "replace ("
    sed -n 's#^[[:space:]]*\(go\.etcd\.io/etcd/[^ ]*\) => \.\./.*#\1#p' "$gomod" | sort -u |
      while read -r m; do echo "	$m => $m $ETCD_VERSION"; done
    echo ")"
  } >> "$dir/go.mod"
  (cd "$dir" && go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" >/dev/null 2>"$dir/go-get.log") ||
    { cat "$dir/go-get.log" >&2; exit 1; }
  tmp=$(mktemp -d "$BASE/tmp.XXXXXX")
  (cd "$dir" && go build -trimpath -ldflags "-s -w" -o "$tmp/etcd" go.etcd.io/etcd/server/v3)
  install_from "$tmp" etcd
  rm -rf "$tmp"
  stage_end
fi

# ---------------------------------------------------------------- kwok
if ! done_bin kwok; then
  stage_start "build kwok $KWOK_VERSION"
  dir=$(new_module kwok 1.24.0)
  echo "require sigs.k8s.io/kwok $KWOK_VERSION" >> "$dir/go.mod"
  (cd "$dir" && go get "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION" >/dev/null 2>"$dir/go-get.log") ||
    { cat "$dir/go-get.log" >&2; exit 1; }
  tmp=$(mktemp -d "$BASE/tmp.XXXXXX")
  (cd "$dir" && go build -trimpath -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION#v}" -o "$tmp/kwok" sigs.k8s.io/kwok/cmd/kwok)
  install_from "$tmp" kwok
  rm -rf "$tmp"
  stage_end
fi

cat > "$BIN/VERSIONS" <<EOF
kubernetes=$KUBE_VERSION
etcd=$ETCD_VERSION
kwok=$KWOK_VERSION
go=$(go env GOVERSION)
EOF
log "all binaries built into $BIN in $(( $(now) - T_ALL ))s"
$PRINT_BIN_DIR && echo "$BIN"
exit 0
