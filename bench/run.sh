#!/usr/bin/env bash
# The benchmark suite: every worker class against the gunicorn peers and plain Spring Boot.
#
#   bench/run.sh [quick|full] [experiment...]     experiments: 1 2 3 4 5 6 7 (default: 1 2 4 6 7 3 5)
#                                                 and 1r: experiment 1 for reactive on a fresh server
#                                                 with no warm-up (results go to exp1/)
#
# quick: tiny durations and one server per family (workerclass virtual, plain Tomcat, gunicorn
#        gevent), proves that every script path works in a few minutes.
# full:  the real experiments (about 40 minutes on 2 cores).
#
# Installs its tools from Debian packages when missing, raises ulimit -n, builds the jars (the
# project and the `bench` profile modules), runs the experiments against 127.0.0.1 only, writes one
# JSON per measurement under bench/results/<mode>/expN/, and regenerates docs/benchmarks.md.
# Environment: BENCH_SKIP_BUILD=1 skips the Maven build; BENCH_JAVA overrides the JDK 25 java.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
MODE=${1:-quick}
case "$MODE" in quick|full) shift || true ;; *) echo "usage: bench/run.sh [quick|full] [experiment...]" >&2; exit 2 ;; esac
EXPS=("$@")
[ ${#EXPS[@]} -eq 0 ] && EXPS=(1 2 4 6 7 3 5)
export BENCH_JAVA=${BENCH_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
PY=/usr/bin/python3
say() { echo "[$(date -u +%H:%M:%S)] $*"; }

# 1. Tools ------------------------------------------------------------------------------------
need=()
for t in wrk ab siege hey gnuplot; do command -v "$t" >/dev/null || need+=("$t"); done
/usr/bin/python3 -c 'import gunicorn, flask, gevent, eventlet, greenlet' 2>/dev/null || need+=(python-peers)
if [ ${#need[@]} -gt 0 ]; then
  say "missing: ${need[*]}; installing Debian packages"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q wrk apache2-utils siege hey gunicorn \
    python3-flask python3-gevent python3-eventlet python3-greenlet gnuplot
fi
[ -x "$BENCH_JAVA" ] || { echo "JDK 25 not found at $BENCH_JAVA (set BENCH_JAVA)" >&2; exit 1; }

# 2. File descriptors: 10,000 connections need 10,000+ on each side --------------------------
HARD=$(ulimit -Hn)
if [ "$HARD" = unlimited ] || [ "$HARD" -ge 100000 ]; then ulimit -n 100000; else ulimit -n "$HARD"; fi
say "ulimit -n $(ulimit -n) (hard $HARD)"
[ "$(ulimit -n)" -lt 12000 ] && say "WARNING: ulimit -n below 12000: the 10,000-connection runs will fail"

# 3. Build -------------------------------------------------------------------------------------
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  say "build: ./mvnw -q -B clean install -DskipTests, then the bench profile modules"
  ./mvnw -q -B clean install -DskipTests   # clean: an unchanged module keeps a stale fat jar otherwise
  ./mvnw -q -B -Pbench clean install -DskipTests -pl bench/plain-app,bench/jmh
fi

# 4. Machine ------------------------------------------------------------------------------------
OUT=bench/results/$MODE
mkdir -p "$OUT"
$PY bench/lib/machine.py > "$OUT/machine.json"
say "machine: $(tr -d '\n' < "$OUT/machine.json" | cut -c1-200)..."

# 5. Experiments ------------------------------------------------------------------------------
T0=$SECONDS
for e in "${EXPS[@]}"; do
  s=$SECONDS
  say ">>> experiment $e ($MODE)"
  $PY bench/lib/bench.py "$MODE" "$e" || say "experiment $e FAILED (rc $?); continuing"
  echo "{\"experiment\":\"$e\",\"mode\":\"$MODE\",\"wall_s\":$((SECONDS - s)),\"finished_utc\":\"$(date -u +%FT%TZ)\"}" \
    > "$OUT/exp${e%r}/run-$e.json" 2>/dev/null || true
  say "<<< experiment $e took $((SECONDS - s)) s"
done
say "all experiments: $((SECONDS - T0)) s"

# 6. Report -----------------------------------------------------------------------------------
$PY bench/lib/report.py
say "wrote docs/benchmarks.md"
