#!/usr/bin/env bash
# bench/isolation.sh: do logins starve the proxy? (issue 7, goal 3)
#
# Starts the upstream and tokengate as bench/run.sh does (same JVM flags, prod mode, own database),
# creates a real user with the production PBKDF2 iteration count (users.password_iterations from
# conf/config.yaml, 600000), warms up (WARMUP seconds of protected GETs plus a few logins), then,
# in ROUNDS interleaved pairs:
#   alone:  wrk -t1 -c$CONNS protected GET /api/bench/ for DURATION s
#   storm:  the same, while a second wrk -t1 -c$STORM_CONNS posts correct logins to /api/token/
#           (saturating the hashing pool: users.hashing_threads, 2 by default)
# measuring tokengate's CPU per phase. Prints per-round lines and a summary: median protected
# req/s and p99 alone vs during the storm, their ratio, logins/s and login p99.
# Goal: during the storm, protected throughput >= 0.5 x alone and p99 < 20 ms.
# Env: ROUNDS (3), DURATION (10), CONNS (64), STORM_CONNS (16), WARMUP (30), TG_JVM_OPTS.
# Output: also written to bench/results/isolation.txt (replaced when the run succeeds; RESULT_FILE=path overrides).
# Usage: bench/isolation.sh
source "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
CONNS=${CONNS:-64}
STORM_CONNS=${STORM_CONNS:-16}
WARMUP=${WARMUP:-30}

bench_init
bench_results isolation.txt
log "machine: $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)"
start_upstream
start_tokengate
wait_tokengate
BENCH_USER=storm
BENCH_PASSWORD=storm-password-1
add_user "$BENCH_USER" "$BENCH_PASSWORD"
TOKEN=$(login_token "$BENCH_USER" "$BENCH_PASSWORD")
[[ -n $TOKEN ]] || { log "login failed"; exit 1; }
export TOKEN BENCH_USER BENCH_PASSWORD
URL=http://127.0.0.1:$TG_PORT/api/bench/
LOGIN_URL=http://127.0.0.1:$TG_PORT/api/token/

log "warm-up ${WARMUP}s (protected GETs, and logins for the last third)"
wrk_run "$URL" "$CONNS" $(( WARMUP * 2 / 3 )) >/dev/null
BENCH_TOKEN="" wrk -t1 -c4 -d$(( WARMUP / 3 ))s -s "$BENCH_DIR/wrk-login.lua" "$LOGIN_URL" >/dev/null 2>&1 &
warm_login=$!
PIDS+=("$warm_login")
wrk_run "$URL" "$CONNS" $(( WARMUP / 3 )) >/dev/null
wait "$warm_login" || true

RAW=$WORK/raw.txt
: > "$RAW"
for round in $(seq "$ROUNDS"); do
  before=$(cpu_ticks "$TG_PID")
  line=$(wrk_run "$URL" "$CONNS" "$DURATION")
  echo "round=$round phase=alone cpu_ticks=$(( $(cpu_ticks "$TG_PID") - before )) $line" | tee -a "$RAW" >&2
  # the storm starts first and outlasts the measured run by one second on each side
  BENCH_TOKEN="" wrk -t1 -c"$STORM_CONNS" -d$(( DURATION + 2 ))s --timeout 10s -s "$BENCH_DIR/wrk-login.lua" "$LOGIN_URL" \
    > "$WORK/storm.txt" 2>&1 &
  storm=$!
  PIDS+=("$storm")
  sleep 1
  before=$(cpu_ticks "$TG_PID")
  line=$(wrk_run "$URL" "$CONNS" "$DURATION")
  after=$(cpu_ticks "$TG_PID")
  wait "$storm" || true
  echo "round=$round phase=storm cpu_ticks=$(( after - before )) $line login_$(grep '^RESULT' "$WORK/storm.txt" | sed 's/^RESULT //; s/ / login_/g')" \
    | tee -a "$RAW" >&2
done

echo
echo "## bench/isolation.sh $(date -u '+%F %H:%M UTC') - $(nproc) cores, ROUNDS=$ROUNDS DURATION=${DURATION}s protected -c$CONNS, login storm -c$STORM_CONNS"
echo "tokengate: http.instances=$TG_INSTANCES, users.password_iterations=600000 (default), users.hashing_threads=2 (default), JVM: $TG_JVM_OPTS"
echo
cat "$RAW"
echo
/usr/bin/python3 - "$RAW" "$CLK_TCK" <<'PY'
import sys, statistics
rows = [dict(kv.split("=", 1) for kv in l.split() if "=" in kv) for l in open(sys.argv[1])]
tck = int(sys.argv[2])
def ph(p): return [r for r in rows if r["phase"] == p]
def rps(r): return int(r["requests"]) / (int(r["duration_us"]) / 1e6)
a, s = ph("alone"), ph("storm")
ra, rs = statistics.median(map(rps, a)), statistics.median(map(rps, s))
pa, ps = statistics.median(int(r["p99_us"]) for r in a) / 1000, statistics.median(int(r["p99_us"]) for r in s) / 1000
logins = statistics.median(int(r["login_requests"]) / (int(r["login_duration_us"]) / 1e6) for r in s)
lp99 = statistics.median(int(r["login_p99_us"]) for r in s) / 1000
lerr = sum(int(r["login_non2xx"]) + max(0, int(r["login_socket"])) for r in s)
err = sum(int(r["non2xx"]) + max(0, int(r["socket"])) for r in rows)
print("| phase | protected req/s | protected p99 ms | protected errors | logins/s | login p99 ms | login errors |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
print(f"| alone | {ra:.0f} | {pa:.2f} | {sum(int(r['non2xx']) + max(0, int(r['socket'])) for r in a)} | - | - | - |")
print(f"| login storm | {rs:.0f} | {ps:.2f} | {sum(int(r['non2xx']) + max(0, int(r['socket'])) for r in s)} | {logins:.1f} | {lp99:.0f} | {lerr} |")
print()
print(f"throughput kept during the storm: {rs / ra:.2f} (goal >= 0.50: {'met' if rs / ra >= 0.5 else 'NOT met'}); "
      f"p99 during the storm {ps:.2f} ms (goal < 20 ms: {'met' if ps < 20 else 'NOT met'})")
print("medians over rounds; errors: wrk status >= 400 + socket errors, summed")
PY
