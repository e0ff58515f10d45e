#!/usr/bin/env bash
# Load test of `aisle serve` from loopback with wrk (Debian package `wrk`): home feeds at 64
# connections, single events, batches of events, resident memory and freshness (an event in, a
# changed feed out). The shop is generated once into $SHOP (default /tmp/aisle-serve-bench):
# $EVENTS events, $SHOPPERS users and $ITEMS items (default 10 million, 1 million, 100,000, the
# issue's size); the serving models are ALS (feeds) and item-kNN (similar items).
#   bash bench/serve_wrk.sh            # EVENTS=200000 for a quick run
source "$(dirname "$0")/common.sh"
command -v wrk >/dev/null || { echo "install wrk (apt-get install wrk)" >&2; exit 1; }
events="${EVENTS:-10000000}"
shoppers="${SHOPPERS:-1000000}"
catalog_items="${ITEMS:-100000}"
shop="${SHOP:-/tmp/aisle-serve-bench}"
duration="${DURATION:-30s}"
port="${PORT:-18080}"
aisle() { "$aisle_bin" --data-dir "$shop" --log warn "$@"; }

if [ ! -f "$shop/aisle.db" ]; then
  aisle generate --events "$events" --users "$shoppers" --items "$catalog_items" --seed 7
fi
cat > "$shop/aisle.toml" <<TOML
[server]
model = "als"
similar_model = "item-knn"
max_body_bytes = 16777216
TOML
for model in als item-knn; do
  [ -f "$shop/models/$model/ACTIVE" ] || aisle train --model "$model"
done
users=$(aisle stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["users"])')
items=$(aisle stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"])')
read_key=$(aisle keys create --scope read --label wrk)
write_key=$(aisle keys create --scope write --label wrk)

# The binary itself, not the shell function, so that $! is the server's pid (for its memory).
start_server() {
  "$aisle_bin" --data-dir "$shop" --log warn serve --addr "127.0.0.1:$port" &
  server=$!
  for _ in $(seq 600); do
    curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && return
    sleep 0.5
  done
  echo "server not ready" >&2
  exit 1
}
stop_server() { kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true; }
trap 'stop_server; rm -rf "$scratch"' EXIT
url="http://127.0.0.1:$port"
echo "machine: $(machine)"
echo "shop: $users users, $items items, $events events (generated)"
# Resident memory, and how much of it is the process's own (anonymous) memory and how much is
# pages of the store's file mapped by SQLite (the kernel drops those first under pressure).
rss() {
  awk '/^(VmRSS|RssAnon|RssFile):/ {v[$1]=$2/1024}
    END {printf "%.0f MiB (anonymous %.0f MiB, file-backed %.0f MiB)", v["VmRSS:"], v["RssAnon:"], v["RssFile:"]}' \
    "/proc/$server/status"
}
# Before any load writes events: the feeds of 500 shoppers from a server that scores every item
# (AISLE_SERVER__ANN_MIN_ITEMS=0), its feed load, then the same shoppers from the index.
feeds() {
  for k in $(seq 500); do
    user=$(printf "u-%06d" $(( 1 + (k * 104729) % users )))
    curl -sf -H "Authorization: Bearer $read_key" "$url/v1/users/$user/recommendations?n=10&rules=false" | \
      python3 -c 'import json,sys; print(" ".join(i["id"] for i in json.load(sys.stdin)["items"]))'
  done
}
echo "== recall@10 of the item index against scoring every item (500 shoppers)"
AISLE_SERVER__ANN_MIN_ITEMS=0 start_server
feeds > "$scratch/exact"
echo "== home feeds scoring every item, 64 connections, $duration"
USERS=$users KEY=$read_key wrk -t2 -c64 -d"$duration" --latency -s "$bench_root/bench/wrk/feed.lua" "$url" |
  grep -E "Requests/sec|50%|90%|99%|Non-2xx|Socket errors"
stop_server
start_server
feeds > "$scratch/indexed"
python3 - "$scratch/indexed" "$scratch/exact" <<'PY'
import sys
indexed = [l.split() for l in open(sys.argv[1])]
exact = [l.split() for l in open(sys.argv[2])]
hits = sum(len(set(a) & set(b)) for a, b in zip(indexed, exact))
total = sum(len(b) for b in exact)
same = sum(a == b for a, b in zip(indexed, exact))
print(f"recall@10 {hits / total:.4f}; identical feeds {same}/{len(exact)}")
PY
echo "resident memory after start: $(rss)"

echo "== home feeds, 64 connections, $duration"
USERS=$users KEY=$read_key wrk -t2 -c64 -d"$duration" --latency -s "$bench_root/bench/wrk/feed.lua" "$url" |
  grep -E "Requests/sec|50%|90%|99%|Non-2xx|Socket errors"
echo "== single events, 64 connections, $duration"
USERS=$users ITEMS=$items KEY=$write_key wrk -t2 -c64 -d"$duration" --latency -s "$bench_root/bench/wrk/events.lua" "$url" |
  grep -E "Requests/sec|50%|99%|Non-2xx|Socket errors"
echo "== batches of 1000 events, 4 connections, $duration (events/s = requests/s x 1000)"
BATCH=1000 USERS=$users ITEMS=$items KEY=$write_key wrk -t2 -c4 -d"$duration" --latency -s "$bench_root/bench/wrk/events.lua" "$url" |
  grep -E "Requests/sec|50%|99%|Non-2xx|Socket errors"
echo "resident memory after the load: $(rss)"

echo "== freshness: 20 times, a purchase of the shopper's top item, then the next feed"
python3 - "$url" "$read_key" "$write_key" "$users" <<'PY'
import json, sys, time, urllib.request
url, read_key, write_key, users = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
def call(method, path, key, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url + path, data=data, method=method,
        headers={"Authorization": "Bearer " + key, "Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.load(r)
delays = []
for k in range(20):
    user = "u-%06d" % (1 + (k * 7919) % users)
    before = [i["id"] for i in call("GET", f"/v1/users/{user}/recommendations?n=10", read_key)["items"]]
    started = time.perf_counter()
    call("POST", "/v1/events", write_key, {"event_id": f"fresh-{time.time_ns()}-{k}", "user_id": user,
         "item_id": before[0], "kind": "purchase", "timestamp": "2031-01-01T00:00:00Z"})
    while True:
        after = [i["id"] for i in call("GET", f"/v1/users/{user}/recommendations?n=10", read_key)["items"]]
        if after != before:
            break
        if time.perf_counter() - started > 5:
            raise SystemExit(f"{user}: the feed did not change within 5 s")
    delays.append(time.perf_counter() - started)
delays.sort()
print(f"event in to changed feed out: median {1000*delays[10]:.1f} ms, max {1000*delays[-1]:.1f} ms")
PY

