-- wrk script: sends "Authorization: Bearer $BENCH_TOKEN" and prints one machine-readable line:
-- RESULT requests= duration_us= p50_us= p99_us= p999_us= non2xx= socket=
-- (non2xx = wrk's status errors, i.e. answers >= 400; socket = connect + read + write + timeout errors)
local token = os.getenv("BENCH_TOKEN")
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d p999_us=%d non2xx=%d socket=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency:percentile(99.9),
    e.status, e.connect + e.read + e.write + e.timeout))
end
