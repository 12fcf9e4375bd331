#!/usr/bin/env bash
# Starts the output processor's backing services for local development and tests:
# Redis from Debian's packages as the durable hot buffer (append-only file, fsync on every write).
# S3-compatible storage is S3Proxy, which the tests start in-process; for a local gateway run
# S3Proxy's jar or any S3-compatible server and point circlet.storage.endpoint at it.
set -euo pipefail

dir="${CIRCLET_REDIS_DIR:-${TMPDIR:-/tmp}/circlet-redis}"
port="${CIRCLET_REDIS_PORT:-6379}"

if ! command -v redis-server >/dev/null 2>&1; then
  echo "circlet: installing redis-server" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
fi

case "${1:-start}" in
  start)
    mkdir -p "$dir"
    redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --appendonly yes --appendfsync always \
      --save "" --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
    echo "redis://127.0.0.1:$port (data in $dir)"
    ;;
  stop)
    if [ -f "$dir/redis.pid" ]; then
      kill "$(cat "$dir/redis.pid")"
    fi
    ;;
  *)
    echo "usage: $0 [start|stop]" >&2
    exit 2
    ;;
esac
