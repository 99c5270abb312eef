#!/usr/bin/env bash
# `make demo`: starts the emulator, creates the e-commerce schema and loading job, loads a few records through
# the loading-job endpoint and REST++, and prints what is in the graph. Stops the emulator on exit.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${ICEGRAPH_BIN:-$root/build/release/bin/icegraph}
port=${DEMO_PORT:-14240}
url="http://127.0.0.1:$port"
auth="tigergraph:tigergraph"
work=$(mktemp -d)
"$bin" emulator --host 127.0.0.1 --port "$port" --graph ecommerce --schema "$root/examples/ecommerce/schema.gsql" \
  > "$work/emulator.log" 2>&1 &
emu=$!
trap 'kill $emu 2>/dev/null; wait $emu 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do curl -sf "$url/api/ping" >/dev/null && break; sleep 0.1; done
echo "== emulator up at $url (schema from examples/ecommerce/schema.gsql)"

token=$(curl -sf -u "$auth" -X POST "$url/gsql/v1/tokens" -d '{"graph":"ecommerce"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
H=(-H "Authorization: Bearer $token")
echo "== got a REST++ token"

cat > "$work/users.csv" <<'CSV'
id,name,email,updated_at
u1,"Doe, Jane",jane@example.com,2026-01-20 10:00:00
u2,John Roe,john@example.com,2026-01-21 10:00:00
CSV
cat > "$work/products.csv" <<'CSV'
id,name,price,updated_at
p1,Lamp,25.0,2026-01-21 09:00:00
p2,"Desk, Pro",199.5,2026-01-23 09:00:00
CSV
cat > "$work/purchases.csv" <<'CSV'
user_id,product_id,amount,ordered_at,updated_at
u1,p1,25.0,2026-01-20 11:00:00,2026-01-20 11:00:00
u2,p2,199.5,2026-01-21 11:00:00,2026-01-21 11:00:00
CSV
for f in users products purchases; do
  stats=$(curl -sf "${H[@]}" -X POST --data-binary "@$work/$f.csv" \
    "$url/restpp/ddl/ecommerce?tag=load_ecommerce&filename=$f&sep=,&eol=%0A")
  echo "== loading job, $f: $(echo "$stats" | python3 -c 'import json,sys; s=json.load(sys.stdin)["results"][0]["statistics"]; print("validLine=%d rejectLine=%d" % (s["validLine"], s["rejectLine"]))')"
done
up=$(curl -sf "${H[@]}" -X POST "$url/restpp/graph/ecommerce" -d '{"vertices":{"User":{"u3":{"name":{"value":"Ann Lee"},"email":{"value":"ann@example.com"},"updated_at":{"value":"2026-01-22 08:00:00"}}}},"edges":{"User":{"u3":{"PURCHASED":{"Product":{"p1":{"amount":{"value":25.0},"ordered_at":{"value":"2026-01-22 08:30:00"}}}}}}}}')
echo "== REST++ upsert: $(echo "$up" | python3 -c 'import json,sys; print(json.load(sys.stdin)["results"][0])')"
echo "== vertex counts: $(curl -sf "${H[@]}" -X POST "$url/restpp/builtins/ecommerce" -d '{"function":"stat_vertex_number","type":"*"}' | python3 -c 'import json,sys; print({r["v_type"]: r["count"] for r in json.load(sys.stdin)["results"]})')"
echo "== edge counts:   $(curl -sf "${H[@]}" -X POST "$url/restpp/builtins/ecommerce" -d '{"function":"stat_edge_number","type":"*"}' | python3 -c 'import json,sys; print({r["e_type"]: r["count"] for r in json.load(sys.stdin)["results"]})')"
echo "== users:"
curl -sf "${H[@]}" "$url/restpp/graph/ecommerce/vertices/User" | python3 -c '
import json,sys
for v in sorted(json.load(sys.stdin)["results"], key=lambda v: v["v_id"]): print("   ", v["v_id"], v["attributes"])'
echo "== purchases of u1:"
curl -sf "${H[@]}" "$url/restpp/graph/ecommerce/edges/User/u1/PURCHASED" | python3 -c '
import json,sys
for e in json.load(sys.stdin)["results"]: print("   ", e["from_id"], "->", e["to_id"], e["attributes"])'
echo "== demo done (emulator log: stopped with the demo)"
