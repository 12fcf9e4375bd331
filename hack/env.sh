# Sourced by Circlet's scripts: picks a JDK >= 21 and makes sure Maven and git are present.
# shellcheck shell=bash

circlet_java_ok() {
  local v
  v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
  [ -n "$v" ] && [ "${v%%.*}" -ge 21 ] 2>/dev/null
}

if [ -z "${JAVA_HOME:-}" ] || ! circlet_java_ok "$JAVA_HOME"; then
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-21-jdk-amd64 /usr/lib/jvm/*; do
    if [ -x "$candidate/bin/java" ] && circlet_java_ok "$candidate"; then
      export JAVA_HOME="$candidate"
      break
    fi
  done
fi
if [ -z "${JAVA_HOME:-}" ] || ! circlet_java_ok "$JAVA_HOME"; then
  echo "circlet: a JDK 21 or newer is needed (set JAVA_HOME)" >&2
  exit 1
fi
export PATH="$JAVA_HOME/bin:$PATH"

circlet_need_packages=()
command -v mvn >/dev/null 2>&1 || circlet_need_packages+=(maven)
command -v git >/dev/null 2>&1 || circlet_need_packages+=(git)
if [ ${#circlet_need_packages[@]} -gt 0 ]; then
  echo "circlet: installing ${circlet_need_packages[*]}" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${circlet_need_packages[@]}" >/dev/null
fi
unset circlet_need_packages
