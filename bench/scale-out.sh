#!/usr/bin/env bash
# Scale-out: two instances of the demo behind a real nginx (the shipped deploy/nginx/workerclass.conf),
# scraped by a real Prometheus (bench/lib/scale_out.py has the method).
#
#   bench/scale-out.sh [quick|full] [saturated] [sigterm] [throughput]    default: quick, all three
#
# saturated:  one instance with 2 slots and 1 place in line, one with room; nginx must retry the
#             first one's 503s on the second, the clients must see no failure; Prometheus scrapes
#             both meanwhile and its /api/v1/query answers are stored.
# sigterm:    kill -TERM one instance (its own pid) under load through nginx: failed requests, exit time.
# throughput: /todos through nginx to one instance, then two, alternating rounds.
# quick: one short round of each (about 4 minutes with the build): proves the paths, not a measurement to quote.
# full:  3 sigterm rounds and 3 throughput rounds (about 10 minutes on 2 cores).
# Both JVMs on CPU 0; nginx, Prometheus, wrk and the Python load on CPU 1; 127.0.0.1 only, free ports;
# nginx and Prometheus get their own config and data in temporary directories (never the system's)
# and are stopped by their own pids. Installs nginx, prometheus, wrk and taskset from Debian packages
# (and gnuplot, for report.py) when missing, builds the demo jar (Maven `package`: nothing is installed into ~/.m2) and copies it
# to bench/results/scale-out/jars/, writes bench/results/scale-out/*.json (quick: .../scale-out/quick/)
# and regenerates docs/benchmarks.md, whose "Scale-out behind nginx" section shows them.
# Environment: BENCH_SKIP_BUILD=1 reuses the copied jar; BENCH_JAVA overrides the JDK 25 java.
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:-quick}
case "$MODE" in quick|full) shift || true ;; *) echo "usage: bench/scale-out.sh [quick|full] [saturated] [sigterm] [throughput]" >&2; exit 2 ;; esac
export BENCH_JAVA=${BENCH_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
say() { echo "[$(date -u +%H:%M:%S)] $*"; }

need=()
# gnuplot: report.py re-renders every plot of docs/benchmarks.md, not only this section's
for t in nginx:nginx-light prometheus:prometheus wrk:wrk taskset:util-linux gnuplot:gnuplot-nox; do
  command -v "${t%%:*}" >/dev/null || need+=("${t#*:}")
done
if [ ${#need[@]} -gt 0 ]; then
  say "missing: ${need[*]}; installing Debian packages"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -q
  # where the packages start their own services, those are left alone: this script runs its own
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${need[@]}"
fi
[ -x "$BENCH_JAVA" ] || { echo "JDK 25 not found at $BENCH_JAVA (set BENCH_JAVA)" >&2; exit 1; }
[ "$(nproc)" -ge 2 ] || say "WARNING: $(nproc) CPU: the instances and the front cannot be pinned apart"
HARD=$(ulimit -Hn)
if [ "$HARD" = unlimited ] || [ "$HARD" -ge 4096 ]; then ulimit -n 4096; fi

JARS=bench/results/scale-out/jars
mkdir -p "$JARS"
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ] || [ ! -f "$JARS/demo.jar" ]; then
  say "build: ./mvnw -q -B -ntp package -DskipTests -pl demo-app -am"
  ./mvnw -q -B -ntp package -DskipTests -pl demo-app -am
  cp demo-app/target/workerclass-demo-app-*.jar "$JARS/demo.jar"
fi

T0=$SECONDS
$PY bench/lib/scale_out.py "$MODE" "$@"
say "scale-out $MODE: $((SECONDS - T0)) s"
$PY bench/lib/report.py
say "wrote docs/benchmarks.md"
