#!/usr/bin/env bash
# The benchmark suite: every worker class against the gunicorn peers and plain Spring Boot.
#
#   bench/run.sh [quick|full] [experiment...]     experiments: 1 2 3 4 5 6 7 (default: all)
#
# The method (bench/lib/measure.py): the server on CPU 0, the load tool on CPU 1; per route server
# CPU and context switches per request at a fixed offered rate, then saturated req/s; every
# measurement in rounds (3 in full), the servers alternating, medians with min-max.
# quick: short windows, 2 rounds, one server per family and experiment (workerclass virtual,
#        plain Boot on virtual threads, gunicorn gevent): proves every path in under 10 minutes.
# full:  what docs/benchmarks.md is generated from (about 3 hours on 2 cores).
# Progress: each server start is printed as [n/N] with the time spent and an estimate of the rest.
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
[ ${#EXPS[@]} -eq 0 ] && EXPS=(1 2 4 3 5 6 7)
export BENCH_JAVA=${BENCH_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
PY=/usr/bin/python3
say() { echo "[$(date -u +%H:%M:%S)] $*"; }

# 1. Tools ------------------------------------------------------------------------------------
need=()
for t in wrk siege hey gnuplot perf taskset; do command -v "$t" >/dev/null || need+=("$t"); done
/usr/bin/python3 -c 'import gunicorn, flask, gevent, eventlet, greenlet' 2>/dev/null || need+=(python-peers)
if [ ${#need[@]} -gt 0 ]; then
  say "missing: ${need[*]}; installing Debian packages"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q wrk siege hey gunicorn linux-perf util-linux \
    python3-flask python3-gevent python3-eventlet python3-greenlet gnuplot-nox
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
# The machine line of the report describes a run of every experiment; one run on its own gets its
# own line beside its results, so the report can say that it ran apart.
# (Copied there after the experiments: bench.py empties each experiment's folder first.)
MACHINE=$(mktemp)
$PY bench/lib/machine.py > "$MACHINE"
say "machine: $(tr -d '\n' < "$MACHINE" | cut -c1-200)..."

# 5. Experiments: one planned run, so that the progress line can say how much is left -------------
T0=$SECONDS
$PY bench/lib/bench.py "$MODE" "${EXPS[@]}"
echo "{\"mode\":\"$MODE\",\"experiments\":\"${EXPS[*]}\",\"wall_s\":$((SECONDS - T0)),\"finished_utc\":\"$(date -u +%FT%TZ)\",\"commit\":\"$(git rev-parse --short HEAD 2>/dev/null)\"}" > "$OUT/run.json"
say "all experiments: $((SECONDS - T0)) s"
for e in "${EXPS[@]}"; do cp "$MACHINE" "$OUT/exp$e/machine.json"; done
[ ${#EXPS[@]} -eq 7 ] && cp "$MACHINE" "$OUT/machine.json"
rm -f "$MACHINE"

# 6. Report -----------------------------------------------------------------------------------
$PY bench/lib/report.py
say "wrote docs/benchmarks.md"
