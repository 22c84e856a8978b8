-- wrk script for a protected route: sends "Authorization: Bearer $TOKENGATE_BENCH_TOKEN" and, at
-- the end, prints one summary line counting the answers that were not 2xx (wrk's own
-- "Non-2xx or 3xx" line lets 3xx through) and socket errors:
--   tokengate: responses=N non2xx=N errors=N
-- Usage (a valid access token, e.g. from POST /api/token/):
--   TOKENGATE_BENCH_TOKEN=<access> wrk -t1 -c4 -d10s -s bench/wrk-smoke.lua http://127.0.0.1:8000/api/hello/
-- Used by LoadHarnessSmokeTest. Never point it at anything but a gateway you run yourself.

local token = os.getenv("TOKENGATE_BENCH_TOKEN")
if token == nil or token == "" then
  io.stderr:write("TOKENGATE_BENCH_TOKEN is not set: give an access token\n")
  os.exit(2)
end
wrk.headers["Authorization"] = "Bearer " .. token

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  responses = 0
  non2xx = 0
end

function response(status, headers, body)
  responses = responses + 1
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local total, bad = 0, 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("responses")
    bad = bad + thread:get("non2xx")
  end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format("tokengate: responses=%d non2xx=%d errors=%d\n", total, bad, errors))
end
