#!/usr/bin/env bash
# Capacity that follows load: autoscaled workers under a step in load, and adaptive concurrency
# limits in front of a pool of 10 connections (bench/lib/capacity.py has the method).
#
#   bench/capacity.sh [quick|full] [step] [db]    default: quick, both experiments
#
# quick: one short round of each (about 6 minutes with the build): proves the paths, not a measurement to quote.
# full:  3 rounds of each, servers alternating, medians with min-max (about 35 minutes on 2 cores).
# Each server on CPU 0, the Python load and the /actuator/workers poller on CPU 1, 127.0.0.1 only.
# Installs gnuplot and taskset from Debian packages when missing, builds the demo jar (Maven
# `package`: nothing is installed into ~/.m2) and copies it to bench/results/capacity/jars/, runs
# the experiments, writes bench/results/capacity/{step,db}.json (quick: .../capacity/quick/) and
# regenerates docs/benchmarks.md, whose "Capacity that follows load" section shows them.
# Environment: BENCH_SKIP_BUILD=1 reuses the copied jar; BENCH_JAVA overrides the JDK 25 java.
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:-quick}
case "$MODE" in quick|full) shift || true ;; *) echo "usage: bench/capacity.sh [quick|full] [step] [db]" >&2; exit 2 ;; esac
export BENCH_JAVA=${BENCH_JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
say() { echo "[$(date -u +%H:%M:%S)] $*"; }

need=()
for t in gnuplot taskset; do command -v "$t" >/dev/null || need+=("$t"); done
if [ ${#need[@]} -gt 0 ]; then
  say "missing: ${need[*]}; installing Debian packages"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q gnuplot-nox util-linux
fi
[ -x "$BENCH_JAVA" ] || { echo "JDK 25 not found at $BENCH_JAVA (set BENCH_JAVA)" >&2; exit 1; }
[ "$(nproc)" -ge 2 ] || say "WARNING: $(nproc) CPU: the server and the load cannot be pinned apart"
# 200 clients, each with a connection, on both sides
HARD=$(ulimit -Hn)
if [ "$HARD" = unlimited ] || [ "$HARD" -ge 4096 ]; then ulimit -n 4096; fi

JARS=bench/results/capacity/jars
mkdir -p "$JARS"
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ] || [ ! -f "$JARS/demo.jar" ]; then
  say "build: ./mvnw -q -B -ntp package -DskipTests -pl demo-app -am"
  ./mvnw -q -B -ntp package -DskipTests -pl demo-app -am
  cp demo-app/target/workerclass-demo-app-*.jar "$JARS/demo.jar"
fi

T0=$SECONDS
$PY bench/lib/capacity.py "$MODE" "$@"
say "capacity $MODE: $((SECONDS - T0)) s"
$PY bench/lib/report.py
say "wrote docs/benchmarks.md"
