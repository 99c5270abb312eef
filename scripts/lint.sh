#!/usr/bin/env bash
# clang-format (no changes allowed) over every C++ file, then clang-tidy over the project's translation units.
# Usage: lint.sh                 clang-tidy over every src/*.cc (`make lint`, ~45 min on 2 cores)
#        lint.sh --since COMMIT  clang-tidy over the translation units a change since COMMIT can affect: each
#                                changed .cc, and each .cc whose compiled dependencies (build/release's Ninja deps
#                                log) include a changed header (`make lint-changed`, in `make test`)
# `.lint-base` names the last commit whose whole tree `make lint` found clean; CI lints what changed since.
set -euo pipefail
cd "$(dirname "$0")/.."
since=""
if [ "${1:-}" = "--since" ]; then
  since=${2:?"--since needs a commit"}
fi
mapfile -t files < <(git ls-files '*.cc' '*.h')
clang-format --dry-run -Werror "${files[@]}"
echo "lint: clang-format clean (${#files[@]} files)"

mapfile -t all_ccs < <(git ls-files 'src/*.cc')
if [ -n "$since" ]; then
  if ! git rev-parse --verify -q "$since^{commit}" >/dev/null; then
    echo "lint: commit '$since' is not in this clone (shallow?): clang-tidy over every file" >&2
    since=""
  fi
fi
if [ -z "$since" ]; then
  ccs=("${all_ccs[@]}")
else
  mapfile -t changed < <(git diff --name-only "$since" -- 'src/*.cc' 'src/*.h' .clang-tidy)
  if printf '%s\n' "${changed[@]}" | grep -qx '.clang-tidy'; then
    ccs=("${all_ccs[@]}")  # new checks apply to every file
  else
    # Ninja lists headers as build/release/src/layers/<stage>/<stage>/x.h (symlinks to src/<stage>/x.h).
    mapfile -t ccs < <(ninja -C build/release -t deps | python3 -c '
import re, sys
changed = set(sys.argv[1:])
tus, deps = set(), []
def flush():
    src = next((d for d in deps if d.startswith("../../src/") and d.endswith(".cc")), None)
    if src is None:
        return
    src = src[len("../../"):]
    norm = {re.sub(r"^src/layers/([^/]+)/\1/", r"src/\1/", d.removeprefix("../../")) for d in deps}
    if src in changed or norm & changed:
        tus.add(src)
for line in sys.stdin:
    if line.startswith("    "):
        deps.append(line.strip())
    elif line.strip():
        flush()
        deps = []
flush()
print("\n".join(sorted(t for t in tus if t.endswith(".cc"))))
' "${changed[@]}")
    # A .cc no build target compiles (none today) would be missed by the deps log: lint changed ones directly.
    for f in "${changed[@]}"; do
      case "$f" in *.cc) [ -f "$f" ] && ccs+=("$f") ;; esac
    done
    mapfile -t ccs < <(printf '%s\n' "${ccs[@]}" | sed '/^$/d' | sort -u)
  fi
  echo "lint: ${#changed[@]} files changed since $(git rev-parse --short "$since"): ${#ccs[@]} translation units to check"
fi
if [ -n "${LINT_LIST:-}" ]; then printf '%s\n' "${ccs[@]}"; exit 0; fi  # LINT_LIST=1: name the units, check none
if [ ${#ccs[@]} -gt 0 ]; then
  # The wheel's Arrow headers are system includes, so their warnings stay out of our report.
  printf '%s\n' "${ccs[@]}" | xargs -P "$(nproc)" -n 4 clang-tidy -p build/release --quiet 2>/dev/null
fi
echo "lint: clang-tidy clean (${#ccs[@]} files)"
