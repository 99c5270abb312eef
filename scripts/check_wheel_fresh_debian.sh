#!/usr/bin/env bash
# The wheel on a machine that has nothing but Debian 12's minimal base system, python3 and python3-venv (no -dev
# package, no curl, avro, yaml-cpp, libpq...): a `debootstrap --variant=minbase` root (kept in build/fresh-debian),
# a new venv inside it, `pip install` of dist/icegraph-*.whl, then `icegraph --version`, ldd (every library from the
# wheel, pyarrow, or libc6/libstdc++6/libgcc-s1/zlib1g), the emulator, `schema --apply`, and a full and an
# incremental sync plus validate through the Python API. Needs root (chroot, mounts) and Debian's mirror.
# pyarrow's wheel is downloaded on the host and installed from a local directory, so the chroot needs no PyPI access.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
PY=${PY:-$root/.venv/bin/python}
wheel=$(ls "$root"/dist/icegraph-*.whl)
rootfs="$root/build/fresh-debian"
if [ ! -x "$rootfs/usr/bin/python3" ]; then
  command -v debootstrap >/dev/null || apt-get install -y -q debootstrap
  rm -rf "$rootfs"
  debootstrap --variant=minbase --include=python3,python3-venv bookworm "$rootfs" http://deb.debian.org/debian >&2
fi
work=$(mktemp -d /tmp/icegraph-fresh-XXXXXX)  # the same absolute path inside the chroot holds the warehouse
mkdir -p "$rootfs$work"
cleanup() {
  if [ -f "$rootfs$work/emu.pid" ]; then
    pid=$(cat "$rootfs$work/emu.pid")
    kill "$pid" 2>/dev/null || true
    # The emulator holds /dev/null open until it has exited; only then can /dev be unmounted.
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  umount "$rootfs/proc" || umount -l "$rootfs/proc" || true
  umount "$rootfs/dev" || umount -l "$rootfs/dev" || true
  rm -rf "$work" "$rootfs$work"
}
trap cleanup EXIT
mount -t proc proc "$rootfs/proc"
mount --bind /dev "$rootfs/dev"

mkdir -p "$rootfs$work/wheels"
cp "$wheel" "$rootfs$work/wheels/"
"$PY" -m pip download -q --no-deps --only-binary=:all: --python-version 3.11 --platform manylinux_2_28_x86_64 \
  -d "$rootfs$work/wheels" pyarrow==26.0.1
port=$("$PY" -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
# The warehouse is written on the host with pyiceberg (the icegraph under test never comes from the host).
"$PY" "$root/scripts/fresh_debian_warehouse.py" "$work" "$port" create
cp -r "$work"/. "$rootfs$work/"

in_chroot() {
  chroot "$rootfs" /usr/bin/env -i HOME=/root PATH=/opt/icegraph/bin:/usr/bin:/bin TG_PASSWORD=tigergraph \
    /bin/bash -c "cd $work && $1"
}
rm -rf "$rootfs/opt/icegraph"
in_chroot "python3 -m venv /opt/icegraph && /opt/icegraph/bin/pip install -q --disable-pip-version-check \
  --no-index --find-links wheels wheels/$(basename "$wheel")"
in_chroot "icegraph --version"
in_chroot "ldd /opt/icegraph/lib/python3.*/site-packages/icegraph/bin/icegraph" > "$work/ldd.txt"
if grep -q "not found" "$work/ldd.txt"; then cat "$work/ldd.txt"; echo "FAIL: unresolved libraries"; exit 1; fi
system=$(grep "=> /" "$work/ldd.txt" | grep -v -e icegraph.libs -e /pyarrow/ | awk '{print $3}')
owners=$(for lib in $system; do in_chroot "dpkg -S $lib 2>/dev/null || dpkg -S /usr$lib" | cut -d: -f1; done | sort -u)
echo "system packages the binary uses: $(echo $owners)"
for pkg in $owners; do
  case $pkg in libc6 | libstdc++6 | libgcc-s1 | zlib1g) ;; *) echo "FAIL: needs $pkg"; exit 1 ;; esac
done

in_chroot "(icegraph emulator --port $port > emu.log 2>&1 & echo \$! > emu.pid); sleep 1; icegraph schema --apply >/dev/null"
in_chroot "python -c 'import icegraph; r = icegraph.sync(\"icegraph.yaml\"); print(r.outcome, [(t.table, t.mode, t.rows_read) for t in r.tables])'"
"$PY" "$root/scripts/fresh_debian_warehouse.py" "$work" "$port" append  # on the host copy, then copied in
cp -r "$work"/. "$rootfs$work/"
in_chroot "python -c '
import icegraph
r = icegraph.sync(\"icegraph.yaml\")
v = icegraph.validate(\"icegraph.yaml\")
modes = {t.table: t.mode for t in r.tables}
print(r.outcome, modes, \"validate ok:\", v.ok)
assert r.succeeded and modes[\"social.follows\"] == \"incremental\" and v.ok
'"
echo "fresh Debian 12 (minbase): the wheel installs and syncs"
