#!/usr/bin/env bash
# Makes sure the services the gateway and output processor tests start on loopback are installed:
# PostgreSQL 15, RabbitMQ and Redis from Debian's packages, and the command-line tools tests run in
# jobs (curl, jq: the continuation orb's and `circlet run`'s setup tests). `hack/services.sh tools`
# checks only the tools. Installs only what is missing; quiet when everything is there.
# The tests start their own throwaway instances (api-gateway/src/test/.../services), never the
# system services, so nothing here starts or enables a daemon.
set -euo pipefail

need=()
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v jq >/dev/null 2>&1 || need+=(jq)
if [ "${1:-}" != tools ]; then
  [ -x /usr/lib/postgresql/15/bin/postgres ] || need+=(postgresql-15)
  [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || need+=(rabbitmq-server)
  command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
fi
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo_cmd=(sudo)
  else
    echo "circlet: ${need[*]} missing and not root; install them or run as root" >&2
    exit 1
  fi
else
  sudo_cmd=()
fi
echo "circlet: installing ${need[*]}" >&2
# policy-rc.d 101 keeps the packages' postinst from starting the system-wide daemons.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | "${sudo_cmd[@]}" tee "$policy" >/dev/null
  "${sudo_cmd[@]}" chmod +x "$policy"
  created_policy=1
fi
trap '[ "$created_policy" = 1 ] && "${sudo_cmd[@]}" rm -f "$policy"' EXIT
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
