#!/usr/bin/env bash
# Install the Debian packages listed in the given lists (scripts/debian-*.txt) that are missing.
# Used by `make demo`, `make test` and .ci/run. Without root or apt-get it only says what is missing.
# Usage: scripts/install-debian-packages.sh runtime [test]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
wanted=()
for list in "$@"; do
  mapfile -t -O "${#wanted[@]}" wanted < <(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^[[:space:]]*$/d' "$here/debian-$list.txt")
done
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Missing Debian packages (install them as root): ${missing[*]}" >&2
  exit 1
fi
