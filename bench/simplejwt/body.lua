-- wrk: POST a JSON body to the token API.
--   BODY_FIELD=token|refresh  TOKENS_FILE=file with one token per line (each used once, in turn)
--   or LOGIN_USER / LOGIN_PASSWORD for the login endpoint.
local field = os.getenv("BODY_FIELD")
local file = os.getenv("TOKENS_FILE")
local user, password = os.getenv("LOGIN_USER"), os.getenv("LOGIN_PASSWORD")
local tokens, index = {}, 0
if file then
  for line in io.lines(file) do tokens[#tokens + 1] = line end
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
if user then
  wrk.body = string.format('{"username":"%s","password":"%s"}', user, password)
elseif #tokens == 1 then
  wrk.body = string.format('{"%s":"%s"}', field, tokens[1])
end

function request()
  if #tokens > 1 then
    index = index + 1
    if index > #tokens then index = 1 end
    return wrk.format(nil, nil, nil, string.format('{"%s":"%s"}', field, tokens[index]))
  end
  return wrk.format()
end

function done(summary, latency)
  -- errors.status counts answers with a status above 399
  io.write(string.format("RESULT requests=%d non2xx=%d socket_errors=%d p50_us=%d p99_us=%d duration_us=%d\n",
    summary.requests, summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout, latency:percentile(50), latency:percentile(99), summary.duration))
end
