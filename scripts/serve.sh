#!/usr/bin/env bash
# `make serve`: the demo warehouse (demo-data/, written with pyiceberg when missing or of another scale), an
# emulator with the generated schema, then `icegraph serve` on SERVE_HOST:SERVE_PORT (127.0.0.1:8000) in the
# foreground. Ctrl-C stops both. Set ICEGRAPH_SERVICE_TOKEN to require a bearer token (else, on loopback, the
# service runs open and says so).
# Scale: DEMO_USERS (100000), DEMO_PRODUCTS (10000), DEMO_PURCHASES (1000000). Emulator port: DEMO_PORT (14240).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${ICEGRAPH_BIN:-$root/build/release/bin/icegraph}
py=${PY:-$root/.venv/bin/python}
port=${DEMO_PORT:-14240}
host=${SERVE_HOST:-127.0.0.1}
serve_port=${SERVE_PORT:-8000}
users=${DEMO_USERS:-100000}
products=${DEMO_PRODUCTS:-10000}
purchases=${DEMO_PURCHASES:-1000000}
url="http://127.0.0.1:$port"
data="$root/demo-data"
wh="$data/warehouse"
stamp="$wh/.scale-$users-$products-$purchases"
mkdir -p "$data"

if [[ ! -f "$stamp" ]]; then
  echo "== writing the Iceberg warehouse with pyiceberg: $users users, $products products, $purchases purchases"
  rm -rf "$wh"
  "$py" "$root/scripts/make_demo_warehouse.py" --dir "$wh" --users "$users" --products "$products" \
    --purchases "$purchases" >/dev/null
  touch "$stamp"
else
  echo "== reusing the Iceberg warehouse in $wh (delete demo-data/ to write it anew)"
fi

"$bin" emulator --host 127.0.0.1 --port "$port" --username tigergraph --password tigergraph \
  > "$data/emulator.log" 2>&1 &
emu=$!
trap 'kill $emu 2>/dev/null; wait $emu 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "$url/api/ping" >/dev/null && break; sleep 0.1; done
curl -sf "$url/api/ping" >/dev/null || { echo "the emulator did not start: see $data/emulator.log" >&2; exit 1; }
echo "== emulator up at $url"

export ICEGRAPH_CONFIG="$data/serve.yaml"
export ICEGRAPH_CATALOG_URI="sqlite:///$wh/catalog.db" ICEGRAPH_WAREHOUSE="file://$wh" TG_PASSWORD=tigergraph
# The emulator keeps nothing across runs, so the state (checkpoints) starts afresh too.
sed -e "s|^  urls: .*|  urls: [$url]|" -e "s|^# state: .*|state: {url: \"sqlite:///$data/serve-state.db\"}|" \
  "$root/examples/ecommerce/icegraph.yaml" > "$ICEGRAPH_CONFIG"
rm -f "$data/serve-state.db"*
"$bin" --log-level warn schema --apply >/dev/null
echo "== schema applied; dashboard at http://$host:$serve_port/ (Ctrl-C stops)"
"$bin" serve --host "$host" --port "$serve_port"
