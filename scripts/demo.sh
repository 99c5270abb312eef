#!/usr/bin/env bash
# `make demo`: writes the e-commerce Iceberg warehouse with pyiceberg (demo-data/, reused while its scale is
# unchanged), starts the emulator, applies the generated schema, runs a full sync, appends purchases and syncs
# again, then prints what the graph holds. Stops the emulator on exit.
# Scale: DEMO_USERS (100000), DEMO_PRODUCTS (10000), DEMO_PURCHASES (1000000).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${ICEGRAPH_BIN:-$root/build/release/bin/icegraph}
py=${PY:-$root/.venv/bin/python}
port=${DEMO_PORT:-14240}
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
echo "== emulator up at $url"

export ICEGRAPH_CONFIG="$data/icegraph.yaml"
export ICEGRAPH_CATALOG_URI="sqlite:///$wh/catalog.db" ICEGRAPH_WAREHOUSE="file://$wh" TG_PASSWORD=tigergraph
sed -e "s|^  urls: .*|  urls: [$url]|" -e "s|^# state: .*|state: {url: \"sqlite:///$data/state.db\"}|" \
  "$root/examples/ecommerce/icegraph.yaml" > "$ICEGRAPH_CONFIG"
rm -f "$data/state.db"*

echo "== icegraph schema --apply (GSQL generated from examples/ecommerce/icegraph.yaml and the Iceberg schemas)"
"$bin" --log-level warn schema --apply | sed 's/^/   /'
echo "== icegraph plan"
"$bin" --log-level warn plan | sed 's/^/   /'
echo "== icegraph sync --full"
"$bin" --log-level warn sync --full | sed 's/^/   /'

echo "== appending 1000 purchases to shop.purchases with pyiceberg, then icegraph sync"
"$py" "$root/scripts/make_demo_warehouse.py" --dir "$wh" --users "$users" --products "$products" \
  --append-purchases 1000 >/dev/null
"$bin" --log-level warn sync | sed 's/^/   /'

echo "== what the graph holds (read back through REST++)"
token=$(curl -sf -u tigergraph:tigergraph -X POST "$url/gsql/v1/tokens" -d '{"graph":"shop"}' |
  "$py" -c 'import json,sys; print(json.load(sys.stdin)["token"])')
H=(-H "Authorization: Bearer $token")
echo "   vertices: $(curl -sf "${H[@]}" -X POST "$url/restpp/builtins/shop" -d '{"function":"stat_vertex_number","type":"*"}' |
  "$py" -c 'import json,sys; print({r["v_type"]: r["count"] for r in json.load(sys.stdin)["results"]})')"
echo "   edges:    $(curl -sf "${H[@]}" -X POST "$url/restpp/builtins/shop" -d '{"function":"stat_edge_number","type":"*"}' |
  "$py" -c 'import json,sys; print({r["e_type"]: r["count"] for r in json.load(sys.stdin)["results"]})')"
echo "   user u42:"
curl -sf "${H[@]}" "$url/restpp/graph/shop/vertices/User/u42" |
  "$py" -c 'import json,sys; [print("     ", v["attributes"]) for v in json.load(sys.stdin)["results"]]'
echo "   purchases of u42:"
curl -sf "${H[@]}" "$url/restpp/graph/shop/edges/User/u42/PURCHASED" | "$py" -c '
import json,sys
for e in sorted(json.load(sys.stdin)["results"], key=lambda e: e["attributes"]["purchase_id"]):
    a = e["attributes"]
    print("      %s -> %s  %s x%d  %.2f  at %s" % (e["from_id"], e["to_id"], a["purchase_id"], a["quantity"], a["amount"], a["purchased_at"]))'
echo "   dead letters: $("$bin" --log-level warn dead-letters --export jsonl | wc -l)"
echo "== demo done (config: $ICEGRAPH_CONFIG, state: $data/state.db)"
