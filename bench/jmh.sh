#!/usr/bin/env bash
# bench/jmh.sh: the JMH benchmarks (profile jmh, sources in src/jmh/java), in process, no network:
# TokenVerifyBenchmark (token verification and signing) and ProtectedRoutePipelineBenchmark (a
# protected GET through ProxyRoute up to the upstream call). Builds target/benchmarks.jar, runs it.
# Env: JMH_ARGS (default "-f1 -wi 2 -i 3 -w 2s -r 2s": the short run; "" for JMH's full defaults);
#      extra arguments go to JMH (e.g. a benchmark name: bench/jmh.sh ProtectedRoutePipelineBenchmark).
# Output: also written to bench/results/jmh.txt (replaced when the run succeeds; RESULT_FILE=path overrides).
# Usage: bench/jmh.sh
source "$(dirname "$0")/lib.sh"

JMH_ARGS=${JMH_ARGS--f1 -wi 2 -i 3 -w 2s -r 2s}

trap 'bench_results_done $?' EXIT
bench_results jmh.txt
cd "$REPO_DIR"
echo "# $(java -version 2>&1 | head -1)"
echo "# mvn -B -q -Pjmh -DskipTests package && java -jar target/benchmarks.jar $JMH_ARGS $*"
mvn -B -q -Pjmh -DskipTests package
# shellcheck disable=SC2086
java -jar target/benchmarks.jar $JMH_ARGS "$@"
