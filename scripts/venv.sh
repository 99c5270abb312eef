#!/usr/bin/env bash
# Creates .venv with the pinned Python packages (pyarrow ships the Arrow C++ headers and libraries we link).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/.venv"
stamp="$venv/.requirements.sha"
want=$(sha256sum "$root/requirements.txt" | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check -r "$root/requirements.txt"
# The wheel ships libarrow.so.NNNN only; the linker wants libarrow.so.
"$venv/bin/python" -c "import pyarrow; pyarrow.create_library_symlinks()"
echo "$want" > "$stamp"
echo "venv: ready at $venv"
