#!/bin/bash
# AppCDS training run, at image build time (docs/performance.md, "Faster start (AppCDS)"): start the gateway in
# dev mode (embedded PostgreSQL under a scratch directory, demo user, demo upstream) with the
# image's JVM flags, wait until it is ready, log in and call the protected demo route, then stop it
# with SIGTERM: the JVM writes the class-data archive of every class it loaded as it exits.
#   train-cds.sh ARCHIVE
# Needs bash only (no curl): HTTP goes through bash's /dev/tcp.
set -euo pipefail

archive=$1
work=$(mktemp -d)
cd "$work"
export TOKENGATE_MODE=dev TOKENGATE_HTTP_HOST=127.0.0.1 TOKENGATE_HTTP_PORT=18000 \
       TOKENGATE_MANAGEMENT_HOST=127.0.0.1 TOKENGATE_MANAGEMENT_PORT=19090 \
       TOKENGATE_DATABASE_EMBEDDED_DIR="$work/postgres" TOKENGATE_ROUTES_RELOAD_ENABLED=false

# The image's flags, but a larger heap: unpacking the embedded PostgreSQL needs more than 96 MB (the
# heap size does not matter to the archive). Classes CDS cannot store (picocli's Java 5 classes) are
# skipped with a warning each: -Xlog:cds=error keeps those out of the build log.
# shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
java -XX:ArchiveClassesAtExit="$archive" $JAVA_OPTS -Xms256m -Xmx256m -Xlog:cds=error \
  -jar /app/tokengate.jar serve &
pid=$!

# request PORT METHOD PATH [BODY] [BEARER]: prints the whole response
request() {
  exec 3<>"/dev/tcp/127.0.0.1/$1"
  printf '%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\n%sContent-Length: %d\r\n\r\n%s' \
    "$2" "$3" "${5:+Authorization: Bearer $5$'\r\n'}" "${#4}" "$4" >&3
  cat <&3
  exec 3<&-
}

deadline=$((SECONDS + 180))
until request 19090 GET /health/ready "" 2>/dev/null | head -n 1 | grep -q ' 200 '; do
  if ! kill -0 "$pid" 2>/dev/null || ((SECONDS > deadline)); then
    echo "train-cds: the gateway did not become ready" >&2
    kill "$pid" 2>/dev/null || true
    exit 1
  fi
  sleep 0.5
done

login=$(request 18000 POST /api/token/ '{"username": "demo", "password": "demo-password"}')
access=$(printf '%s' "$login" | sed -n 's/.*"access":"\([^"]*\)".*/\1/p')
[ -n "$access" ] || { echo "train-cds: login failed: $(printf '%s' "$login" | head -n 1)" >&2; kill "$pid"; exit 1; }
request 18000 GET /api/hello/ "" "$access" | head -n 1 | grep -q ' 200 ' \
  || { echo "train-cds: the protected call failed" >&2; kill "$pid"; exit 1; }

kill -TERM "$pid"
wait "$pid"
cd /
rm -rf "$work"
test -s "$archive"
echo "train-cds: wrote $archive ($(wc -c < "$archive") bytes)"
