#!/usr/bin/env bash
# bench/soak.sh: an hour of load as deployed (issue 15, point 4).
#
# Starts the upstream (nginx, 100-byte answer) and tokengate in prod mode with its defaults as
# users deploy them (access log ON, written to a pipe that a reader drains, as a log collector
# would; JVM flags $TG_JVM_OPTS, the README's gateway flags), then for SOAK_MINUTES minutes:
#   - wrk -t1 -c$CONNS on the protected route, in one-minute segments back to back, so every minute
#     has its own requests/s, p99 and error count;
#   - in the background, one login (POST /api/token/) and one refresh (POST /api/token/refresh/
#     with the refresh token the previous call returned: rotation on) every second;
#   - after each minute: the JVM's RSS (/proc/PID/status VmRSS), the heap in use after each
#     collection of that minute (mean, from the GC log: the live set, not the random fill state of
#     the young generation), the old generation in use (jstat -gc), open file descriptors
#     (/proc/PID/fd) and threads.
# Prints one line per minute, then a verdict: errors (wrk and background) must be 0, RSS and
# heap after GC flat (mean of the last 10 minutes within 5% of the first 10 minutes, for runs of 20 minutes
# or more; else the first and last thirds), open file descriptors not growing.
# Env: SOAK_MINUTES (60), CONNS (256), TG_JVM_OPTS, TG_ACCESS_LOG (on).
# Usage: ./mvnw -B -q -DskipTests clean package && bench/soak.sh   (writes bench/results/soak.txt)
# Needs: java 17 (jstat), nginx, wrk, curl, psql, python3, a PostgreSQL at 127.0.0.1:5432 (trust).
TG_ACCESS_LOG=${TG_ACCESS_LOG:-on}
source "$(dirname "$0")/lib.sh"

SOAK_MINUTES=${SOAK_MINUTES:-60}
CONNS=${CONNS:-256}

bench_init
bench_results soak.txt
log "machine: $(nproc) cores, $(uname -r); load: $(cut -d' ' -f1-3 /proc/loadavg)"
start_upstream

write_tg_config
DROP_DB=1
# The access log goes to a pipe whose reader keeps the first 256 KB (start-up lines) and drains
# the rest: the gateway pays for every line, the disk does not fill up over an hour.
# shellcheck disable=SC2086
java $TG_JVM_OPTS -Xlog:gc:file="$WORK/gc.log" -Dlogback.configurationFile="$WORK/logback.xml" -jar "$JAR" serve --config "$WORK/tokengate.yaml" \
  2>&1 | { head -c 262144 > "$WORK/tokengate.log"; cat > /dev/null; } &
for _ in $(seq 100); do
  TG_PID=$(pgrep -f "serve --config $WORK/tokengate.yaml" | head -n 1 || true)
  [[ -n $TG_PID ]] && break
  sleep 0.1
done
[[ -n $TG_PID ]] || { log "tokengate did not start"; exit 1; }
PIDS+=("$TG_PID")
wait_tokengate
log "tokengate ready (pid $TG_PID, flags: $TG_JVM_OPTS, access log $TG_ACCESS_LOG)"
add_user soak soak-password-1
TOKEN=$(login_token soak soak-password-1)
[[ -n $TOKEN ]] || { log "login failed"; tail -20 "$WORK/tokengate.log" >&2; exit 1; }
export TOKEN

# Background: a login and a refresh every second; one line per failure, counters at the end.
BG=$WORK/background.txt
: > "$BG"
background() {
  local refresh body code deadline=$1
  refresh=$(curl -sf --max-time 10 -H 'Content-Type: application/json' \
    -d '{"username":"soak","password":"soak-password-1"}' "http://127.0.0.1:$TG_PORT/api/token/" \
    | sed -n 's/.*"refresh" *: *"\([^"]*\)".*/\1/p')
  while (( $(date +%s) < deadline )); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H 'Content-Type: application/json' \
      -d '{"username":"soak","password":"soak-password-1"}' "http://127.0.0.1:$TG_PORT/api/token/" || true)
    echo "login $code" >> "$BG"
    body=$(curl -s --max-time 10 -w '\n%{http_code}' -H 'Content-Type: application/json' \
      -d "{\"refresh\":\"$refresh\"}" "http://127.0.0.1:$TG_PORT/api/token/refresh/" || true)
    code=${body##*$'\n'}
    echo "refresh $code" >> "$BG"
    [[ $code == 200 ]] && refresh=$(sed -n 's/.*"refresh" *: *"\([^"]*\)".*/\1/p' <<< "${body%$'\n'*}")
    sleep 1
  done
}

GC_SEEN=0
sample() {   # prints: rss_mb heap_after_gc_mb old_used_mb fds threads
  local rss heap old fds threads total
  rss=$(awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$TG_PID/status")
  # the heap after each collection logged since the last sample (e.g. "Pause Young ... 60M->12M(92M)")
  total=$(wc -l < "$WORK/gc.log")
  heap=$(tail -n +$(( GC_SEEN + 1 )) "$WORK/gc.log" | head -n $(( total - GC_SEEN )) \
    | sed -n 's/.* [0-9]*M->\([0-9]*\)M([0-9]*M).*/\1/p' | awk '{s += $1; n++} END {printf "%.1f", n ? s / n : 0}')
  GC_SEEN=$total
  old=$(jstat -gc "$TG_PID" | awk 'NR == 2 {printf "%.1f", $8 / 1024}')
  fds=$(find "/proc/$TG_PID/fd" -mindepth 1 -maxdepth 1 | wc -l)
  threads=$(awk '/^Threads/ {print $2}' "/proc/$TG_PID/status")
  echo "$rss $heap $old $fds $threads"
}

log "warm-up: 30 s at c$CONNS"
wrk_run "http://127.0.0.1:$TG_PORT/api/bench/" "$CONNS" 30 > /dev/null
background $(( $(date +%s) + SOAK_MINUTES * 60 + 5 )) &
BG_PID=$!
PIDS+=("$BG_PID")

ROWS=$WORK/rows.txt
: > "$ROWS"
echo "## bench/soak.sh $(date -u '+%F %H:%M UTC') - $(nproc) cores, SOAK_MINUTES=$SOAK_MINUTES CONNS=$CONNS wrk -t1, access log $TG_ACCESS_LOG"
echo "tokengate: http.instances=$TG_INSTANCES, JVM: $TG_JVM_OPTS"
echo
echo "| minute | req/s | p99 ms | errors | RSS MB | heap after GC MB | old gen MB | open fds | threads |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for minute in $(seq "$SOAK_MINUTES"); do
  line=$(wrk_run "http://127.0.0.1:$TG_PORT/api/bench/" "$CONNS" 60)
  read -r rss heap old fds threads < <(sample)
  echo "minute=$minute $line rss=$rss heap=$heap old=$old fds=$fds threads=$threads" >> "$ROWS"
  python3 - "$minute" "$line" "$rss" "$heap" "$old" "$fds" "$threads" <<'PY'
import sys
minute, line, rss, heap, old, fds, threads = sys.argv[1:]
f = dict(kv.split("=", 1) for kv in line.split() if "=" in kv)
rps = int(f["requests"]) / (int(f["duration_us"]) / 1e6)
err = int(f["non2xx"]) + max(0, int(f["socket"]))
print(f"| {minute} | {rps:.0f} | {int(f['p99_us']) / 1000:.2f} | {err} | {rss} | {heap} | {old} | {fds} | {threads} |")
PY
done
wait "$BG_PID" || true

echo
/usr/bin/python3 - "$ROWS" "$BG" <<'PY'
import sys, statistics
rows = []
for line in open(sys.argv[1]):
    f = dict(kv.split("=", 1) for kv in line.split() if "=" in kv)
    rows.append(f)
bg = [line.split() for line in open(sys.argv[2]) if line.strip()]
n = len(rows)
window = 10 if n >= 20 else max(1, n // 3)
first, last = rows[:window], rows[-window:]
def mean(rs, k): return statistics.mean(float(r[k]) for r in rs)
errors = sum(int(r["non2xx"]) + max(0, int(r["socket"])) for r in rows)
requests = sum(int(r["requests"]) for r in rows)
logins = [c for kind, c in bg if kind == "login"]
refreshes = [c for kind, c in bg if kind == "refresh"]
bad_bg = sum(1 for kind, c in bg if c != "200")
verdicts = []
def check(name, ok, detail):
    verdicts.append(ok)
    print(f"- {'PASS' if ok else 'FAIL'} {name}: {detail}")
print(f"{n} minutes, {requests} proxied requests, {len(logins)} logins and {len(refreshes)} refreshes in the background")
print(f"windows compared: the first {window} and the last {window} minutes")
check("no errors", errors == 0 and bad_bg == 0,
      f"{errors} wrk errors, {bad_bg} background calls not 200")
for key, name in (("rss", "RSS"), ("heap", "heap in use after GC")):
    a, b = mean(first, key), mean(last, key)
    growth = (b - a) / a * 100 if a else 0.0
    check(f"{name} flat", abs(growth) <= 5.0, f"{a:.1f} MB -> {b:.1f} MB ({growth:+.1f}%)")
fd_first, fd_last = int(rows[0]["fds"]), int(rows[-1]["fds"])
fd_max = max(int(r["fds"]) for r in rows)
check("open file descriptors not growing", fd_last <= fd_first + 4,
      f"first {fd_first}, last {fd_last}, max {fd_max}")
rps = [int(r["requests"]) / (int(r["duration_us"]) / 1e6) for r in rows]
print(f"req/s per minute: min {min(rps):.0f}, median {statistics.median(rps):.0f}, max {max(rps):.0f}")
print("verdict:", "PASS" if all(verdicts) else "FAIL")
PY
