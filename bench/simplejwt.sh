#!/usr/bin/env bash
# Token endpoints, tokengate vs Simple JWT (issue 7, goal 2), measured side by side in one run.
#
#   bench/simplejwt.sh            # from the repository root, after: mvn -B -q -DskipTests clean package
#
# Starts Django 3.2 + DRF + Simple JWT 5.2 (Debian's python3-djangorestframework-simplejwt, python3-django,
# gunicorn, python3-psycopg2; installed with apt-get if missing) on gunicorn with 2 sync workers, and
# tokengate (prod mode), both on the local PostgreSQL (127.0.0.1:5432, user postgres, trust auth) in
# databases of their own, both hashing passwords with PBKDF2-SHA256 at the same iteration count
# (Django 3.2's 260000), rotation and blacklist-after-rotation on for both, the same HS256 key.
# Then, in interleaved rounds, wrk (-t1) against each: verify (one access token), refresh (each
# request presents a fresh refresh token, minted beforehand, since rotation blacklists it) and login.
# Prints requests/s, p50/p99, errors, process CPU per request, and tokengate/Simple JWT ratios.
# Environment: ROUNDS (2), DURATION (10s), CONNECTIONS (32), LOGIN_CONNECTIONS (4), WARMUP (20s).
# Output: also written to bench/results/simplejwt.txt (replaced when the run succeeds; RESULT_FILE=path overrides).
set -euo pipefail
cd "$(dirname "$0")/.."
# bench_results and log only; this script keeps its own ports, databases and clean-up
source bench/lib.sh
ROUNDS=${ROUNDS:-2}; DURATION=${DURATION:-10s}; CONNECTIONS=${CONNECTIONS:-32}
LOGIN_CONNECTIONS=${LOGIN_CONNECTIONS:-4}; WARMUP=${WARMUP:-20s}; ITERATIONS=260000
DJANGO_PORT=8100; TG_PORT=8101
export BENCH_SIGNING_KEY="bench-simplejwt-signing-key-0123456789abcdef0123456789"
export BENCH_DJANGO_DB=tokengate_bench_django
TG_DB=tokengate_bench_tokengate
WORK=$(mktemp -d)
PY=/usr/bin/python3
PIDS=()

cleanup() {
  local rc=$?
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  sleep 1
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $BENCH_DJANGO_DB WITH (FORCE)" >/dev/null 2>&1 || true
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $TG_DB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
  bench_results_done "$rc"
}
trap cleanup EXIT
bench_results simplejwt.txt

if ! $PY -c 'import rest_framework_simplejwt, gunicorn, psycopg2' 2>/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-djangorestframework-simplejwt python3-django \
    python3-djangorestframework gunicorn python3-psycopg2 >/dev/null
fi
[ -f target/tokengate.jar ] || { echo "build first: mvn -B -q -DskipTests clean package"; exit 1; }
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk"; exit 1; }

for db in $BENCH_DJANGO_DB $TG_DB; do
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
  psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $db" >/dev/null
done

# --- Simple JWT on gunicorn, 2 sync workers
export PYTHONPATH="$PWD/bench/simplejwt" DJANGO_SETTINGS_MODULE=settings
$PY -m django migrate -v0
$PY -m django shell -c "from django.contrib.auth.models import User; User.objects.create_user('bench', '', 'bench-password')"
$PY -m gunicorn -w 2 -b 127.0.0.1:$DJANGO_PORT --chdir bench/simplejwt --log-level warning wsgi:application \
  > "$WORK/gunicorn.log" 2>&1 &
PIDS+=($!); DJANGO_PID=$!

# --- tokengate, prod mode
export TOKENGATE_MODE=prod TOKENGATE_HTTP_HOST=127.0.0.1 TOKENGATE_HTTP_PORT=$TG_PORT TOKENGATE_MANAGEMENT_PORT=0 \
  TOKENGATE_DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$TG_DB" TOKENGATE_JWT_SIGNING_KEY="$BENCH_SIGNING_KEY" \
  TOKENGATE_USERS_PASSWORD_ITERATIONS=$ITERATIONS TOKENGATE_LOGIN_THROTTLE_ENABLED=false TOKENGATE_ROUTES='[]' \
  TOKENGATE_LOGGING_FORMAT=text
echo bench-password | java -jar target/tokengate.jar user add bench --password-stdin >/dev/null
java -XX:+UseParallelGC -Xms256m -Xmx256m -jar target/tokengate.jar > "$WORK/tokengate.log" 2>&1 &
PIDS+=($!); TG_PID=$!

for port in $DJANGO_PORT $TG_PORT; do
  for _ in $(seq 1 100); do
    curl -s -o /dev/null -X OPTIONS "http://127.0.0.1:$port/api/token/" && break; sleep 0.2
  done
done

login() { curl -s -X POST "http://127.0.0.1:$1/api/token/" -H 'Content-Type: application/json' \
  -d '{"username":"bench","password":"bench-password"}'; }
access_of() { sed 's/.*"access":"\([^"]*\)".*/\1/'; }
DJANGO_ACCESS=$(login $DJANGO_PORT | access_of); TG_ACCESS=$(login $TG_PORT | access_of)
echo "$DJANGO_ACCESS" > "$WORK/django-access"; echo "$TG_ACCESS" > "$WORK/tg-access"
DJANGO_UID=$(psql -h 127.0.0.1 -U postgres -d $BENCH_DJANGO_DB -tAc "SELECT id FROM auth_user WHERE username='bench'")
TG_UID=$(psql -h 127.0.0.1 -U postgres -d $TG_DB -tAc "SELECT id FROM auth_user WHERE username='bench'")

cpu_ticks() { # utime+stime of a process and its children (gunicorn workers)
  local total=0 pid
  for pid in "$1" $(pgrep -P "$1" || true); do
    [ -r /proc/$pid/stat ] && total=$((total + $(awk '{print $14 + $15}' /proc/$pid/stat)))
  done
  echo $total
}
HZ=$(getconf CLK_TCK)

run() { # name target-pid port endpoint field tokens-file connections -> one RESULT line
  local name=$1 pid=$2 port=$3 endpoint=$4 field=$5 tokens=$6 conns=$7 before after line
  before=$(cpu_ticks "$pid")
  if [ "$endpoint" = login ]; then
    line=$(LOGIN_USER=bench LOGIN_PASSWORD=bench-password wrk -t1 -c"$conns" -d"$DURATION" -s bench/simplejwt/body.lua \
      "http://127.0.0.1:$port/api/token/" | grep RESULT)
  else
    line=$(BODY_FIELD=$field TOKENS_FILE=$tokens wrk -t1 -c"$conns" -d"$DURATION" -s bench/simplejwt/body.lua \
      "http://127.0.0.1:$port/api/token/$endpoint/" | grep RESULT)
  fi
  after=$(cpu_ticks "$pid")
  echo "$name $endpoint $conns $line cpu_ticks=$((after - before))" >> "$WORK/results"
}

echo "warming up tokengate ($WARMUP)..."
$PY bench/simplejwt/mint.py "$TG_UID" 200000 > "$WORK/tg-warm"
BODY_FIELD=token TOKENS_FILE="$WORK/tg-access" wrk -t1 -c16 -d"$WARMUP" -s bench/simplejwt/body.lua "http://127.0.0.1:$TG_PORT/api/token/verify/" >/dev/null
BODY_FIELD=refresh TOKENS_FILE="$WORK/tg-warm" wrk -t1 -c16 -d"$WARMUP" -s bench/simplejwt/body.lua "http://127.0.0.1:$TG_PORT/api/token/refresh/" >/dev/null

for round in $(seq 1 "$ROUNDS"); do
  echo "round $round/$ROUNDS"
  $PY bench/simplejwt/mint.py "$DJANGO_UID" 20000 > "$WORK/django-refresh"
  $PY bench/simplejwt/mint.py "$TG_UID" 200000 > "$WORK/tg-refresh"
  run simplejwt $DJANGO_PID $DJANGO_PORT verify token "$WORK/django-access" "$CONNECTIONS"
  run tokengate $TG_PID $TG_PORT verify token "$WORK/tg-access" "$CONNECTIONS"
  run simplejwt $DJANGO_PID $DJANGO_PORT refresh refresh "$WORK/django-refresh" "$CONNECTIONS"
  run tokengate $TG_PID $TG_PORT refresh refresh "$WORK/tg-refresh" "$CONNECTIONS"
  run simplejwt $DJANGO_PID $DJANGO_PORT login - - "$LOGIN_CONNECTIONS"
  run tokengate $TG_PID $TG_PORT login - - "$LOGIN_CONNECTIONS"
done

$PY - "$WORK/results" "$HZ" <<'PYEOF'
import re, sys
rows = {}
for line in open(sys.argv[1]):
    name, endpoint, conns = line.split()[:3]
    v = dict(re.findall(r"(\w+)=(\d+)", line))
    r = rows.setdefault((endpoint, name), {"req": 0, "err": 0, "dur": 0, "cpu": 0, "p50": [], "p99": [], "conns": conns})
    r["req"] += int(v["requests"]); r["err"] += int(v["non2xx"]) + int(v["socket_errors"])
    r["dur"] += int(v["duration_us"]); r["cpu"] += int(v["cpu_ticks"])
    r["p50"].append(int(v["p50_us"])); r["p99"].append(int(v["p99_us"]))
hz = int(sys.argv[2])
print("%-8s %-10s %5s %10s %9s %9s %7s %12s" % ("endpoint", "target", "conns", "req/s", "p50 ms", "p99 ms", "errors", "CPU us/req"))
for endpoint in ("verify", "refresh", "login"):
    rates = {}
    for name in ("simplejwt", "tokengate"):
        r = rows[(endpoint, name)]
        rps = r["req"] / (r["dur"] / 1e6)
        cpu = r["cpu"] / hz * 1e6 / max(r["req"], 1)
        rates[name] = (rps, cpu)
        print("%-8s %-10s %5s %10.0f %9.2f %9.2f %7d %12.0f" % (endpoint, name, r["conns"], rps,
              sorted(r["p50"])[len(r["p50"]) // 2] / 1000, max(r["p99"]) / 1000, r["err"], cpu))
    print("%-8s tokengate/simplejwt: %.1fx requests/s, %.2fx CPU per request" % (endpoint,
          rates["tokengate"][0] / rates["simplejwt"][0], rates["tokengate"][1] / rates["simplejwt"][1]))
PYEOF
