#!/usr/bin/env bash
# bench/run.sh: protected proxied GET, tokengate against its peers, side by side in one run (issue 7, goal 1).
#
# Starts, all on 127.0.0.1:
#   upstream   nginx answering a fixed 100-byte body              (UPSTREAM_PORT, default 18081)
#   tokengate  prod mode, external PostgreSQL database $TG_DB it creates (dropped at exit), route
#              /api/bench/ -> upstream, auth: required, HS256, http.instances = cores,
#              JVM flags $TG_JVM_OPTS (default in bench/lib.sh: ParallelGC, 96 MB fixed pre-touched
#              heap, 64 MB code cache), access log off like the peers (TG_ACCESS_LOG=on to keep it)
#                                                                  (TG_PORT, default 18080)
#   nginx      plain reverse proxy, no auth (bench/peers/nginx-proxy.conf)       (NGINX_PORT 18082)
#   haproxy    HAProxy 2.6, jwt_verify HS256 + exp + token_type == access
#              (bench/peers/haproxy.cfg)                                           (HAPROXY_PORT 18083)
#   njs        nginx + njs, same JWT rules (bench/peers/nginx-njs.conf, jwt.js), only when the
#              module is installed                                                 (NJS_PORT 18084)
#   tokengate-noauth  the same tokengate on a route with auth: none (/api/open/), only when named
#              in TARGETS: the cost of the JWT check is tokengate minus tokengate-noauth
#   tokengate-b  optional second tokengate for a before/after comparison: TG_B_JAR=path/to.jar
#              (and/or TG_B_JVM_OPTS="...", TG_B_ENV="TOKENGATE_...=...") on TG_B_PORT (18085)
#   tokengate-c  optional third one, the same way: TG_C_JAR, TG_C_JVM_OPTS, TG_C_ENV on TG_C_PORT (18086)
#              (e.g. three transports: TOKENGATE_HTTP_TRANSPORT=epoll|io_uring|nio in TG_ENV/TG_B_ENV/TG_C_ENV)
# then creates a user, logs in through tokengate's /api/token/ for one access token (3 h lifetime)
# that every target checks, warms each target up (tokengate WARMUP_JVM seconds, peers WARMUP_PEER),
# and runs wrk -t1 against each target in interleaved rounds:
#   for round in 1..ROUNDS: for conns in CONNS: for target (order reversed every other round): wrk DURATION s
# measuring each target's CPU time (utime+stime from /proc/PID/stat, nginx master + workers summed)
# over each wrk run. Prints one table (medians over rounds of requests/s, p50, p99; errors summed;
# CPU us/request = total CPU / total requests) with ratios vs HAProxy and vs plain nginx.
#
# Env: ROUNDS (3), DURATION (10), CONNS ("64 256"), WARMUP_JVM (30), WARMUP_PEER (5),
#      TARGETS (default: all available), TG_JVM_OPTS, TG_ENV, TG_INSTANCES, TG_ACCESS_LOG, RAW_OUT (file
#      to keep the raw per-run lines), PARALLEL=1 (each round loads all TARGETS at the same time, one
#      wrk each: an A/B whose noise hits both sides alike, for a machine too noisy for one-after-the-
#      other runs; requests/s and latencies then reflect the shared cores, CPU us/request stays each
#      target's own). Defaults take about 6 minutes.
# Output: the log and the table, also written to bench/results/proxy.txt (replaced when the run succeeds;
#   RESULT_FILE=path writes elsewhere, e.g. for an experiment that should not replace the record).
# Usage: mvn -B -q -o -DskipTests clean package && bench/run.sh
# Needs: java 17, nginx, haproxy 2.6, wrk, curl, openssl, psql, python3, a PostgreSQL at 127.0.0.1:5432 (trust).
source "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
CONNS=${CONNS:-"64 256"}
WARMUP_JVM=${WARMUP_JVM:-30}
WARMUP_PEER=${WARMUP_PEER:-5}
TG_B_PORT=${TG_B_PORT:-18085}
TG_C_PORT=${TG_C_PORT:-18086}

bench_init
bench_results proxy.txt
log "machine: $(nproc) cores, $(uname -r); load: $(cut -d' ' -f1-3 /proc/loadavg)"
start_upstream

declare -A URL PID
start_tokengate
wait_tokengate
URL[tokengate]=http://127.0.0.1:$TG_PORT/api/bench/
PID[tokengate]=$TG_PID
# the same gateway on a route with auth: none (not a default target): what the JWT check costs
URL[tokengate-noauth]=http://127.0.0.1:$TG_PORT/api/open/
PID[tokengate-noauth]=$TG_PID
log "tokengate ready (pid $TG_PID, flags: $TG_JVM_OPTS)"
add_user bench bench-password-1
TOKEN=$(login_token bench bench-password-1)
[[ -n $TOKEN ]] || { log "login failed"; tail -20 "$WORK/tokengate.log" >&2; exit 1; }
export TOKEN

if [[ -n ${TG_B_JAR:-} || -n ${TG_B_JVM_OPTS:-} || -n ${TG_B_ENV:-} ]]; then
  start_tokengate_b "${TG_B_JAR:-$JAR}" "$TG_B_PORT" "${TG_B_JVM_OPTS:-$TG_JVM_OPTS}"
  URL[tokengate-b]=http://127.0.0.1:$TG_B_PORT/api/bench/
  PID[tokengate-b]=$TGB_PID
  log "tokengate-b ready (pid $TGB_PID, jar ${TG_B_JAR:-$JAR}, flags: ${TG_B_JVM_OPTS:-$TG_JVM_OPTS})"
fi
if [[ -n ${TG_C_JAR:-} || -n ${TG_C_JVM_OPTS:-} || -n ${TG_C_ENV:-} ]]; then
  start_tokengate_b "${TG_C_JAR:-$JAR}" "$TG_C_PORT" "${TG_C_JVM_OPTS:-$TG_JVM_OPTS}" c "${TG_C_ENV:-}"
  URL[tokengate-c]=http://127.0.0.1:$TG_C_PORT/api/bench/
  PID[tokengate-c]=$TGB_PID
  log "tokengate-c ready (pid $TGB_PID, jar ${TG_C_JAR:-$JAR}, flags: ${TG_C_JVM_OPTS:-$TG_JVM_OPTS}, env: ${TG_C_ENV:-})"
fi

start_haproxy;     URL[haproxy]=http://127.0.0.1:$HAPROXY_PORT/api/bench/;  PID[haproxy]=$HAPROXY_PID
start_nginx_proxy; URL[nginx]=http://127.0.0.1:$NGINX_PORT/api/bench/;      PID[nginx]=$NGINX_PID
if [[ -f /usr/lib/nginx/modules/ngx_http_js_module.so ]]; then
  start_njs_proxy; URL[njs]=http://127.0.0.1:$NJS_PORT/api/bench/;          PID[njs]=$NJS_PID
else
  log "njs module not installed: no nginx+njs target"
fi

DEFAULT_TARGETS="tokengate"
[[ -n ${PID[tokengate-b]:-} ]] && DEFAULT_TARGETS+=" tokengate-b"
[[ -n ${PID[tokengate-c]:-} ]] && DEFAULT_TARGETS+=" tokengate-c"
DEFAULT_TARGETS+=" haproxy nginx"
[[ -n ${PID[njs]:-} ]] && DEFAULT_TARGETS+=" njs"
read -r -a TARGET_LIST <<< "${TARGETS:-$DEFAULT_TARGETS}"

# Every target must accept the token and refuse its absence before anything is measured.
for t in "${TARGET_LIST[@]}"; do
  ok=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "${URL[$t]}")
  no=$(curl -s -o /dev/null -w '%{http_code}' "${URL[$t]}")
  bad=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer ${TOKEN%?}x" "${URL[$t]}")
  log "check $t: with token $ok, without $no, bad signature $bad"
  [[ $ok == 200 ]] || { log "$t does not accept the token"; exit 1; }
done

log "warm-up: tokengate ${WARMUP_JVM}s, peers ${WARMUP_PEER}s each"
for t in "${TARGET_LIST[@]}"; do
  if [[ $t == tokengate* ]]; then
    wrk_run "${URL[$t]}" 64 $(( WARMUP_JVM * 2 / 3 )) >/dev/null
    wrk_run "${URL[$t]}" 256 $(( WARMUP_JVM / 3 )) >/dev/null
  else
    wrk_run "${URL[$t]}" 64 "$WARMUP_PEER" >/dev/null
  fi
done

RAW=$WORK/raw.txt
: > "$RAW"
for round in $(seq "$ROUNDS"); do
  order=("${TARGET_LIST[@]}")
  if (( round % 2 == 0 )); then
    order=(); for (( i=${#TARGET_LIST[@]}-1; i>=0; i-- )); do order+=("${TARGET_LIST[$i]}"); done
  fi
  for c in $CONNS; do
    if [[ ${PARALLEL:-0} == 1 ]]; then
      # every target loaded at the same time, each by its own wrk: the machine's noise hits all alike
      declare -A BEFORE=()
      for t in "${order[@]}"; do BEFORE[$t]=$(cpu_ticks "${PID[$t]}"); done
      LOADS=()
      for t in "${order[@]}"; do wrk_run "${URL[$t]}" "$c" "$DURATION" > "$WORK/parallel-$t.txt" & LOADS+=($!); done
      wait "${LOADS[@]}"
      for t in "${order[@]}"; do
        after=$(cpu_ticks "${PID[$t]}")
        line=$(cat "$WORK/parallel-$t.txt")
        echo "round=$round target=$t conns=$c cpu_ticks=$(( after - ${BEFORE[$t]} )) $line" >> "$RAW"
        log "round $round c$c $t (parallel): $line cpu_ticks=$(( after - ${BEFORE[$t]} ))"
      done
      continue
    fi
    for t in "${order[@]}"; do
      before=$(cpu_ticks "${PID[$t]}")
      line=$(wrk_run "${URL[$t]}" "$c" "$DURATION")
      after=$(cpu_ticks "${PID[$t]}")
      echo "round=$round target=$t conns=$c cpu_ticks=$(( after - before )) $line" >> "$RAW"
      log "round $round c$c $t: $line cpu_ticks=$(( after - before ))"
    done
  done
done
[[ -n ${RAW_OUT:-} ]] && cp "$RAW" "$RAW_OUT"

echo
echo "## bench/run.sh $(date -u '+%F %H:%M UTC') - $(nproc) cores, ROUNDS=$ROUNDS DURATION=${DURATION}s CONNS=\"$CONNS\" wrk -t1"
echo "tokengate: http.instances=$TG_INSTANCES, JVM: $TG_JVM_OPTS, access log $TG_ACCESS_LOG${TG_B_JAR:+; tokengate-b jar: $TG_B_JAR}${TG_B_JVM_OPTS:+; tokengate-b JVM: $TG_B_JVM_OPTS}${TG_ENV:+; tokengate env: $TG_ENV}${TG_B_ENV:+; tokengate-b env: $TG_B_ENV}${TG_C_ENV:+; tokengate-c env: $TG_C_ENV}"
echo
/usr/bin/python3 - "$RAW" "$CLK_TCK" <<'PY'
import sys, statistics, collections
raw, tck = sys.argv[1], int(sys.argv[2])
runs = collections.defaultdict(list)
for line in open(raw):
    f = dict(kv.split("=", 1) for kv in line.split() if "=" in kv)
    runs[(f["target"], int(f["conns"]))].append(f)
def agg(key):
    rs = runs.get(key)
    if not rs: return None
    rps = statistics.median(int(r["requests"]) / (int(r["duration_us"]) / 1e6) for r in rs)
    p50 = statistics.median(int(r["p50_us"]) for r in rs) / 1000
    p99 = statistics.median(int(r["p99_us"]) for r in rs) / 1000
    p99max = max(int(r["p99_us"]) for r in rs) / 1000
    p999 = statistics.median(int(r.get("p999_us", 0)) for r in rs) / 1000
    err = sum(int(r["non2xx"]) + max(0, int(r["socket"])) for r in rs)
    reqs = sum(int(r["requests"]) for r in rs)
    cpu_us = sum(int(r["cpu_ticks"]) for r in rs) * 1e6 / tck / max(reqs, 1)
    return dict(rps=rps, p50=p50, p99=p99, p99max=p99max, p999=p999, err=err, cpu=cpu_us, n=len(rs))
targets = []
for (t, c) in runs:
    if t not in targets: targets.append(t)
conns = sorted({c for (_, c) in runs})
print("| target | conns | req/s | p50 ms | p99 ms (max) | p99.9 ms | errors | CPU us/req | req/s vs haproxy | CPU/req vs haproxy | p99 vs haproxy | req/s vs nginx | CPU/req vs nginx |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for c in conns:
    h, n = agg(("haproxy", c)), agg(("nginx", c))
    for t in targets:
        a = agg((t, c))
        if not a: continue
        def r(x, y): return f"{x / y:.2f}" if y else "-"
        print(f"| {t} | {c} | {a['rps']:.0f} | {a['p50']:.2f} | {a['p99']:.2f} ({a['p99max']:.2f}) | {a['p999']:.2f} | {a['err']} | {a['cpu']:.1f} | "
              f"{r(a['rps'], h['rps']) if h else '-'} | {r(a['cpu'], h['cpu']) if h else '-'} | {r(a['p99'], h['p99']) if h else '-'} | "
              f"{r(a['rps'], n['rps']) if n else '-'} | {r(a['cpu'], n['cpu']) if n else '-'} |")
print()
print("req/s, p50, p99: medians over rounds (max p99 in parentheses); errors: wrk status >= 400 + socket errors, summed;")
print("CPU us/req: the target's utime+stime over all its runs / all its requests. Ratios: target / peer (req/s: higher is better; CPU, p99: lower is better).")
PY
