#!/usr/bin/env bash
# Server time of every web page and of every API call its first render makes, on the demo shop
# (`aisle demo`, 200,000 events): one connection at a time with wrk for 5 s each, p50 and p99.
# The issue's bar: at most 200 ms of server time for a page's first render.
#   bash bench/web_pages.sh
source "$(dirname "$0")/common.sh"
command -v wrk >/dev/null || { echo "install wrk (apt-get install wrk)" >&2; exit 1; }
shop="${SHOP:-/tmp/aisle-web-bench}"
port="${PORT:-18090}"
url="http://127.0.0.1:$port"
[ -f "$shop/aisle.db" ] || "$aisle_bin" --data-dir "$shop" --log warn demo --no-serve >/dev/null
key=$("$aisle_bin" --data-dir "$shop" --log warn keys create --scope admin --label web-bench 2>/dev/null)
"$aisle_bin" --data-dir "$shop" --log warn serve --addr "127.0.0.1:$port" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$scratch"' EXIT
for _ in $(seq 240); do curl -sf "$url/health/ready" >/dev/null && break; sleep 0.5; done
echo "machine: $(machine)"
shopper=$(curl -sf "$url/shop/api/shoppers" | python3 -c 'import json,sys; print(json.load(sys.stdin)["shoppers"][0]["id"])')
item=$(curl -sf "$url/shop/api/home?user_id=$shopper" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["recommended"]["items"][0]["id"])')
category=$(curl -sf "$url/shop/api/categories" | python3 -c 'import json,sys,urllib.parse; print(urllib.parse.quote(json.load(sys.stdin)["categories"][0]["path"]))')
measure() {
  local label=$1 path=$2 auth=()
  [ "${3:-}" = admin ] && auth=(-H "Authorization: Bearer $key")
  wrk -t1 -c1 -d5s --latency "${auth[@]}" "$url$path" |
    awk -v l="$label" '/ 50%/ {p50=$2} / 99%/ {p99=$2} /Requests\/sec/ {r=$2} END {printf "%-34s p50 %-9s p99 %-9s (%s req/s)\n", l, p50, p99, r}'
}
echo "== dashboard"
# The overview is cached for 30 s per window: its first computation (a scan of the events) is
# the figure that matters, timed once per window size here before the cached load below.
for days in 7 30 90; do
  curl -s -o /dev/null -H "Authorization: Bearer $key" -w "overview, days=$days, uncached         %{time_total} s\n" "$url/v1/admin/overview?days=$days"
done
measure "GET / (page)" "/"
measure "GET /assets/dashboard/app.js" "/assets/dashboard/app.js"
measure "overview (cached)" "/v1/admin/overview?days=30" admin
measure "models" "/v1/admin/models" admin
measure "reports" "/v1/admin/reports" admin
measure "users list" "/v1/admin/users?limit=50&q=" admin
measure "a shopper's recommendations" "/v1/users/$shopper/recommendations?n=10&explain=true" admin
measure "a shopper's events" "/v1/admin/users/$shopper/events?limit=100" admin
measure "item search" "/v1/admin/items/search?limit=50&q=" admin
echo "== storefront"
measure "GET /shop (page)" "/shop"
measure "shoppers" "/shop/api/shoppers"
measure "home" "/shop/api/home?user_id=$shopper"
measure "category" "/shop/api/category?path=$category&user_id=$shopper"
measure "product" "/shop/api/items/$item?user_id=$shopper"
measure "search" "/shop/api/search?q=a&user_id=$shopper"
