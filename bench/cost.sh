#!/usr/bin/env bash
# What the starter costs per request, against plain Spring Boot with the same model and the
# same jars: server CPU microseconds per request at a fixed offered rate below saturation
# (bench/lib/cost.py: server pinned to CPU 0, hey to CPU 1, JIT compiler threads left out,
# sides alternating, medians with min-max).
#
#   bench/cost.sh [rounds] [comparison...]   default 3 rounds, every comparison; a few minutes
#                                            per side and round (warm-up waits for the JIT)
#
# "plain" is the same jar with every auto-configuration of the starter excluded, so both sides load the
# same classes and differ only in what the starter does per request. Comparisons:
#   todos-virtual   demo /todos at 2,000 req/s: plain virtual threads, virtual, virtual without diagnostics
#   todos-default   demo /todos at 2,000 req/s, no class set: plain Boot defaults vs the starter observing
#   owners-virtual  the real-app fixture's /owners page at 150 req/s: plain virtual threads vs virtual
#   owners-diagnostics  the same page under virtual, diagnostics off vs on
#   todos-reactive  demo /todos at 2,000 req/s: plain WebFlux (runs it on the loop), reactive (offloads it),
#                   reactive with server.offload=auto (measures it, then runs it on the loop)
#   todos-workload-classes  demo /todos at 2,000 req/s under thread and reactive, server.workload.enabled
#                   false and true: what the per-route measurement costs under the other classes
#                   (virtual's is in todos-workload, run by hand, see docs/benchmarks.md)
# The /todos comparisons and owners-virtual run interleaved (cost.py --interleave): every side's
# server starts at once, and windows of the sides alternate within the same minutes; in the /todos
# ones a "*-again" side repeats the first side's command, so the report shows the method's own
# error beside each ratio.
# Writes bench/results/cost/<comparison>.json and prints one line per comparison.
# Environment: BENCH_SKIP_BUILD=1 reuses the jars already copied to bench/results/cost/jars;
# COST_SECS sets the measured window per side and round (default 20 s: at 150 req/s, 10 s left
# rounds of one side 25% apart).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
shift || true
ONLY=" $* "
wanted() { [ "$ONLY" = "  " ] || [[ "$ONLY" == *" $1 "* ]]; }
OUT=bench/results/cost
JARS=$OUT/jars
mkdir -p "$JARS"
for t in wrk hey taskset; do
  command -v "$t" >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk hey util-linux; break; }
done
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  ./mvnw -q -B -ntp clean package -DskipTests -pl demo-app,real-app -am
  # Copies: a rebuild while a measurement runs must not change the jar under it.
  cp demo-app/target/workerclass-demo-app-*.jar "$JARS/demo.jar"
  cp real-app/target/workerclass-real-app-*.jar "$JARS/real-app.jar"
fi
# Every auto-configuration the starter registers, read from its imports file so that none is missed.
STARTER_AUTOCONFIGURATIONS=$(grep -v '^#' autoconfigure/src/main/resources/META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports | paste -sd, -)
# The demo's readiness group lists the starter's "workers" indicator, which plain Boot does not have.
PLAIN="--spring.autoconfigure.exclude=$STARTER_AUTOCONFIGURATIONS --management.endpoint.health.group.readiness.include=readinessState"
DEMO="--enable-native-access=ALL-UNNAMED -jar $JARS/demo.jar"
REAL="-jar $JARS/real-app.jar"
# Warm-up: wrk until the JIT compilers use under 2% of a core (at most 240 s); the real app's page
# kept C2 busy for over a minute, and a fixed 30 s left compilation in the measured window.
COST="python3 bench/lib/cost.py --rounds $ROUNDS --secs ${COST_SECS:-20} --warm 240 --settle 0.02"
# Interleaved: 4 windows of 15 s per side and round, after a warm-up of at most 90 s (the windows of
# one process, a minute or more apart, show whether its compilers were still at work).
INTERLEAVED="python3 bench/lib/cost.py --rounds $ROUNDS --interleave 4 --secs 15 --warm 90 --settle 0.02"

wanted todos-virtual && $INTERLEAVED --rate 2000 --conns 50 --out "$OUT/todos-virtual.json" /todos \
  "plain-virtual: $DEMO $PLAIN --spring.threads.virtual.enabled=true" \
  "virtual: $DEMO --server.worker-class=virtual" \
  "virtual-no-diagnostics: $DEMO --server.worker-class=virtual --server.diagnostics.enabled=false" \
  "plain-virtual-again: $DEMO $PLAIN --spring.threads.virtual.enabled=true"

# No configuration file: the demo's application.yml names a class, and "no class" is the case here.
wanted todos-default && $INTERLEAVED --rate 2000 --conns 50 --out "$OUT/todos-default.json" /todos \
  "plain-default: $DEMO $PLAIN --spring.config.name=none" \
  "no-class: $DEMO --spring.config.name=none" \
  "plain-default-again: $DEMO $PLAIN --spring.config.name=none"

# At 150 req/s a window needs 20 s to hold 3,000 requests.
wanted owners-virtual && python3 bench/lib/cost.py --rounds "$ROUNDS" --interleave 4 --secs 20 --warm 90 --settle 0.02 \
  --rate 150 --conns 10 --out "$OUT/owners-virtual.json" /owners \
  "plain-virtual: $REAL $PLAIN --spring.threads.virtual.enabled=true" \
  "virtual: $REAL --server.worker-class=virtual"

wanted owners-diagnostics && $COST --rate 150 --conns 10 --out "$OUT/owners-diagnostics.json" /owners \
  "virtual-no-diagnostics: $REAL --server.worker-class=virtual --server.diagnostics.enabled=false" \
  "virtual: $REAL --server.worker-class=virtual"
wanted todos-reactive && $INTERLEAVED --rate 2000 --conns 50 --out "$OUT/todos-reactive.json" /todos \
  "plain-reactive: $DEMO $PLAIN --spring.main.web-application-type=reactive" \
  "reactive: $DEMO --server.worker-class=reactive" \
  "reactive-auto: $DEMO --server.worker-class=reactive --server.offload=auto" \
  "plain-reactive-again: $DEMO $PLAIN --spring.main.web-application-type=reactive"
wanted todos-workload-classes && $INTERLEAVED --rate 2000 --conns 50 --out "$OUT/todos-workload-classes.json" /todos \
  "thread-workload-off: $DEMO --server.worker-class=thread --server.workload.enabled=false" \
  "thread-workload-on: $DEMO --server.worker-class=thread" \
  "reactive-workload-off: $DEMO --server.worker-class=reactive --server.workload.enabled=false" \
  "reactive-workload-on: $DEMO --server.worker-class=reactive"
true
