#!/usr/bin/env bash
# bench/memory.sh: RSS under load and time to ready (issue 7, goal 4).
#
# 1. Time to ready: starts tokengate (prod mode, external PostgreSQL, the database already created
#    and migrated by a first start, as in production) and polls a protected GET with a valid
#    token (signed with openssl using the same key) every 10 ms; reports the time from launching
#    `java` to the first 200. Repeated READY_RUNS times (fresh JVM each time), median and max.
# 2. RSS: with the last of those processes, warms up WARMUP s, then runs wrk -t1 -c$CONNS for
#    DURATION s on the protected GET, sampling VmRSS (/proc/PID/status) every 5 s, and reports
#    min/max/first/last RSS, the growth over the run, and the wrk result.
# Goal: RSS <= 256 MB at 256 connections, flat; ready within 2 s of process start.
# Env: DURATION (120; the issue asks 300, shortened by default), CONNS (256), WARMUP (30),
#      READY_RUNS (3), TG_JVM_OPTS, TG_CDS (1: the fresh starts use an AppCDS archive made by the
#      first start, as docs/performance.md "Faster start (AppCDS)" recommends; 0: plain JVM).
# Output: also written to bench/results/memory.txt (replaced when the run succeeds; RESULT_FILE=path overrides).
# Usage: bench/memory.sh
source "$(dirname "$0")/lib.sh"

DURATION=${DURATION:-120}
CONNS=${CONNS:-256}
WARMUP=${WARMUP:-30}
READY_RUNS=${READY_RUNS:-3}

bench_init
bench_results memory.txt
log "machine: $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)"
start_upstream
TOKEN=$(openssl_token)
export TOKEN
URL=http://127.0.0.1:$TG_PORT/api/bench/

# a first start creates and migrates the database; later starts find it ready, as in production.
# With TG_CDS=1 (default) it is also the training run of an AppCDS archive (docs/performance.md):
# the classes it loaded, up to a served protected request, are dumped when it stops.
CDS_ARCHIVE=$WORK/tokengate.jsa
if [[ ${TG_CDS:-1} == 1 ]]; then
  start_tokengate "-XX:ArchiveClassesAtExit=$CDS_ARCHIVE"
  wait_tokengate
  curl -s -o /dev/null -H "Authorization: Bearer $TOKEN" "$URL" || true
  stop_tokengate
  [[ -s $CDS_ARCHIVE ]] || { log "no AppCDS archive was written"; exit 1; }
  READY_OPTS="-XX:SharedArchiveFile=$CDS_ARCHIVE"
else
  start_tokengate
  wait_tokengate
  stop_tokengate
  READY_OPTS=""
fi

READY=()
for run in $(seq "$READY_RUNS"); do
  # shellcheck disable=SC2086
  start_tokengate $READY_OPTS
  deadline=$(( $(date +%s) + 60 ))
  while (( $(date +%s) < deadline )); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 -H "Authorization: Bearer $TOKEN" "$URL" || true)
    [[ $code == 200 ]] && break
    sleep 0.01
  done
  ready_ms=$(( ($(now_ns) - TG_START_NS) / 1000000 ))
  READY+=("$ready_ms")
  log "start $run: first 200 after ${ready_ms} ms (status $code)"
  (( run < READY_RUNS )) && stop_tokengate
done

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
log "warm-up ${WARMUP}s at -c$CONNS"
wrk_run "$URL" "$CONNS" "$WARMUP" >/dev/null
log "load: ${DURATION}s at -c$CONNS, RSS every 5 s"
BENCH_TOKEN=$TOKEN wrk -t1 -c"$CONNS" -d"${DURATION}"s --timeout 5s -s "$BENCH_DIR/wrk-auth.lua" "$URL" > "$WORK/wrk.txt" 2>&1 &
load=$!
PIDS+=("$load")
SAMPLES=()
t=0
while kill -0 "$load" 2>/dev/null; do
  SAMPLES+=("$t:$(rss_kb "$TG_PID")")
  sleep 5
  t=$(( t + 5 ))
done
wait "$load" || true

echo
echo "## bench/memory.sh $(date -u '+%F %H:%M UTC') - $(nproc) cores, -c$CONNS for ${DURATION}s after ${WARMUP}s warm-up"
echo "tokengate: http.instances=$TG_INSTANCES, JVM: $TG_JVM_OPTS${READY_OPTS:+ (fresh starts: + AppCDS archive from a training run)}"
echo
echo "time to first successful protected GET after launching java (ms), $READY_RUNS fresh starts: ${READY[*]}"
echo "load: $(grep '^RESULT' "$WORK/wrk.txt")"
echo "RSS samples (seconds into the load: MB): $(for s in "${SAMPLES[@]}"; do printf '%s:%d ' "${s%%:*}" $(( ${s##*:} / 1024 )); done)"
/usr/bin/python3 - "${SAMPLES[@]}" "${READY[@]/#/r}" <<'PY'
import sys, statistics
rss = [int(a.split(":")[1]) / 1024 for a in sys.argv[1:] if not a.startswith("r")]
ready = [int(a[1:]) for a in sys.argv[1:] if a.startswith("r")]
print()
print("| measure | value | goal |")
print("| --- | ---: | --- |")
print(f"| RSS max under load | {max(rss):.0f} MB | <= 256 MB: {'met' if max(rss) <= 256 else 'NOT met'} |")
print(f"| RSS first -> last sample | {rss[0]:.0f} -> {rss[-1]:.0f} MB ({rss[-1] - rss[0]:+.0f} MB) | flat |")
print(f"| RSS min / median | {min(rss):.0f} / {statistics.median(rss):.0f} MB | |")
print(f"| ready after start (median / max of {len(ready)}) | {statistics.median(ready):.0f} / {max(ready)} ms | <= 2000 ms: {'met' if max(ready) <= 2000 else 'NOT met'} |")
PY
