# Shared helpers for the bench/*.sh harnesses (sourced, not run).
#
# Everything listens on 127.0.0.1 only. Every process started here is recorded in PIDS and
# killed by PID in cleanup (installed as the EXIT trap by bench_init); every temp file lives
# in $WORK, removed by cleanup. The PostgreSQL database $TG_DB is created by tokengate itself
# (prod mode, external database) and dropped by cleanup.

set -euo pipefail

# The command line that started the script, with the knobs set in its environment, for the first
# line of its results file (captured before the script sets its defaults).
BENCH_CMD=""
for _knob in ROUNDS DURATION CONNS CONNECTIONS LOGIN_CONNECTIONS STORM_CONNS WARMUP WARMUP_JVM WARMUP_PEER PROFILE \
             READY_RUNS JMH_ARGS TARGETS PARALLEL TG_JAR TG_ENV TG_JVM_OPTS TG_INSTANCES TG_ACCESS_LOG TG_CDS TG_B_JAR TG_B_JVM_OPTS TG_B_ENV \
             TG_C_JAR TG_C_JVM_OPTS TG_C_ENV; do
  if [[ -n ${!_knob:-} ]]; then BENCH_CMD+="$_knob=$(printf '%q' "${!_knob}") "; fi
done
unset _knob
BENCH_CMD+="bench/$(basename "$0")${*:+ $*}"
RESULT_FILE=${RESULT_FILE:-}

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
JAR=${TG_JAR:-$REPO_DIR/target/tokengate.jar}

UPSTREAM_PORT=${UPSTREAM_PORT:-18081}
TG_PORT=${TG_PORT:-18080}
NGINX_PORT=${NGINX_PORT:-18082}
HAPROXY_PORT=${HAPROXY_PORT:-18083}
NJS_PORT=${NJS_PORT:-18084}
PG_ADMIN_URL=${PG_ADMIN_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
TG_DB=${TG_DB:-tokengate_bench}
CORES=$(nproc)
TG_INSTANCES=${TG_INSTANCES:-$CORES}
# HS256 secret shared by tokengate and the peers (a throw-away benchmark key, >= 32 bytes).
SIGNING_KEY=${SIGNING_KEY:-bench-only-hs256-secret-0123456789abcdefghijklmnop}
# JVM flags (see docs/performance.md, "JVM flags"): fixed, pre-touched heap small enough for the
# 256 MB RSS goal; ParallelGC (GC was ~2% of the CPU in the profile, a throughput collector is enough).
TG_JVM_OPTS=${TG_JVM_OPTS:--XX:+UseParallelGC -Xms96m -Xmx96m -XX:+AlwaysPreTouch -XX:ReservedCodeCacheSize=64m -Xss512k}
# The access log (one JSON line per request on stdout) is switched off by default, as it is for
# the peers; TG_ACCESS_LOG=on keeps tokengate's default.
TG_ACCESS_LOG=${TG_ACCESS_LOG:-off}
CLK_TCK=$(getconf CLK_TCK)

PIDS=()
WORK=""
TG_PID=""

# bench_results NAME: from here on the script's output also goes to bench/results/NAME (RESULT_FILE
# in the environment overrides the path), after one line naming the command and the time. A .txt
# file gets stdout and the log lines (stderr); a .md file (the profile) gets stdout only. The file is
# written as NAME.partial and renamed over NAME only when the script exits 0 (bench_results_done, from
# the EXIT trap), so a failed or interrupted run never replaces the last good result.
bench_results() {
  RESULT_FILE=${RESULT_FILE:-$BENCH_DIR/results/$1}
  mkdir -p "$(dirname "$RESULT_FILE")"
  if [[ $RESULT_FILE == *.md ]]; then
    printf 'Command: `%s` (%s, %s cores, load %s)\n\n' "$BENCH_CMD" "$(date -u '+%F %H:%M UTC')" "$(nproc)" \
      "$(cut -d' ' -f1-3 /proc/loadavg)" > "$RESULT_FILE.partial"
    exec > >(tee -a "$RESULT_FILE.partial")
  else
    printf '$ %s   # %s, %s cores, load %s\n' "$BENCH_CMD" "$(date -u '+%F %H:%M UTC')" "$(nproc)" \
      "$(cut -d' ' -f1-3 /proc/loadavg)" > "$RESULT_FILE.partial"
    exec > >(tee -a "$RESULT_FILE.partial") 2>&1
  fi
}

# bench_results_done EXIT_STATUS: keeps the run's output as the result, or says where the partial one is.
bench_results_done() {
  [[ -n $RESULT_FILE && -f $RESULT_FILE.partial ]] || return 0
  if [[ $1 == 0 ]]; then
    mv -f "$RESULT_FILE.partial" "$RESULT_FILE"
  else
    log "exit status $1: $RESULT_FILE not replaced; this run's output is in $RESULT_FILE.partial"
  fi
}

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

bench_init() {
  WORK=$(mktemp -d /tmp/tokengate-bench.XXXXXX)
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  # a database left over by an interrupted run would keep its users: start from nothing
  psql "$PG_ADMIN_URL" -q -c "DROP DATABASE IF EXISTS \"$TG_DB\" WITH (FORCE)" >/dev/null 2>&1
  psql "$PG_ADMIN_URL" -q -c "DROP DATABASE IF EXISTS \"${TG_DB}_b\" WITH (FORCE)" >/dev/null 2>&1
  psql "$PG_ADMIN_URL" -q -c "DROP DATABASE IF EXISTS \"${TG_DB}_c\" WITH (FORCE)" >/dev/null 2>&1
  [[ -f $JAR ]] || { log "missing $JAR: run mvn -B -q -o -DskipTests clean package"; exit 1; }
}

cleanup() {
  local rc=$? pid
  for pid in "${PIDS[@]:-}"; do
    [[ -n $pid ]] && kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]:-}"; do
    [[ -n $pid ]] || continue
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [[ -n ${DROP_DB:-} ]]; then
    psql "$PG_ADMIN_URL" -q -c "DROP DATABASE IF EXISTS \"$TG_DB\" WITH (FORCE)" >/dev/null 2>&1 || true
    psql "$PG_ADMIN_URL" -q -c "DROP DATABASE IF EXISTS \"${TG_DB}_b\" WITH (FORCE)" >/dev/null 2>&1 || true
    psql "$PG_ADMIN_URL" -q -c "DROP DATABASE IF EXISTS \"${TG_DB}_c\" WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  [[ -n $WORK && -d $WORK ]] && rm -rf "$WORK"
  bench_results_done "$rc"
}

# Seconds since epoch with nanoseconds.
now_ns() { date +%s%N; }

# Waits until URL answers with one of the given statuses (curl -w code), up to $3 seconds.
wait_http() {
  local url=$1 want=$2 limit=${3:-30} code deadline=$(( $(date +%s) + ${3:-30} ))
  while (( $(date +%s) < deadline )); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$url" || true)
    [[ $want == *"$code"* ]] && return 0
    sleep 0.05
  done
  log "timeout waiting for $url (last status $code)"; return 1
}

# --- upstream: nginx answering a fixed 100-byte body -----------------------------------------
start_upstream() {
  local dir=$WORK/upstream body
  mkdir -p "$dir/logs"
  body=$(printf '%0100d' 0 | tr 0 x)   # 100 bytes
  cat > "$dir/nginx.conf" <<EOF
user root;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
daemon off;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  server {
    listen 127.0.0.1:$UPSTREAM_PORT;
    location / { default_type text/plain; return 200 "$body"; }
  }
}
EOF
  nginx -p "$dir" -c "$dir/nginx.conf" &
  PIDS+=($!)
  wait_http "http://127.0.0.1:$UPSTREAM_PORT/" 200 10
}

# --- tokengate (prod mode, external PostgreSQL) ----------------------------------------------
write_tg_config() {   # [port] [file] [database]
  cat > "${2:-$WORK/tokengate.yaml}" <<EOF
mode: prod
http:
  host: 127.0.0.1
  port: ${1:-$TG_PORT}
  instances: $TG_INSTANCES
database:
  url: postgresql://postgres@127.0.0.1:5432/${3:-$TG_DB}
jwt:
  signing_key: "$SIGNING_KEY"
  access_token_lifetime: PT3H
management:
  port: 0
routes:
  - name: bench
    path: /api/bench/
    upstream: http://127.0.0.1:$UPSTREAM_PORT
    auth: required
  - name: bench-open
    path: /api/open/
    upstream: http://127.0.0.1:$UPSTREAM_PORT
    auth: none
EOF
  cat > "$WORK/logback.xml" <<EOF
<configuration>
  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n</pattern></encoder>
  </appender>
  <logger name="io.netty" level="WARN"/>
  <logger name="org.flywaydb" level="WARN"/>
  <logger name="io.vertx" level="WARN"/>
  <logger name="io.micrometer.core.instrument.MeterRegistry" level="ERROR"/>
  $( if [[ $TG_ACCESS_LOG == off ]]; then echo '<logger name="tokengate.access" level="OFF"/>'; else
       # as in src/main/resources/logback.xml: the access log's own bounded queue and writer thread
       echo '<appender name="ACCESS" class="io.tokengate.ops.AccessLogAppender"><queueSize>16384</queueSize><maxQueuedBytes>2097152</maxQueuedBytes></appender>'
       echo '<logger name="tokengate.access" level="INFO" additivity="false"><appender-ref ref="ACCESS"/></logger>'; fi )
  <root level="INFO"><appender-ref ref="STDOUT"/></root>
</configuration>
EOF
}

# Starts tokengate with $TG_JVM_OPTS plus "$@" (extra JVM flags) and the variables in $TG_ENV; sets TG_PID and TG_START_NS.
start_tokengate() {
  write_tg_config
  DROP_DB=1
  TG_START_NS=$(now_ns)
  # shellcheck disable=SC2086
  env ${TG_ENV:-} java $TG_JVM_OPTS "$@" -Dlogback.configurationFile="$WORK/logback.xml" -jar "$JAR" serve --config "$WORK/tokengate.yaml" \
    > "$WORK/tokengate.log" 2>&1 &
  TG_PID=$!
  PIDS+=("$TG_PID")
}

# Ready = the protected route answers (401 without a token).
wait_tokengate() {
  wait_http "http://127.0.0.1:$TG_PORT/api/bench/" 401 "${1:-60}" || { tail -20 "$WORK/tokengate.log" >&2; return 1; }
}

# A second tokengate (another jar, other JVM flags and/or other settings through TOKENGATE_*
# variables in TG_B_ENV, e.g. TG_B_ENV="TOKENGATE_MANAGEMENT_REQUEST_METRICS=false") for
# before/after comparisons in the same run: start_tokengate_b JAR PORT "JVM OPTS" [NAME [ENV]]
# (NAME b or c, default b; ENV default $TG_B_ENV); sets TGB_PID.
start_tokengate_b() {
  local name=${4:-b} env=${5-${TG_B_ENV:-}}
  # its own database: another jar may have other migrations (access tokens need no database row)
  write_tg_config "$2" "$WORK/tokengate-$name.yaml" "${TG_DB}_$name"
  # shellcheck disable=SC2086
  env $env java $3 -Dlogback.configurationFile="$WORK/logback.xml" -jar "$1" serve --config "$WORK/tokengate-$name.yaml" \
    > "$WORK/tokengate-$name.log" 2>&1 &
  TGB_PID=$!
  PIDS+=("$TGB_PID")
  wait_http "http://127.0.0.1:$2/api/bench/" 401 60 || { tail -20 "$WORK/tokengate-$name.log" >&2; return 1; }
}

stop_tokengate() {
  kill "$TG_PID" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$TG_PID" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$TG_PID" 2>/dev/null || true
}

# Creates user $1 with password $2 (production iteration count from conf/config.yaml).
add_user() {
  printf '%s\n' "$2" | java -jar "$JAR" user add "$1" --password-stdin --config "$WORK/tokengate.yaml" > "$WORK/useradd.log" 2>&1 \
    || { cat "$WORK/useradd.log" >&2; return 1; }
}

# Logs in through tokengate's token endpoint; prints the access token.
login_token() {
  curl -sf --max-time 10 -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$2\"}" "http://127.0.0.1:$TG_PORT/api/token/" \
    | sed -n 's/.*"access" *: *"\([^"]*\)".*/\1/p'
}

# Signs an access token with the shared key using openssl (same claims as tokengate's).
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
openssl_token() {
  local now header payload sig
  now=$(date +%s)
  header=$(printf '{"alg":"HS256","typ":"JWT"}' | b64url)
  payload=$(printf '{"token_type":"access","exp":%d,"iat":%d,"jti":"%s","user_id":1}' \
    $((now + 10800)) "$now" "$(openssl rand -hex 16)" | b64url)
  sig=$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -mac HMAC -macopt "key:$SIGNING_KEY" -binary | b64url)
  printf '%s.%s.%s' "$header" "$payload" "$sig"
}

# --- peers -------------------------------------------------------------------------------------
start_nginx_proxy() {   # plain reverse proxy, no auth
  local dir=$WORK/nginx
  mkdir -p "$dir/logs"
  sed -e "s#@DIR@#$dir#g" -e "s#@PORT@#$NGINX_PORT#g" -e "s#@UPSTREAM@#$UPSTREAM_PORT#g" -e "s#@WORKERS@#$CORES#g" \
    "$BENCH_DIR/peers/nginx-proxy.conf" > "$dir/nginx.conf"
  nginx -p "$dir" -c "$dir/nginx.conf" &
  NGINX_PID=$!
  PIDS+=("$NGINX_PID")
  wait_http "http://127.0.0.1:$NGINX_PORT/api/bench/" 200 10
}

start_njs_proxy() {     # nginx + njs checking the same JWT rules
  local dir=$WORK/njs
  mkdir -p "$dir/logs"
  sed -e "s#@DIR@#$dir#g" -e "s#@PORT@#$NJS_PORT#g" -e "s#@UPSTREAM@#$UPSTREAM_PORT#g" -e "s#@WORKERS@#$CORES#g" \
    "$BENCH_DIR/peers/nginx-njs.conf" > "$dir/nginx.conf"
  sed -e "s#@KEY@#$SIGNING_KEY#g" "$BENCH_DIR/peers/jwt.js" > "$dir/jwt.js"
  nginx -p "$dir" -c "$dir/nginx.conf" &
  NJS_PID=$!
  PIDS+=("$NJS_PID")
  wait_http "http://127.0.0.1:$NJS_PORT/api/bench/" 401 10
}

start_haproxy() {       # HAProxy 2.6 with jwt_verify (HS256 signature, exp, token_type == access)
  local dir=$WORK/haproxy
  mkdir -p "$dir"
  sed -e "s#@PORT@#$HAPROXY_PORT#g" -e "s#@UPSTREAM@#$UPSTREAM_PORT#g" -e "s#@KEY@#$SIGNING_KEY#g" -e "s#@THREADS@#$CORES#g" \
    "$BENCH_DIR/peers/haproxy.cfg" > "$dir/haproxy.cfg"
  haproxy -db -f "$dir/haproxy.cfg" > "$dir/haproxy.log" 2>&1 &
  HAPROXY_PID=$!
  PIDS+=("$HAPROXY_PID")
  wait_http "http://127.0.0.1:$HAPROXY_PORT/api/bench/" 401 10
}

# --- measurement -------------------------------------------------------------------------------
# CPU ticks (utime+stime) of a process and its direct children (nginx master + workers; the JVM and
# HAProxy are single processes whose /proc/PID/stat sums all threads).
cpu_ticks() {
  local root=$1 total=0 p
  for p in $root $(pgrep -P "$root" || true); do
    [[ -r /proc/$p/stat ]] || continue
    # fields after the ")" of comm: utime is the 12th, stime the 13th
    total=$(( total + $(sed 's/.*) //' "/proc/$p/stat" | awk '{print $12 + $13}') ))
  done
  echo "$total"
}

# wrk_run URL CONNS SECONDS [script]: prints the RESULT line of bench/wrk-auth.lua.
wrk_run() {
  BENCH_TOKEN=$TOKEN wrk -t1 -c"$2" -d"$3"s --timeout 5s -s "${4:-$BENCH_DIR/wrk-auth.lua}" "$1" 2>&1 | grep '^RESULT' || echo "RESULT requests=0 duration_us=1 p50_us=0 p99_us=0 p999_us=0 non2xx=0 socket=-1"
}
