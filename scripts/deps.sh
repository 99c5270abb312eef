#!/usr/bin/env bash
# Installs the Debian packages icegraph needs that are missing: with apt-get when root, else prints the command.
# Usage: deps.sh [package-list-file]   (default scripts/debian-packages.txt; `make fuzz` passes debian-packages-fuzz.txt)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
list=${1:-"$here/debian-packages.txt"}
mapfile -t wanted < <(grep -v '^\s*#' "$list" | sed '/^\s*$/d')
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#wanted[@]} Debian packages present"
  exit 0
fi
cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  echo "deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "deps: missing Debian packages; run as root:" >&2
  echo "  sudo apt-get update && sudo $cmd" >&2
  exit 1
fi
