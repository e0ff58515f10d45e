-- One event per request: POST /v1/events with a view by a random shopper of a random item.
local users = tonumber(os.getenv("USERS") or "1000")
local items = tonumber(os.getenv("ITEMS") or "1000")
local key = os.getenv("KEY")
local counter = 0
-- Each wrk thread runs its own Lua state: the thread number keeps event ids unique across them.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
math.randomseed(11)
request = function()
  counter = counter + 1
  local body = string.format(
    '{"event_id":"wrk-%d-%d","user_id":"u-%06d","item_id":"sku-%06d","kind":"view","timestamp":"2031-01-01T00:00:00Z"}',
    (tid or 0) * 1000000000 + os.time() % 100000, counter, math.random(1, users), math.random(1, items))
  return wrk.format("POST", "/v1/events",
    { ["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json" }, body)
end
