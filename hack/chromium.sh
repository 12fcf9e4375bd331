#!/usr/bin/env bash
# Makes sure Debian's chromium is installed for the web UI's browser tests (driven by playwright-core,
# which never downloads a browser of its own). Installs only when missing; quiet otherwise.
set -euo pipefail

command -v chromium >/dev/null 2>&1 && exit 0

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo_cmd=(sudo)
  else
    echo "circlet: chromium missing and not root; install Debian's chromium package or run as root" >&2
    exit 1
  fi
else
  sudo_cmd=()
fi
echo "circlet: installing chromium" >&2
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends chromium >/dev/null
