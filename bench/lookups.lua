-- The lookup load of bench/lookups.sh and bench/soak.sh. BENCH_NUMBERS: file of numbers;
-- BENCH_DELAY_MS: mean pause before each request on a connection (0: as fast as possible).
-- Every request asks for a random number for a random client: new client addresses all the time,
-- as from the public at large, so that no client or /48 network comes near Waypost's per-client
-- rate limits. The requests are prepared per number up front, so that wrk spends as little of the
-- machine as it can.
local numbers = {}
for line in io.lines(os.getenv("BENCH_NUMBERS")) do
  numbers[#numbers + 1] = line
end
local delay_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
local threads = 0
local heads, tails = {}, {}

function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

function init(args)
  math.randomseed(os.time() * 1000 + (thread_id or 0))
  for i, n in ipairs(numbers) do
    local r = wrk.format("GET", "/api/v1/tracking/" .. n, { ["X-Forwarded-For"] = "@XFF@" })
    local at = string.find(r, "@XFF@", 1, true)
    heads[i] = string.sub(r, 1, at - 1)
    tails[i] = string.sub(r, at + 5)
  end
end

function request()
  local i = math.random(#numbers)
  return heads[i] .. string.format("2001:db8:%x:%x:%x:%x::%x", math.random(0, 65535),
    math.random(0, 65535), math.random(0, 65535), math.random(0, 65535),
    math.random(1, 65535)) .. tails[i]
end

if delay_ms > 0 then
  -- wrk waits whole milliseconds; round at random so that the mean pause is delay_ms.
  function delay()
    local whole = math.floor(delay_ms)
    if math.random() < delay_ms - whole then
      return whole + 1
    end
    return whole
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d errors=%d non2xx=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, e.connect + e.read + e.write + e.timeout, e.status))
end
