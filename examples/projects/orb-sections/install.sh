#!/bin/sh
# Stands in for a package manager: "installs" the locked dependencies into vendor/.
set -e
case "${1:-}" in
  --verbose) mode=verbose ;;
  --quiet) mode=quiet ;;
  *) echo "install.sh: expected --verbose or --quiet, got '${1:-}'" >&2; exit 2 ;;
esac
if [ -f vendor/installed.txt ]; then
  echo "install.sh ($mode): dependencies already in vendor/ (restored from the cache)"
  exit 0
fi
mkdir -p vendor
cat deps/*.lock > vendor/installed.txt
[ "$mode" = verbose ] && sed 's/^/  installed /' vendor/installed.txt
echo "install.sh ($mode): installed $(wc -l < vendor/installed.txt) dependencies into vendor/"
