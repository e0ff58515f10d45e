-- Home feeds of random shoppers: GET /v1/users/u-NNNNNN/recommendations?n=10.
-- USERS (environment) is how many shoppers the shop has.
local users = tonumber(os.getenv("USERS") or "1000")
local key = os.getenv("KEY")
math.randomseed(7)
request = function()
  local path = string.format("/v1/users/u-%06d/recommendations?n=10", math.random(1, users))
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. key })
end
