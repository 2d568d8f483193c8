-- wrk script of `make loadtest` (ops/loadtest.py writes the URL list and reads the result).
--
-- args[1]: a file of request paths, one a line, already weighted into a realistic mix (a path
--          appears as often as it should be requested). Each thread walks the list from its
--          own starting point.
-- args[2]: "statuses" to tally the status code of every response (the fault drill), at the
--          cost of wrk parsing each response.
-- args[3]: how to try to get past the page cache (the cache-bypass run): "random-query" adds
--          ?b=<random> to every path, "junk-cookie" sends a made-up session cookie; empty:
--          the paths as they are.
-- done() prints one JSON line that the driver parses.

local paths = {}
local position = 0
local threads = {}
local tally = false
local bypass = ""
statuses = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" then table.insert(paths, line) end
  end
  position = (id * 97) % #paths
  tally = args[2] == "statuses"
  bypass = args[3] or ""
  math.randomseed(os.time() + id)
  if tally then
    response = function(status, headers, body)
      statuses[status] = (statuses[status] or 0) + 1
    end
  end
end

function request()
  position = position % #paths + 1
  local path = paths[position]
  if bypass == "random-query" then
    local join = path:find("?", 1, true) and "&" or "?"
    return wrk.format("GET", path .. join .. "b=" .. math.random(1, 2147483647))
  elseif bypass == "junk-cookie" then
    local cookie = string.format("sessionid=%08x%08x", math.random(0, 2147483647), math.random(0, 2147483647))
    return wrk.format("GET", path, {Cookie = cookie})
  end
  return wrk.format("GET", path)
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses") or {}
    for status, count in pairs(counts) do
      merged[status] = (merged[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(merged) do
    table.insert(parts, string.format('"%d": %d', status, count))
  end
  local e = summary.errors
  io.write(string.format(
    'LOADTEST-RESULT {"requests": %d, "duration_us": %d, "bytes": %d, "connect_errors": %d, '
      .. '"read_errors": %d, "write_errors": %d, "status_errors": %d, "timeouts": %d, '
      .. '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, table.concat(parts, ", ")))
end
