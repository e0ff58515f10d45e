-- Events by random shoppers on random items: POST /v1/events. BATCH=0 (default) sends one event
-- object per request; BATCH=N sends {"events": [...]} with N events.
local users = tonumber(os.getenv("USERS") or "1000")
local items = tonumber(os.getenv("ITEMS") or "1000")
local batch = tonumber(os.getenv("BATCH") or "0")
local key = os.getenv("KEY")
local counter = 0
-- Each wrk thread runs its own Lua state: the thread number keeps event ids unique across them.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
math.randomseed(11)

local function event()
  counter = counter + 1
  return string.format(
    '{"event_id":"wrk-%d-%d-%d","user_id":"u-%06d","item_id":"sku-%06d","kind":"view","timestamp":"2031-01-01T00:00:00Z"}',
    tid or 0, os.time() % 100000, counter, math.random(1, users), math.random(1, items))
end

request = function()
  local body
  if batch > 0 then
    local events = {}
    for k = 1, batch do
      events[k] = event()
    end
    body = '{"events":[' .. table.concat(events, ",") .. ']}'
  else
    body = event()
  end
  return wrk.format("POST", "/v1/events",
    { ["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json" }, body)
end
