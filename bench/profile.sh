#!/usr/bin/env bash
# bench/profile.sh: JFR profile of tokengate proxying the protected GET under wrk load.
#
# Starts the upstream and tokengate as bench/run.sh does, with
#   -XX:StartFlightRecording=delay=${WARMUP}s,duration=${PROFILE}s,settings=profile
# loads it with wrk -t1 -c$CONNS for WARMUP + PROFILE seconds (the first WARMUP seconds unrecorded:
# a cold JVM is meaningless), then aggregates jdk.ExecutionSample with bench/jfr-summary.py: top
# frames (self), top packages (self), and samples by component (metrics, JWT, proxy, router, ...).
# Prints a markdown report, also written to bench/results/profile.md (replaced when the run succeeds;
# RESULT_FILE=path overrides). The recording stays out of git: OUT (default target/profile.jfr,
# re-aggregate it with bench/jfr-summary.py target/profile.jfr).
# Env: WARMUP (30), PROFILE (30), CONNS (64), OUT (target/profile.jfr), TG_JVM_OPTS.
# Usage: bench/profile.sh
source "$(dirname "$0")/lib.sh"

WARMUP=${WARMUP:-30}
PROFILE=${PROFILE:-30}
CONNS=${CONNS:-64}
OUT=${OUT:-$REPO_DIR/target/profile.jfr}
case $OUT in "$BENCH_DIR"/*|bench/*) echo "OUT=$OUT: keep recordings out of bench/ (target/ or /tmp)" >&2; exit 1 ;; esac

bench_init
bench_results profile.md
mkdir -p "$(dirname "$OUT")"
rm -f "$OUT"
start_upstream
# DebugNonSafepoints: samples land on the frame that ran, not the nearest safepoint (a loop's back-edge)
start_tokengate -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints "-XX:StartFlightRecording=delay=${WARMUP}s,duration=${PROFILE}s,settings=profile,filename=$OUT"
wait_tokengate
TOKEN=$(openssl_token)
export TOKEN
log "load: wrk -t1 -c$CONNS for $((WARMUP + PROFILE + 3))s, recording the last ${PROFILE}s"
result=$(wrk_run "http://127.0.0.1:$TG_PORT/api/bench/" "$CONNS" $((WARMUP + PROFILE + 3)))
log "$result"
for _ in $(seq 100); do [[ -s $OUT ]] && break; sleep 0.2; done
sleep 2
jfr print --events jdk.ExecutionSample --stack-depth 96 "$OUT" > "$WORK/samples.txt"
echo "## JFR profile: tokengate, wrk -t1 -c$CONNS, $(date -u '+%F %H:%M UTC'), warm-up ${WARMUP}s, recorded ${PROFILE}s"
echo
echo "JVM: $TG_JVM_OPTS; http.instances=$TG_INSTANCES; whole run: $result"
echo
"$BENCH_DIR/jfr-summary.py" "$WORK/samples.txt"
